import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { http } from 'msw';
import {
  DEFAULT_INTERACTIVE_CLIENT_ID,
  InputError,
  LCS_API_URIS,
  clearUserRealmCache,
  getLcsApiToken,
  getODataToken,
  getODataTokenInteractive,
  odataResource,
  openConfigStore,
  refreshLcsApiToken,
} from '../../../lib/index.js';
import { mockTransport } from '../../support/msw.js';
import { fakeClock } from '../../support/clock.js';
import { CLIENT_ID, MANAGED_REALM, REFRESH_TOKEN, ests, tokenBody } from '../../support/aad.js';

const dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-d365-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshStore = () => openConfigStore({ path: join(dir, `c${n++}.json`) });

/** A transport that answers realm, token and devicecode on any host, echoing the requested resource. */
function authority() {
  return mockTransport(
    http.get('*/common/UserRealm/*', () => ests(MANAGED_REALM)),
    http.post('*/oauth2/token', async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      if (form.get('grant_type') === 'device_code') return ests(tokenBody({ resource: form.get('resource') }));
      return ests(tokenBody({ resource: form.get('resource') ?? undefined, ...(form.get('grant_type') === 'client_credentials' ? { refresh_token: undefined, scope: undefined } : {}) }));
    }),
    http.post('*/oauth2/devicecode', () =>
      ests({ user_code: 'ABCD1234', device_code: 'DAQABAAEAAAD-fake-device-code', verification_url: 'https://microsoft.com/devicelogin', expires_in: '900', interval: '5', message: 'To sign in…' }),
    ),
  );
}

describe('LCS_API_URIS', () => {
  it('lists the nine known LCS hosts with their cloud', () => {
    assert.equal(LCS_API_URIS.length, 9);
    const cloud = Object.fromEntries(LCS_API_URIS.map((h) => [h.uri, h.cloud]));
    assert.equal(cloud['https://lcsapi.lcs.dynamics.com'], 'public');
    assert.equal(cloud['https://lcsapi.eu.lcs.dynamics.com'], 'public');
    assert.equal(cloud['https://lcsapi.lcs.dynamics.cn'], 'china');
    assert.equal(cloud['https://lcsapi.gov.lcs.microsoftdynamics.us'], 'public');
    assert.ok(Object.isFrozen(LCS_API_URIS));
  });
});

