// The emulator over raw HTTP (global fetch): every endpoint, every AADSTS case, faults, redaction, control routes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { EMULATOR_DEMO, faults, matchers, startEmulator, type EmulatorHandle } from '../../lib/emulator/index.js';
import { body, get, postForm, postJson, type RawResponse } from '../support/emulator-http.js';

const LCS = 'https://lcsapi.lcs.dynamics.com';
const ODATA = 'https://contoso.operations.dynamics.com';
const TENANT_ID = '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
const DOMAIN = 'fabrikam.onmicrosoft.com';
const PUB = 'aa11bb22-cc33-4d44-8e55-ff6677889900';
const CONF = 'bb22cc33-dd44-4e55-8f66-0077889900aa';
const SECRET = 'Zq8~real-looking.secret_Value-123';
const NOPUB = 'cc33dd44-ee55-4f66-8a77-1188990011bb';
const PASSWORD = 'Tr0ub4dor&3-correct-horse';
const users = [
  { username: 'alice@fabrikam.onmicrosoft.com', password: PASSWORD },
  { username: 'mfa@fabrikam.onmicrosoft.com', password: PASSWORD, mfaRequired: true },
  { username: 'locked@fabrikam.onmicrosoft.com', password: PASSWORD, locked: true },
  { username: 'fed@fabrikam.com', password: PASSWORD, federated: true },
];
const clients = [
  { clientId: PUB, allowPublicClientFlows: true },
  { clientId: CONF, secret: SECRET, roles: ['Data.ReadWrite'] },
  { clientId: NOPUB },
];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function start(extra: Parameters<typeof startEmulator>[0] = {}) {
  return startEmulator({ tenantId: TENANT_ID, tenantDomain: DOMAIN, users, clients, ...extra });
}

const pw = (over: Record<string, string> = {}) => ({
  grant_type: 'password', client_id: PUB, resource: LCS, username: users[0]!.username, password: PASSWORD, scope: 'openid', ...over,
});

