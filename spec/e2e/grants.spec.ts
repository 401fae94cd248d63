// Every grant of the library through the real undici transport against the emulator on 127.0.0.1:
// success, AADSTS errors, injected faults, clock offset, federated refusal, device-code outcomes.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Agent } from 'undici';
import {
  EMULATOR_DEMO,
  clearUserRealmCache,
  clientCredentialsGrant,
  decodeClaims,
  passwordGrant,
  pollDeviceCode,
  refreshTokenGrant,
  requestDeviceCode,
  startEmulator,
  type EmulatorHandle,
} from '../../lib/index.js';
import { faults, matchers } from '../../lib/emulator/index.js';
import { testTls } from '../support/emulator-tls.js';

const PUBLIC = '11111111-2222-4333-8444-555555555555';
const CONFIDENTIAL = '22222222-3333-4444-8555-666666666666';
const CONFIDENTIAL_SECRET = 'conf~Secret-Value-0123456789abcdefXYZ';
const NO_PUBLIC_FLOWS = '33333333-4444-4555-8666-777777777777';
const UNKNOWN_CLIENT = '44444444-5555-4666-8777-888888888888';
const LCS = 'https://lcsapi.lcs.dynamics.com';
const USERS = [
  { username: 'svc-lcs@contoso.onmicrosoft.com', password: 'Corr3ct-Horse!Battery' },
  { username: 'mfa@contoso.onmicrosoft.com', password: 'Mfa-Passw0rd!', mfaRequired: true },
  { username: 'locked@contoso.onmicrosoft.com', password: 'Locked-Passw0rd!', locked: true },
  { username: 'adfs-user@fabrikam.com', password: 'Federated-Passw0rd!', federated: true },
];
const SVC = USERS[0]!;

async function rejects(promise: Promise<unknown>, expected: Record<string, unknown>): Promise<void> {
  await assert.rejects(promise, (error: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(error[key], value, `error.${key}`);
    return true;
  });
}

