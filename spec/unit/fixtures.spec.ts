// Runs every fixtures/aad-v1/<endpoint>/<case>.json through the matching library function, with
// the fixture's response served by msw, and checks the fixture's `expect`.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { http, HttpResponse } from 'msw';
import * as lib from '../../lib/index.js';
import type { DeviceCode } from '../../lib/index.js';
import { discoverUserRealm, refuseFederated } from '../../lib/grants/user-realm.js';
import { mockTransport, type MockTransport } from '../support/msw.js';
import { fakeClock, type FakeClock } from '../support/clock.js';

interface Fixture {
  source: string;
  request: { grant?: string; endpoint?: string; params: Record<string, unknown> };
  response: { status: number; headers: Record<string, string>; body: unknown };
  expect: ({ ok: true; error?: undefined } | { ok?: undefined; error: Record<string, unknown> }) & { requests?: number } & Record<string, unknown>;
}

const ROOT = fileURLToPath(new URL('../../fixtures/aad-v1/', import.meta.url));
const GRANTS = ['password', 'refresh_token', 'client_credentials', 'device_code'];
const ENDPOINTS = ['devicecode', 'userrealm'];
const CLASSES: Record<string, new (...args: never[]) => Error> = {
  OAuthError: lib.OAuthError,
  ResponseError: lib.ResponseError,
  TransportError: lib.TransportError,
  InputError: lib.InputError,
  FederatedUserError: lib.FederatedUserError,
  DeviceCodeError: lib.DeviceCodeError,
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.json') ? [join(dir, entry.name)] : []))
    .sort();
}

function serve(fixture: Fixture): MockTransport {
  const { status, headers, body } = fixture.response;
  const answer = () => new HttpResponse(typeof body === 'string' ? body : JSON.stringify(body), { status, headers });
  const endpoint = fixture.request.grant ? 'token' : fixture.request.endpoint;
  if (endpoint === 'userrealm') return mockTransport(http.get('*/common/UserRealm/:upn', answer));
  return mockTransport(http.post(`*/:tenant/oauth2/${endpoint}`, answer));
}

function run(fixture: Fixture, m: MockTransport, clock: FakeClock): Promise<unknown> {
  const p = fixture.request.params;
  const common = { fetch: m.fetch, clock };
  switch (fixture.request.grant ?? fixture.request.endpoint) {
    case 'password':
      return lib.passwordGrant({ ...(p as unknown as lib.PasswordGrantOptions), skipUserRealmDiscovery: true, ...common });
    case 'refresh_token':
      return lib.refreshTokenGrant({ ...(p as unknown as lib.RefreshTokenGrantOptions), ...common });
    case 'client_credentials':
      return lib.clientCredentialsGrant({ ...(p as unknown as lib.ClientCredentialsGrantOptions), ...common });
    case 'device_code': {
      const code = {
        userCode: 'FKCJ7WQ3B',
        deviceCode: p.deviceCode,
        verificationUrl: 'https://microsoft.com/devicelogin',
        message: '',
        interval: p.interval,
        expiresIn: p.expiresIn,
        expiresAt: clock.now() + Number(p.expiresIn) * 1000,
        clientId: p.clientId,
        resource: p.resource,
        authorityHost: 'https://login.microsoftonline.com',
        tenant: (p.tenant as string | undefined) ?? 'common',
      } as DeviceCode;
      return lib.pollDeviceCode(code, { ...common, timeoutSeconds: p.timeoutSeconds as number | undefined });
    }
    case 'devicecode':
      return lib.requestDeviceCode({ ...(p as unknown as lib.RequestDeviceCodeOptions), ...common });
    case 'userrealm':
      return discoverUserRealm('https://login.microsoftonline.com', p.username as string, common).then((realm) => {
        refuseFederated(realm, p.username as string);
        return realm;
      });
    default:
      throw new Error(`unknown request ${JSON.stringify(fixture.request)}`);
  }
}

/** Checks each expected field of an error (and of its cause, recursively). */
function checkError(actual: unknown, expected: Record<string, unknown>, where: string): void {
  const cls = CLASSES[expected.class as string];
  assert.ok(cls, `${where}: unknown class ${String(expected.class)}`);
  assert.ok(actual instanceof cls, `${where}: expected ${String(expected.class)}, got ${String(actual)}`);
  for (const [key, value] of Object.entries(expected)) {
    if (key === 'class') continue;
    if (key === 'cause') checkError((actual as Error).cause, value as Record<string, unknown>, `${where}.cause`);
    else assert.deepEqual((actual as unknown as Record<string, unknown>)[key], value, `${where}.${key}`);
  }
}

const fixtures = files(ROOT).map((path) => [relative(ROOT, path), JSON.parse(readFileSync(path, 'utf8')) as Fixture] as const);

describe('fixtures/aad-v1', () => {
  beforeEach(() => lib.clearUserRealmCache());

  it('has fixtures for every endpoint', () => {
    const dirs = new Set(fixtures.map(([name]) => name.split('/')[0]));
    assert.deepEqual([...dirs].sort(), ['devicecode', 'token', 'userrealm']);
    assert.ok(fixtures.length >= 30, `${fixtures.length} fixtures`);
  });

  for (const [name, fixture] of fixtures) {
    it(name, async () => {
      // the file's own shape
      assert.equal(typeof fixture.source, 'string');
      assert.ok(fixture.source.length > 10, 'source says where the shape comes from');
      assert.ok(GRANTS.includes(fixture.request.grant ?? '') || ENDPOINTS.includes(fixture.request.endpoint ?? ''), 'request names a grant or an endpoint');
      assert.equal(name.split('/')[0], fixture.request.grant ? 'token' : fixture.request.endpoint);
      assert.equal(typeof fixture.response.status, 'number');
      assert.ok((fixture.expect.ok === true) !== (fixture.expect.error !== undefined), 'expect is either ok or error');
      // obviously fake tokens only: a JWT signature segment is empty or says FAKE
      const body = fixture.response.body as Record<string, unknown>;
      for (const field of ['access_token', 'id_token']) {
        const jwt = typeof body === 'object' ? body[field] : undefined;
        if (typeof jwt !== 'string') continue;
        const signature = Buffer.from(jwt.split('.')[2] ?? '', 'base64url').toString();
        assert.ok(signature === '' || signature.startsWith('FAKE'), `${field} must be fake`);
      }

      const m = serve(fixture);
      const clock = fakeClock();
      let result: unknown;
      let failure: unknown;
      try {
        result = await run(fixture, m, clock);
      } catch (error) {
        failure = error;
      }
      const { ok, error, requests, ...fields } = fixture.expect;
      if (ok) {
        assert.equal(failure, undefined, `expected success, got ${String(failure)}`);
        for (const [key, value] of Object.entries(fields)) assert.deepEqual((result as Record<string, unknown>)[key], value, key);
      } else {
        assert.equal(result, undefined, 'expected a failure');
        checkError(failure, error!, 'error');
      }
      if (requests !== undefined) assert.equal(m.requests.length, requests, 'requests sent');
      assert.ok(m.requests.length >= 1);
      const grant = fixture.request.grant;
      if (grant) assert.ok(m.requests.every((r) => r.form.get('grant_type') === grant), `grant_type=${grant} on the wire`);
    });
  }
});