/** Asserts a v1 AADSTS error: status, error, code, description trailer, ids. */
function assertAadError(r: RawResponse, status: number, error: string, code: number): Record<string, unknown> {
  const b = body(r);
  assert.equal(r.status, status, `HTTP status for ${error} ${code}: ${r.text}`);
  assert.equal(b.error, error);
  assert.deepEqual(b.error_codes, [code]);
  assert.match(String(b.error_description), new RegExp(`^AADSTS${code}: .+\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]{36}\\r\\nTimestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`));
  assert.match(String(b.timestamp), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  assert.match(String(b.trace_id), GUID);
  assert.match(String(b.correlation_id), GUID);
  assert.equal(b.trace_id, r.headers.get('x-ms-request-id'));
  assert.match(String(b.error_uri), new RegExp(`/error\\?code=${code}$`));
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  return b;
}

describe('emulator: password grant and token shape', () => {
  let emu: EmulatorHandle;
  let token: string;
  before(async () => { emu = await start(); token = `${emu.url}/${TENANT_ID}/oauth2/token?api-version=1.0`; });
  after(() => emu.stop());

  it('returns a v1 token response: numbers as strings, resource echoed, scope, refresh token, unsigned id_token', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await postForm(token, pw(), { 'client-request-id': '0f0e0d0c-0b0a-4908-8706-050403020100', 'return-client-request-id': 'true' });
    const b = body(r);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(r.headers.get('cache-control'), 'no-store, no-cache');
    assert.equal(r.headers.get('pragma'), 'no-cache');
    assert.match(r.headers.get('x-ms-request-id') ?? '', GUID);
    assert.equal(r.headers.get('client-request-id'), '0f0e0d0c-0b0a-4908-8706-050403020100');
    assert.equal(b.token_type, 'Bearer');
    assert.equal(b.scope, 'user_impersonation');
    assert.equal(b.resource, LCS);
    for (const k of ['expires_in', 'ext_expires_in', 'expires_on', 'not_before']) {
      assert.equal(typeof b[k], 'string', k);
      assert.match(String(b[k]), /^\d+$/, k);
    }
    assert.equal(b.expires_in, '3599');
    const expiresOn = Number(b.expires_on);
    assert.ok(expiresOn >= before + 3599 && expiresOn <= before + 3601, `expires_on ${expiresOn}`);
    assert.equal(typeof b.refresh_token, 'string');
    const [h, p, s] = String(b.id_token).split('.');
    assert.deepEqual(JSON.parse(Buffer.from(h!, 'base64url').toString()), { typ: 'JWT', alg: 'none' });
    assert.equal(s, '');
    const id = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(id.upn, users[0]!.username);
    assert.equal(id.aud, PUB);
    assert.equal(id.tid, TENANT_ID);
  });

  it('signs access tokens RS256 with v1 claims, verifiable against the JWKS', async () => {
    const b = body(await postForm(token, pw()));
    const at = String(b.access_token);
    const header = decodeProtectedHeader(at);
    assert.equal(header.alg, 'RS256');
    assert.ok(header.kid);
    const keys = createRemoteJWKSet(new URL(`${emu.url}/common/discovery/keys`));
    const { payload } = await jwtVerify(at, keys, { issuer: `https://sts.windows.net/${TENANT_ID}/`, audience: LCS });
    assert.equal(payload.ver, '1.0');
    assert.equal(payload.tid, TENANT_ID);
    assert.equal(payload.upn, users[0]!.username);
    assert.equal(payload.unique_name, users[0]!.username);
    assert.equal(payload.appid, PUB);
    assert.equal(payload.scp, 'user_impersonation');
    assert.match(String(payload.oid), GUID);
    assert.equal(typeof payload.iat, 'number');
    assert.equal(payload.nbf, Number(b.not_before));
    assert.equal(payload.exp, Number(b.expires_on));
  });

  it('sends no id_token without scope=openid', async () => {
    const { scope: _omit, ...form } = pw();
    const b = body(await postForm(token, form));
    assert.equal(b.id_token, undefined);
    assert.ok(b.access_token);
  });

  it('accepts the tenant GUID, the domain, common and organizations; refuses an unknown tenant with 90002', async () => {
    for (const t of [TENANT_ID, DOMAIN, 'common', 'organizations']) {
      assert.equal((await postForm(`${emu.url}/${t}/oauth2/token`, pw())).status, 200, t);
    }
    assertAadError(await postForm(`${emu.url}/nope.onmicrosoft.com/oauth2/token`, pw()), 400, 'invalid_request', 90002);
  });

  it('echoes a GUID client-request-id as correlation_id in errors', async () => {
    const r = await postForm(token, pw({ password: 'wrong' }), { 'client-request-id': '12345678-1234-4234-8234-123456789abc' });
    assert.equal(assertAadError(r, 400, 'invalid_grant', 50126).correlation_id, '12345678-1234-4234-8234-123456789abc');
    assert.equal(r.headers.get('client-request-id'), null, 'echoed only with return-client-request-id: true');
  });

  const cases: Array<[string, Record<string, string>, number, string, number]> = [
    ['wrong password', { password: 'nope' }, 400, 'invalid_grant', 50126],
    ['unknown user', { username: 'nobody@fabrikam.onmicrosoft.com' }, 400, 'invalid_grant', 50034],
    ['MFA-required user', { username: 'mfa@fabrikam.onmicrosoft.com' }, 400, 'invalid_grant', 50076],
    ['locked user', { username: 'locked@fabrikam.onmicrosoft.com' }, 400, 'invalid_grant', 50053],
    ['federated user (direct ROPC)', { username: 'fed@fabrikam.com' }, 400, 'invalid_grant', 50126],
    ['unknown client', { client_id: '00000000-1111-4222-8333-444444444444' }, 400, 'unauthorized_client', 700016],
    ['public client flows disabled', { client_id: NOPUB }, 401, 'invalid_client', 7000218],
    ['confidential client without its secret', { client_id: CONF }, 401, 'invalid_client', 7000218],
    ['wrong client secret', { client_id: CONF, client_secret: 'not-it' }, 401, 'invalid_client', 7000215],
    ['a secret from a public client', { client_secret: 'x' }, 401, 'invalid_client', 700025],
    ['missing resource', { resource: '' }, 400, 'invalid_request', 900144],
    ['missing client_id', { client_id: '' }, 400, 'invalid_request', 900144],
    ['unsupported grant type', { grant_type: 'magic' }, 400, 'unsupported_grant_type', 70003],
  ];
  for (const [name, over, status, error, code] of cases) {
    it(`answers ${name} with ${error} AADSTS${code} (HTTP ${status})`, async () => {
      const form = Object.fromEntries(Object.entries(pw(over)).filter(([, v]) => v !== ''));
      const b = assertAadError(await postForm(token, form), status, error, code);
      assert.equal(b.access_token, undefined);
      if (code === 900144) assert.match(String(b.error_description), /must contain the following parameter: '(resource|client_id)'/);
    });
  }

  it('marks the MFA error with suberror basic_action', async () => {
    const b = body(await postForm(token, pw({ username: 'mfa@fabrikam.onmicrosoft.com' })));
    assert.equal(b.suberror, 'basic_action');
  });

  it('lets a confidential client use the password grant with its secret', async () => {
    const r = await postForm(token, pw({ client_id: CONF, client_secret: SECRET }));
    assert.equal(r.status, 200);
    assert.equal(decodeJwt(String(body(r).access_token)).appidacr, '1');
  });
});

describe('emulator: refresh tokens', () => {
  let emu: EmulatorHandle;
  let token: string;
  before(async () => { emu = await start(); token = `${emu.url}/${DOMAIN}/oauth2/token`; });
  after(() => emu.stop());
  const login = async () => String(body(await postForm(token, pw())).refresh_token);
  const refresh = (rt: string, over: Record<string, string> = {}) =>
    postForm(token, { grant_type: 'refresh_token', client_id: PUB, refresh_token: rt, resource: LCS, scope: 'openid', ...over });

  it('like AAD, each redeem returns a new refresh token and the redeemed one stays valid', async () => {
    const rt1 = await login();
    const r2 = body(await refresh(rt1));
    const rt2 = String(r2.refresh_token);
    assert.notEqual(rt2, rt1);
    assert.equal(r2.resource, LCS);
    const again = await refresh(rt1);
    assert.equal(again.status, 200, 'a second process refreshing with the same token still succeeds');
    assert.notEqual(String(body(again).refresh_token), rt2);
    assert.equal((await refresh(rt2)).status, 200);
  });

  it('singleUseRefreshTokens: a redeemed refresh token is spent; a reuse gets 70008', async () => {
    const strict = await start({ singleUseRefreshTokens: true });
    try {
      const t = `${strict.url}/${DOMAIN}/oauth2/token`;
      const rt1 = String(body(await postForm(t, pw())).refresh_token);
      const form = (rt: string) => ({ grant_type: 'refresh_token', client_id: PUB, refresh_token: rt, resource: LCS });
      const rt2 = String(body(await postForm(t, form(rt1))).refresh_token);
      assertAadError(await postForm(t, form(rt1)), 400, 'invalid_grant', 70008);
      assert.equal((await postForm(t, form(rt2))).status, 200, 'its successor works once');
      assertAadError(await postForm(t, form(rt2)), 400, 'invalid_grant', 70008);
    } finally {
      await strict.stop();
    }
  });

  it('is multi-resource: one refresh token redeems for another resource; without resource, the original one', async () => {
    const r = body(await refresh(await login(), { resource: ODATA }));
    assert.equal(r.resource, ODATA);
    assert.equal(decodeJwt(String(r.access_token)).aud, ODATA);
    const { resource: _omit, ...noResource } = { grant_type: 'refresh_token', client_id: PUB, refresh_token: String(r.refresh_token), resource: '' };
    const r2 = body(await postForm(token, noResource));
    assert.equal(r2.resource, ODATA, 'the RT remembers the resource it was minted for');
  });

  it('refuses revoked tokens with 70008 and inactive ones with 700082', async () => {
    const rt = await login();
    assert.ok(emu.revokeRefreshTokens(users[0]!.username) >= 1);
    assertAadError(await refresh(rt), 400, 'invalid_grant', 70008);
    const rt2 = await login();
    assert.ok(emu.expireRefreshTokens() >= 1);
    assertAadError(await refresh(rt2), 400, 'invalid_grant', 700082);
  });

  it('refuses an unknown refresh token, a missing one, and another client\'s', async () => {
    assertAadError(await refresh('AwABAAAA.not-a-token'), 400, 'invalid_grant', 70000);
    assertAadError(await postForm(token, { grant_type: 'refresh_token', client_id: PUB }), 400, 'invalid_request', 900144);
    const rt = await login();
    assertAadError(await refresh(rt, { client_id: CONF, client_secret: SECRET }), 400, 'invalid_grant', 70000);
  });
});

