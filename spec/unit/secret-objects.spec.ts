// Every object that holds a secret (token, its raw response, device code, authorization request,
// saved LCS config, OData config, session record) shows its shape and never a secret value to every
// way of printing it, whatever keys the server sent; the secret is read through its property.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http } from 'msw';
import { createAuthorizationRequest, openConfigStore, passwordGrant, requestDeviceCode } from '../../lib/index.js';
import { mockTransport } from '../support/msw.js';
import { fakeClock } from '../support/clock.js';
import { CLIENT_ID, MANAGED_REALM, RESOURCE, deviceCodeBody, ests, tokenBody } from '../support/aad.js';

const ACCESS = 'eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJhY2Nlc3MtdG9rZW4tc2VjcmV0In0.c2lnbmF0dXJlLXNlY3JldA';
const REFRESH = '0.AXoA-refresh-token-secret-value-4711';
const ID = 'eyJhbGciOiJub25lIn0.eyJ1cG4iOiJ0ZXN0In0.';
const SECRETS = [ACCESS, REFRESH, ID, 'client-secret-value-4711', 'DAQABAAEAAAD-device-code-secret-4711'];

/** What console.dir prints (it inspects with customInspect: false). */
function consoleDir(value: unknown): string {
  let out = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      out += String(chunk);
      done();
    },
  });
  new Console(sink).dir(value, { depth: null, showHidden: true });
  return out;
}

/** Every way a caller may print an object. */
function printings(value: object): string[] {
  return [
    inspect(value),
    inspect(value, { customInspect: false }),
    inspect(value, { showHidden: true }),
    inspect(value, { depth: null }),
    inspect(value, { customInspect: false, showHidden: true, depth: null }),
    consoleDir(value),
    String(value),
    `${value as { toString(): string }}`,
    JSON.stringify(value),
    JSON.stringify({ nested: value }),
  ];
}

function assertShapeOnly(what: string, value: object): void {
  for (const text of printings(value)) {
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${what} printed a secret:\n${text}`);
  }
}

async function token(body: Record<string, unknown>) {
  const m = mockTransport(
    http.get('*/common/UserRealm/:upn', () => ests(MANAGED_REALM)),
    http.post('*/:tenant/oauth2/token', () => ests(body)),
  );
  return passwordGrant({ clientId: CLIENT_ID, username: 'svc@contoso.com', password: 'pw-4711', resource: RESOURCE, fetch: m.fetch, clock: fakeClock() });
}

describe('objects that hold secrets', () => {
  it('a token and its raw response show their shape only, and the secrets are read explicitly', async () => {
    const t = await token(tokenBody({ access_token: ACCESS, refresh_token: REFRESH, id_token: ID }));
    assertShapeOnly('token', t);
    assertShapeOnly('token.raw', t.raw);
    assert.equal(t.accessToken, ACCESS);
    assert.equal(t.refreshToken, REFRESH);
    assert.equal(t.idToken, ID);
    assert.equal(t.raw['access_token'], ACCESS);
    assert.match(inspect(t), /accessToken: '\[redacted, \d+ chars\]'/);
  });

  it('a server that sends __proto__, toJSON, toString or constructor keys changes nothing (no inherited hiding to switch off)', async () => {
    // JSON text, as a server would send it: JSON.parse makes "__proto__" an own key
    const text = `${JSON.stringify(tokenBody({ access_token: ACCESS, refresh_token: REFRESH, id_token: ID })).slice(0, -1)},"__proto__":{"access_token":"x","polluted":true},"toJSON":"x","toString":"x","constructor":{"prototype":{"polluted":true}}}`;
    const t = await token(JSON.parse(text) as Record<string, unknown>);
    assertShapeOnly('token', t);
    assertShapeOnly('token.raw', t.raw);
    assert.equal(t.raw['access_token'], ACCESS);
    assert.equal(Object.getPrototypeOf(t.raw['__proto__']), null, 'server objects are null-prototype copies');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('a device code hides the device code, an authorization request its PKCE verifier', async () => {
    const m = mockTransport(http.post('*/:tenant/oauth2/devicecode', () => ests(deviceCodeBody({ device_code: SECRETS[4] }))));
    const code = await requestDeviceCode({ clientId: CLIENT_ID, resource: RESOURCE, fetch: m.fetch, clock: fakeClock() });
    assertShapeOnly('device code', code);
    assert.equal(code.deviceCode, SECRETS[4]);
    const request = createAuthorizationRequest({ clientId: CLIENT_ID, resource: RESOURCE, redirectUri: 'http://localhost:8400' });
    for (const text of printings(request)) assert.ok(!text.includes(request.codeVerifier), text);
    assert.match(request.codeVerifier, /^[A-Za-z0-9_-]{43}$/);
  });

  it('the saved LCS config, an OData config and a session record show their shape only', async () => {
    const store = openConfigStore({ path: join(mkdtempSync(join(tmpdir(), 'd365fo-auth-secrets-')), 'config.json') });
    await store.lcs.set(await token(tokenBody({ access_token: ACCESS, refresh_token: REFRESH, id_token: ID })));
    await store.odata.add('Prod', { tenant: 'contoso.onmicrosoft.com', url: 'https://prod.example.com', clientId: CLIENT_ID, clientSecret: SECRETS[3]! });
    const lcs = await store.lcs.get();
    const odata = (await store.odata.get('prod'))!;
    const session = (await store.readSession('lcs'))!;
    assertShapeOnly('lcs.get()', lcs);
    assertShapeOnly('odata.get()', odata);
    assertShapeOnly('readSession()', session);
    assert.equal(lcs.bearerToken, ACCESS);
    assert.equal(lcs.refreshToken, REFRESH);
    assert.equal(odata.clientSecret, SECRETS[3]);
    assert.equal(session.refreshToken, REFRESH);
    assertShapeOnly('show()', await store.show());
  });
});