describe('grants against the emulator (real HTTP, undici)', () => {
  let emu: EmulatorHandle;
  let common: { authorityHost: string };

  before(async () => {
    emu = await startEmulator({
      users: USERS,
      clients: [
        { clientId: PUBLIC, allowPublicClientFlows: true },
        { clientId: CONFIDENTIAL, secret: CONFIDENTIAL_SECRET },
        { clientId: NO_PUBLIC_FLOWS, secret: 'other-secret-value-1234' },
      ],
      deviceCodeIntervalSeconds: 1,
    });
    common = { authorityHost: emu.url };
  });
  after(() => emu.stop());
  beforeEach(() => {
    clearUserRealmCache();
    emu.clearFaults();
  });

  const password = (extra: Record<string, unknown> = {}) =>
    passwordGrant({ ...common, clientId: PUBLIC, username: SVC.username, password: SVC.password, resource: LCS, ...extra });

  it('password grant: realm discovery, then a v1 token for the user and resource', async () => {
    const before = emu.requests.length;
    const token = await password();
    const claims = decodeClaims(token);
    assert.equal(claims.upn, SVC.username);
    assert.equal(claims.aud, LCS);
    assert.equal(token.resource, LCS);
    assert.ok(token.refreshToken);
    assert.ok(token.idToken, 'scope=openid yields an id_token');
    assert.equal(token.expiresIn, 3599);
    const seen = emu.requests.slice(before);
    assert.deepEqual(seen.map((r) => `${r.method} ${r.path.split('?')[0]}`), [
      `GET /common/UserRealm/${encodeURIComponent(SVC.username)}`,
      'POST /common/oauth2/token',
    ]);
    assert.equal(seen[1]!.form['password'], '[redacted]');
    assert.equal(seen[1]!.headers['client-request-id'], seen[0]!.headers['client-request-id'], 'one correlation id per sign-in');
  });

  it('password grant: the realm lookup is cached per domain (one request per token afterwards)', async () => {
    await password();
    const before = emu.requests.length;
    await password();
    assert.equal(emu.requests.length - before, 1);
  });

  const refusals: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['wrong password', { password: 'not-the-password' }, { code: 'ERR_OAUTH', error: 'invalid_grant', aadsts: 'AADSTS50126' }],
    ['unknown user', { username: 'nobody@contoso.onmicrosoft.com' }, { code: 'ERR_OAUTH', aadsts: 'AADSTS50034' }],
    ['MFA required', { username: USERS[1]!.username, password: USERS[1]!.password }, { code: 'ERR_OAUTH', aadsts: 'AADSTS50076' }],
    ['locked account', { username: USERS[2]!.username, password: USERS[2]!.password }, { code: 'ERR_OAUTH', aadsts: 'AADSTS50053' }],
    ['unknown client', { clientId: UNKNOWN_CLIENT }, { code: 'ERR_OAUTH', aadsts: 'AADSTS700016' }],
    ['public client flows disabled', { clientId: NO_PUBLIC_FLOWS }, { code: 'ERR_OAUTH', aadsts: 'AADSTS7000218' }],
    ['unknown tenant', { tenant: 'nowhere.onmicrosoft.com' }, { code: 'ERR_OAUTH', aadsts: 'AADSTS90002' }],
  ];
  for (const [name, extra, expected] of refusals) {
    it(`password grant refused: ${name} → ${String(expected.aadsts)} with a remedy`, async () => {
      await assert.rejects(password(extra), (error: Record<string, unknown>) => {
        for (const [key, value] of Object.entries(expected)) assert.equal(error[key], value, `error.${key}`);
        assert.equal(typeof error.remedy, 'string');
        assert.match(String(error.traceId), /^[0-9a-f-]{36}$/);
        assert.match(String(error.message), new RegExp(`\\(${String(expected.aadsts)}\\): `));
        return true;
      });
    });
  }

  it('federated account: refused before any password is posted', async () => {
    const user = USERS[3]!;
    const before = emu.requests.length;
    await rejects(password({ username: user.username, password: user.password }), { code: 'ERR_FEDERATED_USER', domain: 'fabrikam.com' });
    const seen = emu.requests.slice(before);
    assert.equal(seen.length, 1);
    assert.match(seen[0]!.path, /^\/common\/UserRealm\//);
    assert.ok(!emu.requests.some((r) => r.form['username'] === user.username), 'no token request for the federated user');
  });

  it('refresh: a new refresh token comes back; the redeemed one stays valid as on AAD, and is refused (70008) by a strict emulator', async () => {
    const first = await password();
    const second = await refreshTokenGrant({ ...common, clientId: PUBLIC, refreshToken: first.refreshToken!, resource: LCS });
    assert.equal(decodeClaims(second).upn, SVC.username);
    assert.notEqual(second.refreshToken, first.refreshToken);
    // a second process refreshing with the same (already redeemed) refresh token still succeeds
    const again = await refreshTokenGrant({ ...common, clientId: PUBLIC, refreshToken: first.refreshToken!, resource: LCS });
    assert.equal(decodeClaims(again).upn, SVC.username);
    const strict = await startEmulator({ singleUseRefreshTokens: true });
    try {
      const demo = { authorityHost: strict.url, clientId: EMULATOR_DEMO.publicClient.clientId };
      const start = await passwordGrant({ ...demo, username: EMULATOR_DEMO.user.username, password: EMULATOR_DEMO.user.password, resource: LCS });
      await refreshTokenGrant({ ...demo, refreshToken: start.refreshToken!, resource: LCS });
      await rejects(refreshTokenGrant({ ...demo, refreshToken: start.refreshToken! }), { code: 'ERR_SIGN_IN_REQUIRED', error: 'invalid_grant', aadsts: 'AADSTS70008' });
    } finally {
      await strict.stop();
    }
  });

  it('refresh: multi-resource, and an inactive refresh token is 700082', async () => {
    const first = await password();
    const other = await refreshTokenGrant({ ...common, clientId: PUBLIC, refreshToken: first.refreshToken!, resource: 'https://contoso.operations.dynamics.com' });
    assert.equal(decodeClaims(other).aud, 'https://contoso.operations.dynamics.com');
    emu.expireRefreshTokens(SVC.username);
    await rejects(refreshTokenGrant({ ...common, clientId: PUBLIC, refreshToken: other.refreshToken! }), { code: 'ERR_SIGN_IN_REQUIRED', aadsts: 'AADSTS700082' });
  });

  it('client credentials: an app-only token without refresh token; a wrong secret is 7000215', async () => {
    const token = await clientCredentialsGrant({ ...common, tenant: emu.tenantId, clientId: CONFIDENTIAL, clientSecret: CONFIDENTIAL_SECRET, resource: LCS });
    assert.equal(token.refreshToken, undefined);
    assert.equal(decodeClaims(token).appid, CONFIDENTIAL);
    await rejects(clientCredentialsGrant({ ...common, tenant: emu.tenantDomain, clientId: CONFIDENTIAL, clientSecret: 'wrong-secret-value', resource: LCS }), {
      code: 'ERR_OAUTH',
      aadsts: 'AADSTS7000215',
    });
  });

  it('device code: approved while polling → a token for that user', async () => {
    const code = await requestDeviceCode({ ...common, clientId: PUBLIC, resource: LCS });
    assert.equal(code.verificationUrl, `${emu.url}/devicelogin`);
    assert.equal(code.interval, 1);
    const pending: number[] = [];
    setTimeout(() => emu.approveDeviceCode(code.userCode, SVC.username), 1500);
    const token = await pollDeviceCode(code, { ...common, onPending: (info) => pending.push(info.secondsLeft) });
    assert.equal(decodeClaims(token).upn, SVC.username);
    assert.ok(pending.length >= 1);
    assert.ok(emu.requests.some((r) => r.form['grant_type'] === 'device_code' && r.form['code'] === '[redacted]'));
  });

  it('device code: declined, expired, timed out, aborted', async () => {
    const declined = await requestDeviceCode({ ...common, clientId: PUBLIC, resource: LCS });
    setTimeout(() => emu.declineDeviceCode(declined.userCode), 500);
    await rejects(pollDeviceCode(declined, common), { code: 'ERR_DEVICE_CODE_DECLINED' });

    const timedOut = await requestDeviceCode({ ...common, clientId: PUBLIC, resource: LCS });
    await rejects(pollDeviceCode(timedOut, { ...common, timeoutSeconds: 1.5 }), { code: 'ERR_DEVICE_CODE_TIMEOUT' });

    const aborted = await requestDeviceCode({ ...common, clientId: PUBLIC, resource: LCS });
    await rejects(pollDeviceCode(aborted, { ...common, signal: AbortSignal.timeout(300) }), { code: 'ERR_DEVICE_CODE_CANCELLED' });
  });

  it('device code: a code is polled at the authority and tenant it was issued by, without repeating them', async () => {
    const auto = await startEmulator({ deviceCodeIntervalSeconds: 1, autoApproveDeviceCodeAfterSeconds: 0.5 });
    try {
      const code = await requestDeviceCode({ authorityHost: auto.url, tenant: auto.tenantDomain, clientId: '1950a258-227b-4e31-a9cf-717495945fc2', resource: LCS });
      assert.equal(code.authorityHost, auto.url);
      assert.equal(code.tenant, auto.tenantDomain);
      const token = await pollDeviceCode(code, { timeoutSeconds: 10 });
      assert.equal(token.resource, LCS);
      assert.equal(token.authorityHost, auto.url);
      const polls = auto.requests.filter((r) => r.form['grant_type'] === 'device_code');
      assert.ok(polls.length > 0);
      assert.ok(polls.every((r) => r.path.startsWith(`/${auto.tenantDomain}/oauth2/token`)), polls.map((r) => r.path).join(', '));
    } finally {
      await auto.stop();
    }
  });

  it('device code: the server says the code expired', async () => {
    const short = await startEmulator({ deviceCodeLifetimeSeconds: 1, deviceCodeIntervalSeconds: 1 });
    try {
      const code = await requestDeviceCode({ authorityHost: short.url, clientId: '1950a258-227b-4e31-a9cf-717495945fc2', resource: LCS });
      // poll past the server's expiry: the local deadline says expired, or the server's code_expired does
      // (the device code itself is no own property: it never prints, so a copy names it explicitly)
      await rejects(pollDeviceCode({ ...code, deviceCode: code.deviceCode, expiresAt: code.expiresAt + 5000 }, {}), { code: 'ERR_DEVICE_CODE_EXPIRED' });
      assert.ok(short.requests.some((r) => r.form['grant_type'] === 'device_code'));
    } finally {
      await short.stop();
    }
  });

  it('429 with Retry-After is retried and then succeeds', async () => {
    emu.inject(faults.throttle(1, { match: matchers.token() }), 1);
    const before = emu.requests.filter((r) => r.path.includes('/oauth2/token')).length;
    const token = await password();
    assert.ok(token.accessToken);
    assert.equal(emu.requests.filter((r) => r.path.includes('/oauth2/token')).length - before, 2);
  });

  it('503 is retried; a persistent 500 surfaces after one retry', async () => {
    emu.inject(faults.serverError(503, { match: matchers.token() }), 1);
    assert.ok((await password()).accessToken);
    emu.inject(faults.serverError(500, { match: matchers.token() }), 2);
    const before = emu.requests.length;
    await rejects(password(), { code: 'ERR_OAUTH', status: 500 });
    assert.equal(emu.requests.length - before, 2);
  });

  const broken: [string, () => void, Record<string, unknown>][] = [
    ['a slow answer past timeoutMs', () => emu.inject(faults.slow(3000, { match: matchers.token() })), { code: 'ERR_TIMEOUT' }],
    ['an oversized body', () => emu.inject(faults.oversized(undefined, { match: matchers.token() })), { code: 'ERR_BODY_TOO_LARGE' }],
    ['an HTML page', () => emu.inject(faults.html(200, { match: matchers.token() })), { code: 'ERR_NOT_JSON' }],
    ['truncated JSON', () => emu.inject(faults.truncatedJson({ match: matchers.token() })), { code: 'ERR_NOT_JSON' }],
    ['a token for another resource', () => emu.inject(faults.wrongResource()), { code: 'ERR_RESOURCE_MISMATCH' }],
  ];
  for (const [name, inject, expected] of broken) {
    it(`refuses ${name}`, async () => {
      inject();
      await rejects(password({ timeoutMs: 1000 }), expected);
    });
  }

  it('the caller\'s signal aborts a request in flight (ERR_ABORTED, not a timeout), promptly', async () => {
    emu.inject(faults.slow(3000, { match: matchers.token() }));
    const started = Date.now();
    await rejects(password({ signal: AbortSignal.timeout(200) }), { code: 'ERR_ABORTED' });
    assert.ok(Date.now() - started < 2000, 'aborted before the slow answer came');
  });

  it('a server clock ten minutes ahead shows as skew; expiry stays on the local clock', async () => {
    const ahead = await startEmulator({ clockOffsetSeconds: 600 });
    try {
      const started = Date.now();
      const token = await clientCredentialsGrant({
        authorityHost: ahead.url,
        tenant: ahead.tenantId,
        clientId: '7b1e2d3c-4a5f-4e6d-9c8b-0a1f2e3d4c5b',
        clientSecret: 'demo-client-secret-Ab3~xYz9',
        resource: LCS,
      });
      assert.ok(Math.abs(token.clockSkewSeconds - 600) <= 2, `skew ${token.clockSkewSeconds}`);
      assert.ok(token.expiresAt >= started + 3599_000 && token.expiresAt <= Date.now() + 3599_000);
    } finally {
      await ahead.stop();
    }
  });

  it('works over https with a trusted test certificate (undici dispatcher)', async () => {
    const secure = await startEmulator({ tls: testTls });
    const dispatcher = new Agent({ connect: { ca: testTls.cert } });
    try {
      assert.match(secure.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const token = await passwordGrant({
        authorityHost: secure.url,
        dispatcher,
        clientId: '4e9c6a1b-52d3-4c8f-8a7e-1f2b3c4d5e6f',
        username: 'admin@contoso.onmicrosoft.com',
        password: 'Demo-Passw0rd!',
        resource: LCS,
      });
      assert.equal(decodeClaims(token).upn, 'admin@contoso.onmicrosoft.com');
    } finally {
      await dispatcher.close();
      await secure.stop();
    }
  });
});