describe('emulator: client credentials', () => {
  let emu: EmulatorHandle;
  before(async () => { emu = await start(); });
  after(() => emu.stop());
  const cc = (tenant: string, over: Record<string, string> = {}) =>
    postForm(`${emu.url}/${tenant}/oauth2/token`, { grant_type: 'client_credentials', client_id: CONF, client_secret: SECRET, resource: ODATA, ...over });

  it('issues an app-only token: no scope, no refresh token, no id_token; roles, appid, no upn/scp', async () => {
    const r = await cc(TENANT_ID);
    const b = body(r);
    assert.equal(r.status, 200);
    assert.equal(b.scope, undefined);
    assert.equal(b.refresh_token, undefined);
    assert.equal(b.id_token, undefined);
    assert.equal(b.resource, ODATA);
    const c = decodeJwt(String(b.access_token));
    assert.equal(c.appid, CONF);
    assert.deepEqual(c.roles, ['Data.ReadWrite']);
    assert.equal(c.scp, undefined);
    assert.equal(c.upn, undefined);
    assert.equal(c.aud, ODATA);
  });

  it('refuses a wrong secret (7000215), no secret (7000218), /common (50059), a public client (7000218)', async () => {
    assertAadError(await cc(DOMAIN, { client_secret: 'wrong' }), 401, 'invalid_client', 7000215);
    assertAadError(await cc(DOMAIN, { client_secret: '' }), 401, 'invalid_client', 7000218);
    assertAadError(await cc('common'), 400, 'invalid_request', 50059);
    assertAadError(await cc(DOMAIN, { client_id: PUB, client_secret: '' }), 401, 'invalid_client', 7000218);
  });
});

describe('emulator: device code', () => {
  let emu: EmulatorHandle;
  let base: string;
  before(async () => { emu = await start({ deviceCodeIntervalSeconds: 1, deviceCodeLifetimeSeconds: 30 }); base = `${emu.url}/${DOMAIN}/oauth2`; });
  after(() => emu.stop());
  const begin = async (clientId = PUB) => body(await postForm(`${base}/devicecode?api-version=1.0`, { client_id: clientId, resource: LCS }));
  const poll = (code: string, over: Record<string, string> = {}) =>
    postForm(`${base}/token`, { grant_type: 'device_code', client_id: PUB, resource: LCS, code, ...over });

  it('answers the devicecode request in the v1 shape (numbers as strings, verification_url, message)', async () => {
    const d = await begin();
    assert.match(String(d.user_code), /^[A-Z0-9]{8}$/);
    assert.ok(String(d.device_code).length > 40);
    assert.equal(d.verification_url, `${emu.url}/devicelogin`);
    assert.equal(d.expires_in, '30');
    assert.equal(d.interval, '1');
    assert.match(String(d.message), new RegExp(`${emu.url}/devicelogin.*${d.user_code}`));
    assert.equal(d.verification_uri, undefined);
  });

  it('refuses devicecode requests without client_id/resource (900144) or for an unknown client (700016)', async () => {
    assertAadError(await postForm(`${base}/devicecode`, { resource: LCS }), 400, 'invalid_request', 900144);
    assertAadError(await postForm(`${base}/devicecode`, { client_id: PUB }), 400, 'invalid_request', 900144);
    assertAadError(await postForm(`${base}/devicecode`, { client_id: '00000000-1111-4222-8333-444444444444', resource: LCS }), 400, 'unauthorized_client', 700016);
  });

  it('is pending (70016) until approved, then issues one token for the approving user', async () => {
    const d = await begin();
    assertAadError(await poll(String(d.device_code)), 400, 'authorization_pending', 70016);
    assert.equal(emu.approveDeviceCode(String(d.user_code), 'mfa@fabrikam.onmicrosoft.com'), true);
    const r = await poll(String(d.device_code));
    const b = body(r);
    assert.equal(r.status, 200);
    assert.equal(b.resource, LCS);
    assert.equal(typeof b.refresh_token, 'string');
    assert.equal(decodeJwt(String(b.access_token)).upn, 'mfa@fabrikam.onmicrosoft.com');
    assertAadError(await poll(String(d.device_code)), 400, 'invalid_grant', 70000);
  });

  it('accepts the RFC 8628 URN grant with device_code, and with code and no resource', async () => {
    const d1 = await begin();
    emu.approveDeviceCode(String(d1.user_code));
    const r1 = await postForm(`${base}/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: PUB, device_code: String(d1.device_code) });
    assert.equal(r1.status, 200);
    assert.equal(decodeJwt(String(body(r1).access_token)).upn, users[0]!.username, 'default approver: the first user');
    const d2 = await begin();
    emu.approveDeviceCode(String(d2.user_code));
    const r2 = await postForm(`${base}/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: PUB, code: String(d2.device_code) });
    assert.equal(body(r2).resource, LCS);
  });

  it('answers declined, unknown and missing codes', async () => {
    const d = await begin();
    assert.equal(emu.declineDeviceCode(String(d.user_code)), true);
    assertAadError(await poll(String(d.device_code)), 400, 'authorization_declined', 65004);
    assert.equal(emu.approveDeviceCode(String(d.user_code)), false, 'a settled code cannot be approved');
    assertAadError(await poll('DAQABAAEAAAD--not-a-code'), 400, 'bad_verification_code', 70018);
    assertAadError(await postForm(`${base}/token`, { grant_type: 'device_code', client_id: PUB, resource: LCS }), 400, 'invalid_request', 900144);
  });

  it('refuses a device-code poll from a client without public flows (7000218)', async () => {
    const d = await begin(NOPUB);
    assertAadError(await poll(String(d.device_code), { client_id: NOPUB }), 401, 'invalid_client', 7000218);
  });
});

