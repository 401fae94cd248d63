// Client certificates over raw HTTP: signed client assertions accepted on every grant that takes a credential,
// and each way one can fail answered with ESTS's AADSTS code in AAD's error shape.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { decodeJwt } from 'jose';
import { createSelfSignedCertificate, type SelfSignedCertificate } from '../../lib/emulator/certificate.js';
import { startEmulator, type EmulatorHandle } from '../../lib/emulator/index.js';
import { assertionFields, clientAssertion, JWT_BEARER, thumbprintB64, type AssertionOptions } from '../support/emulator-assertion.js';
import { body, postForm, type RawResponse } from '../support/emulator-http.js';

const TENANT = 'fabrikam.onmicrosoft.com';
const ODATA = 'https://contoso.operations.dynamics.com';
const CERT_CLIENT = '6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d';
const BOTH = '7b6c5d4e-3f2a-4b1c-8d9e-0f1a2b3c4d5e';
const PUBLIC = '8c7d6e5f-4a3b-4c2d-9e0f-1a2b3c4d5e6f';
const SECRET = 'Zq8~both-secret_Value-1';
const USER = { username: 'svc@fabrikam.onmicrosoft.com', password: 'Svc-Passw0rd!' };
const MFA = { username: 'mfa@fabrikam.onmicrosoft.com', password: 'Mfa-Passw0rd!', mfaRequired: true };

function assertAadError(r: RawResponse, status: number, error: string, code: number): string {
  const b = body(r);
  assert.equal(r.status, status, r.text);
  assert.equal(b.error, error);
  assert.deepEqual(b.error_codes, [code]);
  assert.match(String(b.error_description), new RegExp(`^AADSTS${code}: `));
  assert.match(String(b.error_description), /\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: /);
  return String(b.error_description).split('\r\n')[0]!;
}

