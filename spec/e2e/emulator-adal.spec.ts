// Microsoft's own v1 client (adal-node) against the emulator over https: proof that the emulator speaks v1 as ADAL expects.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import adal from 'adal-node';
import { decodeJwt } from 'jose';
import { createSelfSignedCertificate } from '../../lib/emulator/certificate.js';
import { startEmulator, type EmulatorHandle } from '../../lib/emulator/index.js';
import { testTls, trustingAgent } from '../support/emulator-tls.js';

const RESOURCE = 'https://lcsapi.lcs.dynamics.com';
const ODATA = 'https://contoso.operations.dynamics.com';
const PUBLIC_ID = '0b6e3a52-1c9d-4f2e-8a7b-3c4d5e6f7a8b';
const CONF_ID = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
const CONF_SECRET = 'clientSecret*&^(?&';
const TENANT = 'fabrikam.onmicrosoft.com';
const USER = { username: 'svc-lcs@fabrikam.onmicrosoft.com', password: 'P@ss w0rd&=?' };
const CERT_ID = '2c3d4e5f-6a7b-4c8d-9e0f-a1b2c3d4e5f6';
const NATIVE_ID = '3d4e5f6a-7b8c-4d9e-8f0a-b1c2d3e4f5a6';
const REDIRECT = 'http://localhost:8400/';
const MFA_USER = { username: 'mfa@fabrikam.onmicrosoft.com', password: 'Mfa P@ss 2', mfaRequired: true };
// generated once per run with the emulator's own generator: node:crypto only, no openssl
const CERT = createSelfSignedCertificate({ commonName: 'adal-node client' });
const EXPIRED = createSelfSignedCertificate({ commonName: 'expired', notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
const OTHER_KEY = createSelfSignedCertificate({ commonName: 'someone else' }).privateKeyPem;

type TokenResult = adal.TokenResponse;
type Ctx = InstanceType<typeof adal.AuthenticationContext>;

describe('adal-node against the emulator (https)', () => {
  let emu: EmulatorHandle;
  const agent = trustingAgent();

  before(async () => {
    emu = await startEmulator({
      tls: testTls,
      tenantDomain: TENANT,
      users: [USER, MFA_USER],
      clients: [
        { clientId: NATIVE_ID },
        { clientId: PUBLIC_ID, allowPublicClientFlows: true },
        { clientId: CONF_ID, secret: CONF_SECRET },
        { clientId: CERT_ID, certificates: [CERT.certificatePem, EXPIRED.certificatePem] },
      ],
      deviceCodeIntervalSeconds: 1,
      deviceCodeLifetimeSeconds: 30,
    });
  });
  after(async () => {
    agent.destroy();
    await emu.stop();
  });

  function context(tenant: string): Ctx {
    // Authority validation off (the host is not in ADAL's trusted list); a fresh cache per context.
    const ctx = new adal.AuthenticationContext(`${emu.url}/${tenant}`, false, new adal.MemoryCache());
    ctx.options = { http: { httpsAgent: agent } };
    return ctx;
  }

  const call = <T>(fn: (cb: (err: Error | null, res: T) => void) => void) =>
    new Promise<T>((resolve, reject) => fn((err, res) => (err ? reject(Object.assign(err, { response: res })) : resolve(res))));

  it('acquireTokenWithUsernamePassword: realm discovery, then the password grant', async () => {
    const res = (await call<unknown>((cb) =>
      context('common').acquireTokenWithUsernamePassword(RESOURCE, USER.username, USER.password, PUBLIC_ID, cb as never),
    )) as TokenResult;
    assert.equal(res.tokenType, 'Bearer');
    assert.equal(res.resource, RESOURCE);
    assert.equal(res.userId, USER.username);
    assert.equal(res.isUserIdDisplayable, true);
    assert.equal(res.tenantId, emu.tenantId);
    assert.ok(res.refreshToken);
    assert.equal(decodeJwt(res.accessToken).upn, USER.username);
    const realm = emu.requests.find((r) => /\/common\/UserRealm\//.test(r.path));
    assert.ok(realm, 'ADAL ran user-realm discovery');
    assert.match(realm.path, /api-version=1\.0/);
  });

  it('acquireTokenWithRefreshToken: redeems the RT for another resource (MRRT)', async () => {
    const ctx = context(TENANT);
    const first = (await call<unknown>((cb) =>
      ctx.acquireTokenWithUsernamePassword(RESOURCE, USER.username, USER.password, PUBLIC_ID, cb as never),
    )) as TokenResult;
    const refreshed = (await call<unknown>((cb) =>
      ctx.acquireTokenWithRefreshToken(first.refreshToken!, PUBLIC_ID, ODATA, cb as never),
    )) as TokenResult;
    assert.equal(refreshed.resource, ODATA);
    assert.equal(decodeJwt(refreshed.accessToken).aud, ODATA);
    assert.notEqual(refreshed.refreshToken, first.refreshToken, 'the refresh token rotates');
  });

  it('acquireTokenWithClientCredentials: an app-only token, no refresh token', async () => {
    const res = (await call<unknown>((cb) =>
      context(emu.tenantId).acquireTokenWithClientCredentials(ODATA, CONF_ID, CONF_SECRET, cb as never),
    )) as TokenResult;
    assert.equal(res.resource, ODATA);
    assert.equal(res.refreshToken, undefined);
    const claims = decodeJwt(res.accessToken);
    assert.equal(claims.appid, CONF_ID);
    assert.equal(claims.scp, undefined);
    assert.equal(claims.upn, undefined);
  });

  it('acquireUserCode + acquireTokenWithDeviceCode: polls until the code is approved', async () => {
    const ctx = context(TENANT);
    const info = (await call<unknown>((cb) => ctx.acquireUserCode(RESOURCE, PUBLIC_ID, 'en-us', cb as never))) as adal.UserCodeInfo;
    assert.equal(info.verificationUrl, `${emu.url}/devicelogin`);
    assert.equal(info.interval, 1);
    assert.match(info.message, new RegExp(info.userCode));
    setTimeout(() => emu.approveDeviceCode(info.userCode), 1200).unref();
    const res = (await call<unknown>((cb) => ctx.acquireTokenWithDeviceCode(RESOURCE, PUBLIC_ID, info, cb as never))) as TokenResult;
    assert.equal(res.resource, RESOURCE);
    assert.equal(decodeJwt(res.accessToken).upn, USER.username);
    const polls = emu.requests.filter((r) => r.form['grant_type'] === 'device_code');
    assert.ok(polls.length >= 2, 'ADAL polled while pending');
    assert.equal(polls[0]!.form['code'], '[redacted]', 'ADAL sends the device code in `code`');
    assert.equal(polls[0]!.form['resource'], RESOURCE);
  });

  it('acquireTokenWithClientCertificate: ADAL\'s RS256 assertion (x5t from the hex thumbprint) gets an app-only token', async () => {
    const res = (await call<unknown>((cb) =>
      context(TENANT).acquireTokenWithClientCertificate(ODATA, CERT_ID, CERT.privateKeyPem, CERT.sha1Thumbprint, cb as never),
    )) as TokenResult;
    assert.equal(res.resource, ODATA);
    const claims = decodeJwt(res.accessToken);
    assert.equal(claims.appid, CERT_ID);
    assert.equal(claims.appidacr, '2', 'authenticated with a certificate');
    const sent = emu.requests.at(-1)!;
    assert.equal(sent.form['client_assertion_type'], 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    assert.equal(sent.form['client_assertion'], '[redacted]');
    assert.equal(sent.form['client_secret'], undefined);
  });

  const certError = (tenant: string, key: string, thumbprint: string, ctx = context(tenant)) =>
    call<unknown>((cb) => ctx.acquireTokenWithClientCertificate(ODATA, CERT_ID, key, thumbprint, cb as never));
  const refusedWith = (code: number, text: RegExp) => (err: Error & { response?: { error?: string; error_codes?: number[]; error_description?: string } }) => {
    assert.match(err.message, /Get Token request returned http error: 401/);
    assert.equal(err.response?.error, 'invalid_client');
    assert.deepEqual(err.response?.error_codes, [code]);
    assert.match(String(err.response?.error_description), text);
    return true;
  };

  it('a wrong private key for the registered thumbprint: ADAL surfaces AADSTS700027 (signature)', async () => {
    await assert.rejects(certError(TENANT, OTHER_KEY, CERT.sha1Thumbprint), refusedWith(700027, /The provided signature value did not match/));
  });

  it('an expired registered certificate: ADAL surfaces AADSTS700027 (key expired)', async () => {
    await assert.rejects(certError(TENANT, EXPIRED.privateKeyPem, EXPIRED.sha1Thumbprint), refusedWith(700027, /The key used is expired\./));
  });

  it('a client clock an hour behind the authority: ADAL\'s assertion is outside its window, AADSTS700024', async () => {
    const ahead = await startEmulator({ tls: testTls, tenantDomain: TENANT, clockOffsetSeconds: 3600, clients: [{ clientId: CERT_ID, certificates: [CERT.certificatePem] }] });
    try {
      const ctx = new adal.AuthenticationContext(`${ahead.url}/${TENANT}`, false, new adal.MemoryCache());
      ctx.options = { http: { httpsAgent: agent } };
      await assert.rejects(certError(TENANT, CERT.privateKeyPem, CERT.sha1Thumbprint, ctx), refusedWith(700024, /Client assertion is not within its valid time range/));
    } finally {
      await ahead.stop();
    }
  });

  /** The browser leg without a browser: ADAL has no authorize-URL builder and no PKCE, so no challenge. */
  async function authorizationCode(clientId: string, username: string): Promise<string> {
    const authorize = new URL(`${emu.url}/${TENANT}/oauth2/authorize`);
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, resource: RESOURCE, state: 'adal-state' })) authorize.searchParams.set(k, v);
    const redirect = new URL(await emu.completeAuthorization(authorize.href, { username }));
    assert.equal(redirect.searchParams.get('state'), 'adal-state');
    return redirect.searchParams.get('code')!;
  }

  it('acquireTokenWithAuthorizationCode: a public client redeems a code (ADAL sends an empty client_secret=)', async () => {
    const code = await authorizationCode(NATIVE_ID, USER.username);
    const ctx = context(TENANT);
    const res = (await call<unknown>((cb) => ctx.acquireTokenWithAuthorizationCode(code, REDIRECT, RESOURCE, NATIVE_ID, undefined as never, cb as never))) as TokenResult;
    assert.equal(res.resource, RESOURCE);
    assert.equal(res.userId, USER.username);
    assert.ok(res.refreshToken);
    assert.deepEqual(decodeJwt(res.accessToken).amr, ['pwd']);
    const sent = emu.requests.at(-1)!;
    assert.equal(sent.form['grant_type'], 'authorization_code');
    assert.equal(sent.form['code'], '[redacted]');
    assert.equal(sent.form['code_verifier'], undefined, 'ADAL sends no PKCE verifier');
    await assert.rejects(
      call<unknown>((cb) => context(TENANT).acquireTokenWithAuthorizationCode(code, REDIRECT, RESOURCE, NATIVE_ID, undefined as never, cb as never)),
      (err: Error & { response?: { error_codes?: number[] } }) => {
        assert.deepEqual(err.response?.error_codes, [54005], 'a code is single-use');
        return true;
      },
    );
  });

  it('acquireTokenWithAuthorizationCode: a confidential client redeems an MFA user\'s code with its secret', async () => {
    const code = await authorizationCode(CONF_ID, MFA_USER.username);
    const res = (await call<unknown>((cb) => context(TENANT).acquireTokenWithAuthorizationCode(code, REDIRECT, RESOURCE, CONF_ID, CONF_SECRET, cb as never))) as TokenResult;
    assert.equal(res.userId, MFA_USER.username);
    const claims = decodeJwt(res.accessToken);
    assert.deepEqual(claims.amr, ['pwd', 'mfa']);
    assert.equal(claims.appidacr, '1');
  });

  it('a wrong password surfaces ADAL\'s error with AADSTS50126', async () => {
    await assert.rejects(
      call<unknown>((cb) => context('common').acquireTokenWithUsernamePassword(RESOURCE, USER.username, 'wrong', PUBLIC_ID, cb as never)),
      (err: Error & { response?: { error?: string; error_codes?: number[] } }) => {
        assert.match(err.message, /Get Token request returned http error: 400/);
        assert.match(err.message, /AADSTS50126/);
        assert.equal(err.response?.error, 'invalid_grant');
        assert.deepEqual(err.response?.error_codes, [50126]);
        return true;
      },
    );
  });
});