describe('emulator: device-code expiry and auto-approval', () => {
  let emu: EmulatorHandle;
  before(async () => {
    // the lifetime leaves a busy machine (CI runs the specs on two cores) a second for the two
    // polls of the auto-approval case; 0.4 s once expired a code before its second poll
    emu = await start({ deviceCodeIntervalSeconds: 0.1, deviceCodeLifetimeSeconds: 1.2, autoApproveDeviceCodeAfterSeconds: 0.15 });
  });
  after(() => emu.stop());
  const base = () => `${emu.url}/${TENANT_ID}/oauth2`;
  const begin = async () => body(await postForm(`${base()}/devicecode`, { client_id: PUB, resource: LCS }));
  const poll = (code: unknown) => postForm(`${base()}/token`, { grant_type: 'device_code', client_id: PUB, resource: LCS, code: String(code) });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('auto-approves as the first user after the configured delay', async () => {
    const d = await begin();
    assert.equal(d.interval, '0.1');
    assertAadError(await poll(d.device_code), 400, 'authorization_pending', 70016);
    await sleep(250);
    const r = await poll(d.device_code);
    assert.equal(r.status, 200, JSON.stringify(body(r)));
    assert.equal(decodeJwt(String(body(r).access_token)).upn, users[0]!.username);
  });

  it('lets an explicit decline win over the auto-approval timer', async () => {
    const d = await begin();
    emu.declineDeviceCode(String(d.user_code));
    await sleep(250);
    assertAadError(await poll(d.device_code), 400, 'authorization_declined', 65004);
  });

  it('expires codes after the lifetime with code_expired (70019)', async () => {
    const d = await begin();
    await sleep(1300);
    assertAadError(await poll(d.device_code), 400, 'code_expired', 70019);
  });
});

describe('emulator: clock offset', () => {
  let emu: EmulatorHandle;
  before(async () => { emu = await start({ clockOffsetSeconds: -600, tokenLifetimeSeconds: 120 }); });
  after(() => emu.stop());

  it('reflects the server clock in expires_on, not_before and the token times', async () => {
    const now = Math.floor(Date.now() / 1000);
    const b = body(await postForm(`${emu.url}/common/oauth2/token`, pw()));
    assert.equal(b.expires_in, '120');
    const expiresOn = Number(b.expires_on);
    assert.ok(Math.abs(expiresOn - (now - 600 + 120)) <= 2, `expires_on ${expiresOn} vs ${now - 600 + 120}`);
    assert.equal(decodeJwt(String(b.access_token)).exp, expiresOn);
    assert.ok(Number(b.not_before) <= now - 600);
  });
});

describe('emulator: UserRealm and discovery documents', () => {
  let emu: EmulatorHandle;
  before(async () => { emu = await start(); });
  after(() => emu.stop());

  it('answers Managed for a cloud user, Federated for a federated one, Unknown for a foreign domain', async () => {
    const managed = body(await get(`${emu.url}/common/UserRealm/${encodeURIComponent(users[0]!.username)}?api-version=1.0`, { accept: 'application/json' }));
    assert.equal(managed.account_type, 'Managed');
    assert.equal(managed.domain_name, DOMAIN);
    assert.equal(managed.ver, '1.0');
    assert.equal(managed.cloud_audience_urn, 'urn:federation:MicrosoftOnline');
    const fed = body(await get(`${emu.url}/common/userrealm/fed%40fabrikam.com?api-version=1.0`));
    assert.equal(fed.account_type, 'Federated');
    assert.equal(fed.federation_protocol, 'WSTrust');
    assert.match(String(fed.federation_metadata_url), /^http:\/\/127\.0\.0\.1:\d+\/adfs\/services\/trust\/mex$/);
    assert.match(String(fed.federation_active_auth_url), /usernamemixed$/);
    const unknown = body(await get(`${emu.url}/common/UserRealm/someone%40elsewhere.example?api-version=1.0`));
    assert.equal(unknown.account_type, 'Unknown');
  });

  it('serves openid-configuration for the tenant and for common', async () => {
    const t = body(await get(`${emu.url}/${TENANT_ID}/.well-known/openid-configuration`));
    assert.equal(t.issuer, `https://sts.windows.net/${TENANT_ID}/`);
    assert.equal(t.token_endpoint, `${emu.url}/${TENANT_ID}/oauth2/token`);
    assert.equal(t.jwks_uri, `${emu.url}/common/discovery/keys`);
    assert.equal(t.device_authorization_endpoint, `${emu.url}/${TENANT_ID}/oauth2/devicecode`);
    const c = body(await get(`${emu.url}/common/.well-known/openid-configuration`));
    assert.equal(c.issuer, 'https://sts.windows.net/{tenantid}/');
    assertAadError(await get(`${emu.url}/unknown-tenant/.well-known/openid-configuration`), 400, 'invalid_request', 90002);
  });

  it('serves the JWKS (RSA public key only) and 404/405 for the rest', async () => {
    const k = body(await get(`${emu.url}/common/discovery/keys`));
    const [key] = k.keys as Array<Record<string, unknown>>;
    assert.equal(key!.kty, 'RSA');
    assert.equal(key!.use, 'sig');
    assert.ok(key!.kid && key!.n && key!.e);
    assert.equal(key!.d, undefined, 'no private part');
    assert.equal((await get(`${emu.url}/nothing/here`)).status, 404);
    const r = await get(`${emu.url}/common/oauth2/token`);
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'POST');
  });
});