describe('getLcsApiToken()', () => {
  beforeEach(() => clearUserRealmCache());
  const base = { clientId: CLIENT_ID, username: 'svc-lcs@contoso.com', password: 'Pa55-word!' };

  const cases: [string, string | undefined, string][] = [
    ['https://lcsapi.lcs.dynamics.com', undefined, 'https://login.microsoftonline.com/common/oauth2/token'],
    ['https://lcsapi.fr.lcs.dynamics.com/', undefined, 'https://login.microsoftonline.com/common/oauth2/token'],
    ['https://lcsapi.lcs.dynamics.cn', undefined, 'https://login.chinacloudapi.cn/common/oauth2/token'],
    ['https://lcsapi.gov.lcs.microsoftdynamics.us', undefined, 'https://login.microsoftonline.com/common/oauth2/token'],
    ['https://lcsapi.gov.lcs.microsoftdynamics.us', 'https://login.microsoftonline.us', 'https://login.microsoftonline.us/common/oauth2/token'],
  ];
  for (const [lcsApiUri, authorityHost, tokenEndpoint] of cases) {
    it(`signs in for ${lcsApiUri}${authorityHost ? ` with authorityHost ${authorityHost}` : ''} at ${tokenEndpoint}`, async () => {
      const t = authority();
      const token = await getLcsApiToken({ ...base, lcsApiUri, authorityHost, fetch: t.fetch });
      const post = t.requests.find((r) => r.method === 'POST')!;
      assert.equal(`${post.url.origin}${post.url.pathname}`, tokenEndpoint);
      assert.equal(post.form.get('resource'), lcsApiUri.replace(/\/$/, ''));
      assert.equal(post.form.get('scope'), 'openid');
      assert.equal(post.form.get('grant_type'), 'password');
      assert.equal(token.resource, lcsApiUri.replace(/\/$/, ''));
    });
  }

  it('refuses an unknown LCS host before any request unless allowUnknownHost, then signs in on the public authority with a warning naming the known hosts', async () => {
    const t = authority();
    await assert.rejects(getLcsApiToken({ ...base, lcsApiUri: 'https://lcsapi.xx.lcs.dynamics.com', fetch: t.fetch }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.option, 'lcsApiUri');
      assert.match(error.message, /^lcsApiUri https:\/\/lcsapi\.xx\.lcs\.dynamics\.com is not a known LCS API host \(known: https:\/\/lcsapi\.lcs\.dynamics\.com, .*\); if it is a new LCS region, pass allowUnknownHost\.$/);
      return true;
    });
    assert.equal(t.requests.length, 0);
    const warnings: string[] = [];
    await getLcsApiToken({ ...base, lcsApiUri: 'https://lcsapi.xx.lcs.dynamics.com', allowUnknownHost: true, fetch: t.fetch, onWarning: (w) => warnings.push(w) });
    assert.equal(t.requests.at(-1)!.url.origin, 'https://login.microsoftonline.com');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^https:\/\/lcsapi\.xx\.lcs\.dynamics\.com is not a known LCS API host \(known: .*https:\/\/lcsapi\.lcs\.dynamics\.cn.*\); its users sign in on the public authority https:\/\/login\.microsoftonline\.com unless authorityHost says otherwise\.$/);
  });

  it('takes the client id and LCS host from the saved config, defaulting to the global host', async () => {
    const store = freshStore();
    await store.lcs.set({ clientId: CLIENT_ID });
    const t = authority();
    await getLcsApiToken({ username: base.username, password: base.password, store, fetch: t.fetch });
    const post = t.requests.at(-1)!;
    assert.equal(post.form.get('client_id'), CLIENT_ID);
    assert.equal(post.form.get('resource'), 'https://lcsapi.lcs.dynamics.com');
  });

  it('refuses a missing client id, and an LCS URI that is not an https origin, before any request', async () => {
    const t = authority();
    await assert.rejects(getLcsApiToken({ username: base.username, password: base.password, store: freshStore(), fetch: t.fetch }), {
      code: 'ERR_INVALID_INPUT',
      message: 'clientId is required: pass it, or save it once with `d365fo-auth lcs config set --client-id <app id>`.',
    });
    await assert.rejects(getLcsApiToken({ ...base, lcsApiUri: 'http://lcsapi.lcs.dynamics.com', fetch: t.fetch }), {
      code: 'ERR_INSECURE_URL',
      message: 'lcsApiUri must use https; plain http is only accepted for a loopback address (127.0.0.1, localhost, [::1]).',
    });
    await assert.rejects(getLcsApiToken({ ...base, lcsApiUri: 'https://lcsapi.lcs.dynamics.com/box?x=1', fetch: t.fetch }), { code: 'ERR_INVALID_INPUT' });
    assert.equal(t.requests.length, 0);
  });
});

describe('refreshLcsApiToken()', () => {
  it('uses the saved refresh token, client id and LCS host', async () => {
    const store = freshStore();
    await store.lcs.set({ clientId: CLIENT_ID, lcsApiUri: 'https://lcsapi.eu.lcs.dynamics.com', refreshToken: REFRESH_TOKEN });
    const t = authority();
    const token = await refreshLcsApiToken({ store, fetch: t.fetch });
    const post = t.requests.at(-1)!;
    assert.equal(post.form.get('grant_type'), 'refresh_token');
    assert.equal(post.form.get('refresh_token'), REFRESH_TOKEN);
    assert.equal(post.form.get('client_id'), CLIENT_ID);
    assert.equal(post.form.get('resource'), 'https://lcsapi.eu.lcs.dynamics.com');
    assert.equal(post.url.pathname, '/common/oauth2/token');
    assert.equal(token.resource, 'https://lcsapi.eu.lcs.dynamics.com');
  });

  it('without a refresh token anywhere: a clear input error, no request', async () => {
    const t = authority();
    await assert.rejects(refreshLcsApiToken({ store: freshStore(), clientId: CLIENT_ID, fetch: t.fetch }), {
      code: 'ERR_INVALID_INPUT',
      message: 'refreshToken is required: pass it, or sign in first with `d365fo-auth lcs login` so one is saved.',
    });
    assert.equal(t.requests.length, 0);
  });
});