describe('emulator: client certificates (signed client assertions)', () => {
  let emu: EmulatorHandle;
  let good: SelfSignedCertificate;
  let stranger: SelfSignedCertificate;
  let expired: SelfSignedCertificate;
  let future: SelfSignedCertificate;
  let endpoint: string;

  before(async () => {
    good = createSelfSignedCertificate({ commonName: 'd365fo-auth client' });
    stranger = createSelfSignedCertificate({ commonName: 'not registered' });
    expired = createSelfSignedCertificate({ commonName: 'expired', notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
    future = createSelfSignedCertificate({ commonName: 'future', notBefore: new Date(Date.now() + 86_400_000), notAfter: new Date(Date.now() + 2 * 86_400_000) });
    emu = await startEmulator({
      tenantDomain: TENANT,
      users: [USER, MFA],
      clients: [
        { clientId: CERT_CLIENT, certificates: [good.certificatePem, Buffer.from(expired.certificatePem), future.certificatePem] },
        { clientId: BOTH, secret: SECRET, certificates: [good.certificatePem], allowPublicClientFlows: true },
        { clientId: PUBLIC, allowPublicClientFlows: true },
      ],
    });
    endpoint = `${emu.url}/${TENANT}/oauth2/token`;
  });
  after(() => emu.stop());

  const sign = (over: Partial<AssertionOptions> = {}) =>
    clientAssertion({ privateKeyPem: good.privateKeyPem, clientId: CERT_CLIENT, aud: endpoint, thumbprint: { x5t: thumbprintB64(good.sha1Thumbprint) }, ...over });
  const cc = async (assertion: string, over: Record<string, string> = {}) =>
    postForm(`${endpoint}?api-version=1.0`, { grant_type: 'client_credentials', client_id: CERT_CLIENT, resource: ODATA, ...assertionFields(assertion), ...over });

  it('client_credentials: RS256 with x5t (SHA-1) gets an app-only token with appidacr 2', async () => {
    const r = await cc(await sign());
    assert.equal(r.status, 200, r.text);
    const b = body(r);
    assert.equal(b.refresh_token, undefined);
    const claims = decodeJwt(String(b.access_token));
    assert.equal(claims.appid, CERT_CLIENT);
    assert.equal(claims.appidacr, '2');
  });

  it('accepts PS256 with x5t#S256 (SHA-256), and a padded x5t', async () => {
    const ps = await sign({ alg: 'PS256', thumbprint: { 'x5t#S256': thumbprintB64(good.sha256Thumbprint) } });
    assert.equal((await cc(ps)).status, 200);
    const padded = await sign({ thumbprint: { x5t: Buffer.from(good.sha1Thumbprint, 'hex').toString('base64').replace(/\+/g, '-').replace(/\//g, '_') } });
    assert.match(decodeJwtHeaderX5t(padded), /=$/);
    assert.equal((await cc(padded)).status, 200);
  });

  it('accepts the assertion on the password, refresh_token and device-code grants of a confidential client', async () => {
    const pw = await postForm(endpoint, { grant_type: 'password', client_id: CERT_CLIENT, resource: ODATA, username: USER.username, password: USER.password, ...assertionFields(await sign()) });
    assert.equal(pw.status, 200, pw.text);
    assert.equal(decodeJwt(String(body(pw).access_token)).appidacr, '2');
    const rt = await postForm(endpoint, { grant_type: 'refresh_token', client_id: CERT_CLIENT, refresh_token: String(body(pw).refresh_token), ...assertionFields(await sign()) });
    assert.equal(rt.status, 200, rt.text);
    const d = body(await postForm(`${emu.url}/${TENANT}/oauth2/devicecode`, { client_id: CERT_CLIENT, resource: ODATA }));
    assert.equal(emu.approveDeviceCode(String(d.user_code)), true);
    const poll = await postForm(endpoint, { grant_type: 'device_code', client_id: CERT_CLIENT, resource: ODATA, code: String(d.device_code), ...assertionFields(await sign()) });
    assert.equal(poll.status, 200, poll.text);
    assertAadError(await postForm(endpoint, { grant_type: 'password', client_id: CERT_CLIENT, resource: ODATA, username: USER.username, password: USER.password }), 401, 'invalid_client', 7000218);
  });

  it('a certificate not registered for the client: 700027, quoting the thumbprint used', async () => {
    const line = assertAadError(await cc(await sign({ privateKeyPem: stranger.privateKeyPem, thumbprint: { x5t: thumbprintB64(stranger.sha1Thumbprint) } })), 401, 'invalid_client', 700027);
    assert.match(line, /\[Reason - The key was not found\., Thumbprint of key used by client: '([0-9A-F]{40})'/);
    assert.ok(line.includes(`'${stranger.sha1Thumbprint}'`));
    assert.ok(line.includes(`app Id '${CERT_CLIENT}'`));
  });

  it('a registered thumbprint but the wrong key: 700027 signature mismatch with the key found', async () => {
    const line = assertAadError(await cc(await sign({ privateKeyPem: stranger.privateKeyPem })), 401, 'invalid_client', 700027);
    assert.match(line, /^AADSTS700027: Client assertion contains an invalid signature\. \[Reason - The provided signature value did not match the expected signature value\., Thumbprint of key used by client: '[0-9A-F]{40}', Found key 'Start=\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d, End=\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d'\]$/);
  });

  it('a SHA-256 digest under x5t matches no key (700027), as on ESTS', async () => {
    assertAadError(await cc(await sign({ thumbprint: { x5t: thumbprintB64(good.sha256Thumbprint) } })), 401, 'invalid_client', 700027);
  });

  it('an expired registered certificate: 700027 "The key used is expired."; one not yet valid likewise', async () => {
    const line = assertAadError(await cc(await sign({ privateKeyPem: expired.privateKeyPem, thumbprint: { x5t: thumbprintB64(expired.sha1Thumbprint) } })), 401, 'invalid_client', 700027);
    assert.match(line, /\[Reason - The key used is expired\., Thumbprint of key used by client: '[0-9A-F]{40}', Found key 'Start=01\/01\/2020 00:00:00, End=01\/01\/2021 00:00:00'\]$/);
    const line2 = assertAadError(await cc(await sign({ privateKeyPem: future.privateKeyPem, thumbprint: { x5t: thumbprintB64(future.sha1Thumbprint) } })), 401, 'invalid_client', 700027);
    assert.match(line2, /The key used is not yet valid\./);
  });

  it('malformed assertions: 50027 (not a JWT, no thumbprint, unsupported alg)', async () => {
    assert.match(assertAadError(await cc('not-a-jwt'), 401, 'invalid_client', 50027), /JWT token is invalid or malformed/);
    assert.match(assertAadError(await cc(await sign({ thumbprint: {} })), 401, 'invalid_client', 50027), /No certificate thumbprint specified in token header\./);
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const unsigned = `${enc({ alg: 'none', x5t: thumbprintB64(good.sha1Thumbprint) })}.${enc({ iss: CERT_CLIENT, sub: CERT_CLIENT, aud: endpoint, exp: 9_999_999_999 })}.c2ln`;
    assert.match(assertAadError(await cc(unsigned), 401, 'invalid_client', 50027), /'alg' must be RS256 or PS256/);
  });

  it('claims: sub ≠ iss is 50048, iss ≠ client_id is 700021, a wrong aud is 50012', async () => {
    assertAadError(await cc(await sign({ claims: { sub: 'someone-else' } })), 401, 'invalid_client', 50048);
    const other = await clientAssertion({ privateKeyPem: good.privateKeyPem, clientId: BOTH, aud: endpoint, thumbprint: { x5t: thumbprintB64(good.sha1Thumbprint) } });
    assertAadError(await cc(other), 401, 'invalid_client', 700021);
    for (const aud of [`${emu.url}/${TENANT}/oauth2/v2.0/token`, `${emu.url}/common/oauth2/token`, `${endpoint}?api-version=1.0`, 'https://login.microsoftonline.com/fabrikam.onmicrosoft.com/oauth2/token']) {
      assert.match(assertAadError(await cc(await sign({ claims: { aud } })), 401, 'invalid_client', 50012), /audience claim does not match Realm issuer/, aud);
    }
    assert.equal((await cc(await sign({ claims: { aud: [endpoint] } }))).status, 200, 'an aud array holding the endpoint');
  });

  it('time window: five minutes of tolerance either side, then 700024 with ESTS time and the window', async () => {
    const now = Math.floor(Date.now() / 1000);
    assert.equal((await cc(await sign({ claims: { nbf: now - 900, exp: now - 240 } }))).status, 200, 'expired four minutes ago');
    assert.equal((await cc(await sign({ claims: { nbf: now + 240, exp: now + 900 } }))).status, 200, 'valid in four minutes');
    const line = assertAadError(await cc(await sign({ claims: { nbf: now - 1200, exp: now - 600 } })), 401, 'invalid_client', 700024);
    const iso = (s: number) => new Date(s * 1000).toISOString().replace(/\.000Z$/, '.0000000Z');
    assert.match(line, new RegExp(`^AADSTS700024: Client assertion is not within its valid time range\\. Current time: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{7}Z, assertion valid from ${iso(now - 1200).replace(/\./g, '\\.')}, expiry time of assertion ${iso(now - 600).replace(/\./g, '\\.')}\\. Review the documentation at https://learn\\.microsoft\\.com/entra/identity-platform/certificate-credentials \\.$`));
    assertAadError(await cc(await sign({ claims: { nbf: now + 600, exp: now + 1200 } })), 401, 'invalid_client', 700024);
    assert.match(assertAadError(await cc(await sign({ omit: ['nbf'], claims: { exp: now - 3600 } })), 401, 'invalid_client', 700024), /valid from 1970-01-01T00:00:00\.0000000Z/);
  });

  it('a replayed jti is accepted by default, like AAD', async () => {
    const once = await sign({ claims: { jti: 'fixed-jti-1' } });
    assert.equal((await cc(once)).status, 200);
    assert.equal((await cc(once)).status, 200);
  });

  it('credential mix-ups: both secret and assertion, missing or wrong assertion type, an assertion from a public client, a secret for a certificate-only client', async () => {
    const a = await sign();
    assertAadError(await postForm(endpoint, { grant_type: 'client_credentials', client_id: BOTH, resource: ODATA, client_secret: SECRET, ...assertionFields(a) }), 400, 'invalid_request', 90023);
    assertAadError(await postForm(endpoint, { grant_type: 'client_credentials', client_id: CERT_CLIENT, resource: ODATA, client_assertion: a }), 400, 'invalid_request', 900144);
    assertAadError(await postForm(endpoint, { grant_type: 'client_credentials', client_id: CERT_CLIENT, resource: ODATA, client_assertion_type: JWT_BEARER }), 400, 'invalid_request', 900144);
    assertAadError(await cc(a, { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' }), 400, 'invalid_request', 90023);
    assertAadError(await cc(a, { client_id: PUBLIC }), 401, 'invalid_client', 700025);
    assertAadError(await postForm(endpoint, { grant_type: 'client_credentials', client_id: CERT_CLIENT, resource: ODATA, client_secret: 'guess' }), 401, 'invalid_client', 7000215);
    const both = await clientAssertion({ privateKeyPem: good.privateKeyPem, clientId: BOTH, aud: endpoint, thumbprint: { x5t: thumbprintB64(good.sha1Thumbprint) } });
    assert.equal((await postForm(endpoint, { grant_type: 'client_credentials', client_id: BOTH, resource: ODATA, ...assertionFields(both) })).status, 200, 'a client with a secret and a certificate may use either');
  });

  it('never records the assertion in the request log', async () => {
    const a = await sign();
    await cc(a);
    const logged = JSON.stringify(emu.requests);
    assert.ok(!logged.includes(a.split('.')[2]!), 'the assertion leaked into the request log');
    assert.equal(emu.requests.at(-1)!.form['client_assertion'], '[redacted]');
  });
});

describe('emulator: rejectReplayedJti and certificate options', () => {
  it('rejectReplayedJti: a second use of a jti is 50013; a fresh jti works; no jti is malformed', async () => {
    const cert = createSelfSignedCertificate({ commonName: 'strict' });
    const emu = await startEmulator({ rejectReplayedJti: true, clients: [{ clientId: CERT_CLIENT, certificates: [cert.certificatePem] }] });
    try {
      const tenantEndpoint = `${emu.url}/${emu.tenantId}/oauth2/token`;
      const sign = (claims: Record<string, unknown> = {}, omit: string[] = []) =>
        clientAssertion({ privateKeyPem: cert.privateKeyPem, clientId: CERT_CLIENT, aud: tenantEndpoint, thumbprint: { x5t: thumbprintB64(cert.sha1Thumbprint) }, claims, omit });
      const cc = (a: string) => postForm(tenantEndpoint, { grant_type: 'client_credentials', client_id: CERT_CLIENT, resource: ODATA, ...assertionFields(a) });
      const once = await sign({ jti: 'jti-strict-1' });
      assert.equal((await cc(once)).status, 200);
      assertAadError(await cc(once), 401, 'invalid_client', 50013);
      assert.equal((await cc(await sign())).status, 200);
      assert.match(assertAadError(await cc(await sign({}, ['jti'])), 401, 'invalid_client', 50027), /must carry a 'jti'/);
    } finally {
      await emu.stop();
    }
  });

  it('refuses certificates that are not one RSA X.509 PEM, with TypeErrors naming the entry', async () => {
    const cert = createSelfSignedCertificate({ commonName: 'opts' });
    const ec = execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=ec', '-days', '1', '-keyout', '/dev/null'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const cases: Array<[unknown, RegExp]> = [
      ['not a certificate', /clients\[0\]\.certificates\[0\] must hold exactly one PEM certificate \(-----BEGIN CERTIFICATE-----\), found 0$/],
      [`${cert.certificatePem}${cert.certificatePem}`, /found 2$/],
      ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', /clients\[0\]\.certificates\[0\] is not an X\.509 certificate: /],
      [42, /clients\[0\]\.certificates\[0\] must be a PEM string or Buffer$/],
      [ec, /clients\[0\]\.certificates\[0\] has a ec key; client assertions are RS256\/PS256, so the key must be RSA$/],
    ];
    for (const [pem, message] of cases) {
      await assert.rejects(startEmulator({ clients: [{ clientId: CERT_CLIENT, certificates: [pem as string] }] }), (e: Error) => {
        assert.equal(e.name, 'TypeError');
        assert.match(e.message, /^startEmulator\(\): /);
        assert.match(e.message, message);
        return true;
      });
    }
    await assert.rejects(startEmulator({ clients: [{ clientId: CERT_CLIENT, certificates: cert.certificatePem as never }] }), { message: 'startEmulator(): clients[0].certificates must be an array of PEM certificates' });
    await assert.rejects(startEmulator({ rejectReplayedJti: 1 as never }), { message: 'startEmulator(): rejectReplayedJti must be a boolean, got number' });
  });
});

function decodeJwtHeaderX5t(jwt: string): string {
  return String((JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>).x5t);
}