describe('emulator: fault injection', () => {
  let emu: EmulatorHandle;
  let token: string;
  before(async () => { emu = await start(); token = `${emu.url}/common/oauth2/token`; });
  after(() => emu.stop());

  it('throttle(): HTTP 429 with Retry-After and a throttling body, then normal service', async () => {
    emu.inject(faults.throttle(7));
    const r = await postForm(token, pw());
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '7');
    assert.equal(body(r).error, 'temporarily_unavailable');
    assert.deepEqual(body(r).error_codes, [90055]);
    assert.equal((await postForm(token, pw())).status, 200);
  });

  it('serverError(): 503 temporarily_unavailable for `count` requests; 500 with an empty body', async () => {
    emu.inject(faults.serverError(503, { retryAfterSeconds: 2 }), 2);
    for (let i = 0; i < 2; i++) {
      const r = await postForm(token, pw());
      assert.equal(r.status, 503);
      assert.equal(r.headers.get('retry-after'), '2');
      assert.equal(body(r).error, 'temporarily_unavailable');
    }
    assert.equal((await postForm(token, pw())).status, 200);
    emu.inject(faults.serverError(500, { empty: true }));
    const r = await postForm(token, pw());
    assert.equal(r.status, 500);
    assert.equal(r.text, '');
  });

  it('slow(): delays the real answer', async () => {
    emu.inject(faults.slow(300));
    const t0 = Date.now();
    const r = await postForm(token, pw());
    assert.ok(Date.now() - t0 >= 280, `took ${Date.now() - t0} ms`);
    assert.equal(r.status, 200);
    assert.ok(body(r).access_token);
  });

  it('oversized(): a 2 MiB body', async () => {
    emu.inject(faults.oversized());
    const r = await postForm(token, pw());
    assert.equal(r.status, 200);
    assert.ok(r.text.length >= 2 * 1024 * 1024 - 16, `got ${r.text.length} bytes`);
  });

  it('html(): an HTML page instead of JSON', async () => {
    emu.inject(faults.html(502));
    const r = await postForm(token, pw());
    assert.equal(r.status, 502);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(r.json, undefined);
    assert.match(r.text, /<html>/);
  });

  it('truncatedJson(): HTTP 200 with JSON cut off', async () => {
    emu.inject(faults.truncatedJson());
    const r = await postForm(token, pw());
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.throws(() => JSON.parse(r.text), SyntaxError);
  });

  it('wrongResource(): a success whose resource differs from the request\'s', async () => {
    emu.inject(faults.wrongResource());
    const b = body(await postForm(token, pw()));
    assert.ok(b.access_token);
    assert.notEqual(b.resource, LCS);
    assert.equal(body(await postForm(token, pw())).resource, LCS);
  });

  it('slowDown(): only device-code polls get slow_down', async () => {
    emu.inject(faults.slowDown());
    assert.equal((await postForm(token, pw())).status, 200, 'a password grant is not matched');
    const d = body(await postForm(`${emu.url}/common/oauth2/devicecode`, { client_id: PUB, resource: LCS }));
    const r = await postForm(token, { grant_type: 'device_code', client_id: PUB, resource: LCS, code: String(d.device_code) });
    assert.equal(r.status, 400);
    assert.equal(body(r).error, 'slow_down');
  });

  it('a raw fault with a match applies only to matching requests; clearFaults() drops the rest', async () => {
    emu.inject({ status: 418, body: { error: 'teapot' }, headers: { 'x-test': 'yes' }, match: matchers.userRealm() }, 5);
    assert.equal((await postForm(token, pw())).status, 200);
    const r = await get(`${emu.url}/common/UserRealm/a%40b.c`);
    assert.equal(r.status, 418);
    assert.equal(r.headers.get('x-test'), 'yes');
    assert.deepEqual(body(r), { error: 'teapot' });
    emu.clearFaults();
    assert.equal((await get(`${emu.url}/common/UserRealm/a%40b.c`)).status, 200);
  });
});