describe('odataResource()', () => {
  it('drops trailing slashes and maps HR instance URLs to the HR resource', () => {
    assert.equal(odataResource('https://contoso.operations.dynamics.com/'), 'https://contoso.operations.dynamics.com');
    assert.equal(odataResource('https://contoso.operations.dynamics.com///'), 'https://contoso.operations.dynamics.com');
    assert.equal(odataResource('http://hr.talent.dynamics.com'), 'http://hr.talent.dynamics.com');
    assert.equal(odataResource('https://aos.rts-sf-5ea54e35c68-westus2.hr.talent.dynamics.com/namespaces/49d24c565/'), 'http://hr.talent.dynamics.com');
    assert.throws(() => odataResource(''), { code: 'ERR_INVALID_INPUT' });
    assert.throws(() => odataResource('contoso'), { code: 'ERR_INVALID_INPUT' });
  });
});

describe('getODataToken() / getODataTokenInteractive()', () => {
  it('client credentials for the environment URL on the given tenant', async () => {
    const t = authority();
    const token = await getODataToken({ tenant: 'contoso.onmicrosoft.com', url: 'https://contoso.operations.dynamics.com/', clientId: CLIENT_ID, clientSecret: 'Zx8Q~secret-value-0123456789', fetch: t.fetch });
    const post = t.requests.at(-1)!;
    assert.equal(post.url.pathname, '/contoso.onmicrosoft.com/oauth2/token');
    assert.equal(post.form.get('grant_type'), 'client_credentials');
    assert.equal(post.form.get('resource'), 'https://contoso.operations.dynamics.com');
    assert.equal(token.refreshToken, undefined);
  });

  it('defaults from the active OData config', async () => {
    const store = freshStore();
    await store.odata.add('UAT', { tenant: 'fabrikam.onmicrosoft.com', url: 'https://uat.operations.dynamics.com', clientId: CLIENT_ID, clientSecret: 'saved-secret-value-123' });
    await store.odata.setActive('uat');
    const t = authority();
    await getODataToken({ store, fetch: t.fetch });
    const post = t.requests.at(-1)!;
    assert.equal(post.url.pathname, '/fabrikam.onmicrosoft.com/oauth2/token');
    assert.equal(post.form.get('client_secret'), 'saved-secret-value-123');
    assert.equal(post.form.get('resource'), 'https://uat.operations.dynamics.com');
  });

  it('device code with the first-party client id by default, showing the code once', async () => {
    const t = authority();
    const clock = fakeClock();
    const shown: string[] = [];
    const token = await getODataTokenInteractive({
      tenant: 'contoso.onmicrosoft.com',
      url: 'https://contoso.operations.dynamics.com/',
      fetch: t.fetch,
      clock,
      onDeviceCode: (code) => void shown.push(code.userCode),
    });
    assert.deepEqual(shown, ['ABCD1234']);
    assert.deepEqual(clock.sleeps, [5000]);
    const [devicecode, poll] = t.requests;
    assert.equal(devicecode!.form.get('client_id'), DEFAULT_INTERACTIVE_CLIENT_ID);
    assert.equal(devicecode!.form.get('resource'), 'https://contoso.operations.dynamics.com');
    assert.equal(poll!.form.get('grant_type'), 'device_code');
    assert.equal(poll!.form.get('code'), 'DAQABAAEAAAD-fake-device-code');
    assert.equal(token.resource, 'https://contoso.operations.dynamics.com');
  });

  it("a saved confidential client's id is not used to sign a person in; a saved public client's id is", async () => {
    const store = freshStore();
    const PUBLIC_APP = '6a3f2c10-4b7e-4d2a-9c1e-2f0b8d7e5a44';
    await store.odata.add('Service', { tenant: 'fabrikam.onmicrosoft.com', url: 'https://uat.operations.dynamics.com', clientId: CLIENT_ID, clientSecret: 'saved-secret-value-123' });
    await store.odata.add('People', { tenant: 'fabrikam.onmicrosoft.com', url: 'https://uat.operations.dynamics.com', clientId: PUBLIC_APP, publicClient: true });
    const clientIdOf = async (name: string) => {
      await store.odata.setActive(name);
      const t = authority();
      await getODataTokenInteractive({ store, fetch: t.fetch, clock: fakeClock(), onDeviceCode: () => {} });
      const devicecode = t.requests[0]!;
      assert.equal(devicecode.url.pathname, '/fabrikam.onmicrosoft.com/oauth2/devicecode');
      assert.equal(devicecode.form.get('client_secret'), null, 'a saved secret is never sent with a person\'s sign-in');
      return devicecode.form.get('client_id');
    };
    assert.equal(await clientIdOf('service'), DEFAULT_INTERACTIVE_CLIENT_ID);
    assert.equal(await clientIdOf('people'), PUBLIC_APP);
  });
});
