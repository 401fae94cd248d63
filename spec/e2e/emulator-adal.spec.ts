// Microsoft's own v1 client (adal-node) against the emulator over https: proof that the emulator speaks v1 as ADAL expects.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import adal from 'adal-node';
import { decodeJwt } from 'jose';
import { startEmulator, type EmulatorHandle } from '../../lib/emulator/index.js';
import { testTls, trustingAgent } from '../support/emulator-tls.js';

const RESOURCE = 'https://lcsapi.lcs.dynamics.com';
const ODATA = 'https://contoso.operations.dynamics.com';
const PUBLIC_ID = '0b6e3a52-1c9d-4f2e-8a7b-3c4d5e6f7a8b';
const CONF_ID = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
const CONF_SECRET = 'clientSecret*&^(?&';
const TENANT = 'fabrikam.onmicrosoft.com';
const USER = { username: 'svc-lcs@fabrikam.onmicrosoft.com', password: 'P@ss w0rd&=?' };

type TokenResult = adal.TokenResponse;
type Ctx = InstanceType<typeof adal.AuthenticationContext>;

describe('adal-node against the emulator (https)', () => {
  let emu: EmulatorHandle;
  const agent = trustingAgent();

  before(async () => {
    emu = await startEmulator({
      tls: testTls,
      tenantDomain: TENANT,
      users: [USER],
      clients: [
        { clientId: PUBLIC_ID, allowPublicClientFlows: true },
        { clientId: CONF_ID, secret: CONF_SECRET },
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