describe('emulator: inject() checks its input', () => {
  let emu: EmulatorHandle;
  before(async () => { emu = await start(); });
  after(() => emu.stop());

  const bad: Array<[string, () => void, string]> = [
    ['a match that is not a function', () => emu.inject(faults.serverError(500, { match: 'x' } as never)), 'inject(): match must be a function (see matchers), got "x"'],
    ['a negative delay', () => emu.inject(faults.slow(-10)), 'inject(): delayMs must be a number of milliseconds from 0 to 600000, got -10'],
    ['a status outside 200-599', () => emu.inject({ status: 99 }), 'inject(): status must be an integer from 200 to 599 (1xx are interim responses that leave the client waiting), got 99'],
    ['an unknown key', () => emu.inject({ status: 500, delay: 5 } as never), "inject(): unknown fault key 'delay' (allowed: status, headers, body, delayMs, match, rewrite)"],
    ['a header with CR/LF', () => emu.inject({ headers: { 'x-a': 'b\nc' } }), "inject(): headers ['x-a'] must not contain CR, LF or NUL"],
    ['a fault that does nothing', () => emu.inject({ match: matchers.token() }), 'inject(): a fault needs at least one of status, body, delayMs, headers or rewrite'],
    ['not an object', () => emu.inject(null as never), 'inject(): a fault must be a plain object, got null'],
    ['a class instance', () => emu.inject(new Map() as never), 'inject(): a fault must be a plain object, got an instance of Map'],
    ['a bad count', () => emu.inject({ status: 500 }, 0), 'inject(): count must be a positive integer, got 0'],
  ];
  for (const [name, call, message] of bad) {
    it(`throws a TypeError for ${name} and queues nothing`, async () => {
      assert.throws(call, { name: 'TypeError', message });
      assert.equal((await postForm(`${emu.url}/common/oauth2/token`, pw())).status, 200);
    });
  }

  it('a match that throws drops its fault instead of failing every request', async () => {
    emu.inject({ status: 500, match: () => { throw new Error('boom'); } }, 100);
    assert.equal((await postForm(`${emu.url}/common/oauth2/token`, pw())).status, 200);
    assert.equal((await postForm(`${emu.url}/common/oauth2/token`, pw())).status, 200);
  });
});

describe('emulator: request log redaction', () => {
  let emu: EmulatorHandle;
  before(async () => { emu = await start(); });
  after(() => emu.stop());

  it('records method, path with query, headers and form, with every secret redacted', async () => {
    const token = `${emu.url}/common/oauth2/token?api-version=1.0`;
    const ok = body(await postForm(token, pw()));
    const rt = String(ok.refresh_token);
    await postForm(token, { grant_type: 'refresh_token', client_id: CONF, client_secret: SECRET, refresh_token: rt, resource: LCS });
    const d = body(await postForm(`${emu.url}/common/oauth2/devicecode`, { client_id: PUB, resource: LCS }));
    await postForm(token, { grant_type: 'device_code', client_id: PUB, code: String(d.device_code) });
    await postForm(token, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: PUB, device_code: String(d.device_code) });
    await postForm(token, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', client_id: CONF, assertion: 'eyJassertion.secret', client_assertion: 'eyJclient.assertion' },
      { authorization: `Basic ${Buffer.from(`${CONF}:${SECRET}`).toString('base64')}` });
    const log = emu.requests;
    const text = JSON.stringify(log);
    for (const secret of [PASSWORD, SECRET, rt, String(d.device_code), 'eyJassertion.secret', 'eyJclient.assertion', Buffer.from(`${CONF}:${SECRET}`).toString('base64')]) {
      assert.ok(!text.includes(secret), `a secret leaked into the request log: ${secret.slice(0, 6)}…`);
    }
    const first = log[0]!;
    assert.equal(first.method, 'POST');
    assert.equal(first.path, '/common/oauth2/token?api-version=1.0');
    assert.equal(first.form.password, '[redacted]');
    assert.equal(first.form.username, users[0]!.username);
    assert.equal(first.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(log.at(-1)!.headers.authorization, '[redacted]');
    assert.equal(log.length, 6);
  });
});

describe('emulator: request log size', () => {
  let emu: EmulatorHandle;
  before(async () => { emu = await start(); });
  after(() => emu.stop());

  it('records big forms cut to a few KiB each, saying how much was cut, and still answers them', async () => {
    const padding = 'p'.repeat(1_000_000); // just under the 1 MiB body limit
    for (let i = 0; i < 24; i++) {
      const r = await postForm(`${emu.url}/common/oauth2/token`, pw({ padding }));
      assert.equal(r.status, 200);
    }
    const log = emu.requests;
    assert.equal(log.length, 24);
    const held = JSON.stringify(log).length;
    assert.ok(held < 24 * 4096, `the log holds ${held} characters for 24 MB of forms`);
    assert.match(log[0]!.form['padding']!, /^p{2048}…\[truncated, 997952 bytes\]$/);
    assert.ok(!JSON.stringify(log).includes(PASSWORD));
  });
});

describe('emulator: control routes', () => {
  let emu: EmulatorHandle;
  let c: string;
  before(async () => { emu = await start(); c = `${emu.url}/_emulator`; });
  after(() => emu.stop());

  it('approves and declines device codes, lists them without device codes', async () => {
    const d1 = body(await postForm(`${emu.url}/common/oauth2/devicecode`, { client_id: PUB, resource: LCS }));
    const d2 = body(await postForm(`${emu.url}/common/oauth2/devicecode`, { client_id: PUB, resource: LCS }));
    const list = await get(`${c}/device-codes`);
    assert.ok(!list.text.includes(String(d1.device_code)), 'device codes are secrets');
    assert.equal((body(list).deviceCodes as unknown[]).length, 2);
    assert.equal((await postJson(`${c}/device-codes/${d1.user_code}/approve`, { username: 'fed@fabrikam.com' })).status, 200);
    assert.equal((await postJson(`${c}/device-codes/${d2.user_code}/decline`, {})).status, 200);
    assert.equal((await postJson(`${c}/device-codes/NOPE1234/approve`, {})).status, 404);
    const t = `${emu.url}/common/oauth2/token`;
    const ok = body(await postForm(t, { grant_type: 'device_code', client_id: PUB, resource: LCS, code: String(d1.device_code) }));
    assert.equal(decodeJwt(String(ok.access_token)).upn, 'fed@fabrikam.com');
    assert.equal(body(await postForm(t, { grant_type: 'device_code', client_id: PUB, resource: LCS, code: String(d2.device_code) })).error, 'authorization_declined');
  });

  it('injects faults from JSON (shortcut and raw) and clears them', async () => {
    assert.equal((await postJson(`${c}/faults`, { kind: 'throttle', args: [3], count: 1, match: { endpoint: 'token', grantType: 'password' } })).status, 200);
    const r = await postForm(`${emu.url}/common/oauth2/token`, pw());
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '3');
    await postJson(`${c}/faults`, { status: 503, body: '', count: 3 });
    assert.equal((await fetch(`${c}/faults`, { method: 'DELETE' })).status, 200);
    assert.equal((await postForm(`${emu.url}/common/oauth2/token`, pw())).status, 200);
  });

  const badFaults: Array<[string, unknown, string]> = [
    ['a match that is not a matcher spec (inside serverError options)', { kind: 'serverError', args: [500, { match: 'x' }] },
      "args[1] of 'serverError' has an unknown key 'match' (allowed: retryAfterSeconds, empty)."],
    ['a match that is a string', { kind: 'throttle', match: 'x' }, 'match must be an object like {"endpoint":"token","grantType":"password"}, got "x".'],
    ['a match with an unknown key', { status: 500, match: { endpoint: 'token', method: 'GET' } }, "match has an unknown key 'method' (allowed: endpoint, grantType, path)."],
    ['a match with an unknown endpoint', { status: 500, match: { endpoint: 'tokens' } }, 'match.endpoint must be one of token, devicecode, userrealm, authorize, got "tokens".'],
    ['an empty match', { status: 500, match: {} }, 'match must name at least one of endpoint, grantType, path.'],
    ['a grantType on another endpoint', { status: 500, match: { endpoint: 'devicecode', grantType: 'password' } }, "match.grantType applies only to endpoint 'token', not 'devicecode'."],
    ['a status above 599', { status: 700 }, 'status must be an integer from 200 to 599 (1xx are interim responses that leave the client waiting), got 700.'],
    ['an interim status', { status: 101 }, 'status must be an integer from 200 to 599 (1xx are interim responses that leave the client waiting), got 101.'],
    ['a status as a string', { status: '500' }, 'status must be an integer from 200 to 599 (1xx are interim responses that leave the client waiting), got "500".'],
    ['a negative delay', { delayMs: -5 }, 'delayMs must be a number of milliseconds from 0 to 600000, got -5.'],
    ['a negative slow() delay', { kind: 'slow', args: [-1] }, 'args[0] (delay) must be a number of milliseconds from 0 to 600000, got -1.'],
    ['a serverError status outside 5xx', { kind: 'serverError', args: [404] }, 'args[0] (status) must be an integer from 500 to 599, got 404.'],
    ['too many args', { kind: 'truncatedJson', args: [1] }, "'truncatedJson' takes at most 0 argument(s), got 1."],
    ['args that are not an array', { kind: 'throttle', args: 3 }, 'args must be an array, got 3.'],
    ['an unknown kind', { kind: 'bogus' }, "unknown fault kind 'bogus' (known: throttle, serverError, slow, oversized, html, truncatedJson, wrongResource, slowDown)."],
    ['a kind with raw keys', { kind: 'throttle', status: 500 }, "A fault with a kind has an unknown key 'status' (allowed: kind, args, match, count)."],
    ['an unknown raw key', { status: 500, statusCode: 500 }, "A raw fault has an unknown key 'statusCode' (allowed: status, headers, body, delayMs, match, count)."],
    ['a header value with a line break', { status: 500, headers: { 'x-a': 'b\r\nx-injected: 1' } }, "headers ['x-a'] must not contain CR, LF or NUL."],
    ['a header value that is a number', { status: 500, headers: { 'retry-after': 5 } }, "headers ['retry-after'] must be a string, got 5."],
    ['a fault that does nothing', { count: 2 }, 'A raw fault needs at least one of status, body, delayMs, headers (or a kind).'],
    ['a zero count', { status: 500, count: 0 }, 'count must be an integer from 1 to 1000000, got 0.'],
    ['a body that is an array', { status: 500, body: [1] }, 'body must be a string or a JSON object, got an array.'],
  ];
  for (const [name, input, message] of badFaults) {
    it(`refuses ${name} with 400 and queues nothing`, async () => {
      const r = await postJson(`${c}/faults`, input);
      assert.equal(r.status, 400);
      assert.deepEqual(body(r), { error: 'invalid_request', error_description: message });
      assert.equal((await postForm(`${emu.url}/common/oauth2/token`, pw())).status, 200, 'the next request is served normally');
    });
  }

  it('refuses bad bodies on the device-code and refresh-token routes', async () => {
    const r1 = await postJson(`${c}/refresh-tokens/revoke`, { user: 'alice' });
    assert.equal(r1.status, 400);
    assert.equal(body(r1).error_description, "Unknown key 'user' (allowed: username).");
    const r2 = await postJson(`${c}/device-codes/ABCD1234/approve`, { username: 42 });
    assert.equal(body(r2).error_description, 'username must be a non-empty string.');
    const r3 = await fetch(`${c}/faults`, { method: 'POST', body: '[1,2]' });
    assert.equal(r3.status, 400);
  });

  it('revokes and expires refresh tokens', async () => {
    const t = `${emu.url}/common/oauth2/token`;
    const rt1 = String(body(await postForm(t, pw())).refresh_token);
    assert.ok(Number(body(await postJson(`${c}/refresh-tokens/revoke`, { username: users[0]!.username })).revoked) >= 1);
    assert.deepEqual(body(await postForm(t, { grant_type: 'refresh_token', client_id: PUB, refresh_token: rt1 })).error_codes, [70008]);
    const rt2 = String(body(await postForm(t, pw())).refresh_token);
    await postJson(`${c}/refresh-tokens/expire`, {});
    assert.deepEqual(body(await postForm(t, { grant_type: 'refresh_token', client_id: PUB, refresh_token: rt2 })).error_codes, [700082]);
  });

  it('shows the redacted request log (not its own calls) and the config without secrets', async () => {
    const log = await get(`${c}/requests`);
    const entries = body(log).requests as Array<{ path: string }>;
    assert.ok(entries.length > 0);
    assert.ok(entries.every((e) => !e.path.startsWith('/_emulator')));
    assert.ok(!log.text.includes(PASSWORD));
    const cfg = await get(`${c}/config`);
    assert.equal(body(cfg).tenantId, TENANT_ID);
    assert.ok(!cfg.text.includes(SECRET) && !cfg.text.includes(PASSWORD));
    assert.equal((await fetch(`${c}/requests`, { method: 'DELETE' })).status, 200);
    assert.equal((body(await get(`${c}/requests`)).requests as unknown[]).length, 0);
  });
});

describe('emulator: defaults and lifecycle', () => {
  it('starts with the demo user, public and confidential clients and the first-party client id', async () => {
    const emu = await startEmulator();
    try {
      assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(emu.address, { host: '127.0.0.1', port: Number(new URL(emu.url).port), loopback: true });
      assert.equal(emu.tenantId, EMULATOR_DEMO.tenantId);
      const t = `${emu.url}/${EMULATOR_DEMO.tenantDomain}/oauth2/token`;
      const user = { grant_type: 'password', resource: LCS, username: EMULATOR_DEMO.user.username, password: EMULATOR_DEMO.user.password };
      assert.equal((await postForm(t, { ...user, client_id: EMULATOR_DEMO.publicClient.clientId })).status, 200);
      assert.equal((await postForm(t, { ...user, client_id: EMULATOR_DEMO.firstPartyPublicClientId })).status, 200);
      const cc = { grant_type: 'client_credentials', resource: ODATA, client_id: EMULATOR_DEMO.confidentialClient.clientId, client_secret: EMULATOR_DEMO.confidentialClient.secret };
      assert.equal((await postForm(t, cc)).status, 200);
      const mfa = { ...user, client_id: EMULATOR_DEMO.publicClient.clientId, username: EMULATOR_DEMO.mfaUser.username, password: EMULATOR_DEMO.mfaUser.password };
      assert.deepEqual(body(await postForm(t, mfa)).error_codes, [50076], 'the demo MFA user cannot use the password grant');
      const d = body(await postForm(`${emu.url}/common/oauth2/devicecode`, { client_id: EMULATOR_DEMO.publicClient.clientId, resource: LCS }));
      assert.equal(emu.approveDeviceCode(String(d.user_code)), true);
      const poll = { grant_type: 'device_code', client_id: EMULATOR_DEMO.publicClient.clientId, code: String(d.device_code) };
      assert.equal(decodeJwt(String(body(await postForm(t, poll)).access_token)).upn, EMULATOR_DEMO.user.username, 'the first user stays the default approver');
    } finally {
      await emu.stop();
    }
  });

  it('stop() closes keep-alive connections and pending delays promptly', async () => {
    const emu = await startEmulator();
    await get(`${emu.url}/common/discovery/keys`); // leaves a keep-alive socket open
    emu.inject(faults.slow(60_000));
    const hanging = fetch(`${emu.url}/common/discovery/keys`).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await emu.stop();
    assert.ok(Date.now() - t0 < 1000, `stop() took ${Date.now() - t0} ms`);
    await hanging;
  });

  it('rejects nonsense options', async () => {
    await assert.rejects(startEmulator({ tenantId: 'not-a-guid' }), TypeError);
    await assert.rejects(startEmulator({ deviceCodeIntervalSeconds: 0 }), TypeError);
    await assert.rejects(startEmulator({ singleUseRefreshTokens: 'yes' as never }), {
      name: 'TypeError',
      message: 'startEmulator(): singleUseRefreshTokens must be a boolean, got string',
    });
    const bad: Array<[Parameters<typeof startEmulator>[0], string]> = [
      [{ clients: [{ clientId: PUB, redirectUris: ['/relative'] }] }, 'clients[0].redirectUris[0] must be an absolute URI without a fragment, got "/relative"'],
      [{ clients: [{ clientId: PUB, redirectUris: ['http://localhost/#x'] }] }, 'clients[0].redirectUris[0] must be an absolute URI without a fragment, got "http://localhost/#x"'],
      [{ clients: [{ clientId: PUB, redirectUris: 'http://localhost' as never }] }, 'clients[0].redirectUris must be an array of absolute URIs'],
      [{ clients: [{ clientId: '' }] }, 'clients[0].clientId must be a non-empty string'],
      [{ clients: [{ clientId: PUB, secret: 42 as never }] }, 'clients[0].secret must be a non-empty string'],
      [{ users: [{ username: 'a@b.c', password: 'x', mfaRequired: 'yes' as never }] }, 'users[0].mfaRequired must be a boolean, got string'],
      [{ users: [] }, 'users must be a non-empty array'],
    ];
    for (const [options, message] of bad) {
      await assert.rejects(startEmulator(options), { name: 'TypeError', message: `startEmulator(): ${message}` });
    }
  });
});
