import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { http } from 'msw';
import { requestDeviceCode, InputError, OAuthError, ResponseError } from '../../../lib/index.js';
import type { RequestDeviceCodeOptions } from '../../../lib/index.js';
import { pollOnce } from '../../../lib/grants/device-code.js';
import { mockTransport, type MockTransport } from '../../support/msw.js';
import { fakeClock } from '../../support/clock.js';
import { CLIENT_ID, DEVICE_CODE, HOST, RESOURCE, TENANT, deviceCodeBody, ests, oauthError, rejects, tokenBody } from '../../support/aad.js';


function aad(body: Record<string, unknown> = deviceCodeBody()): MockTransport {
  return mockTransport(
    http.post('*/:tenant/oauth2/devicecode', () => ests(body)),
    http.post('*/:tenant/oauth2/token', () => ests(tokenBody())),
  );
}

function options(m: MockTransport, extra: Partial<RequestDeviceCodeOptions> = {}): RequestDeviceCodeOptions {
  return { clientId: CLIENT_ID, resource: RESOURCE, fetch: m.fetch, clock: fakeClock(), ...extra };
}

describe('requestDeviceCode()', () => {
  it('posts client_id and resource to /{tenant}/oauth2/devicecode?api-version=1.0', async () => {
    const m = aad();
    await requestDeviceCode(options(m, { tenant: TENANT }));
    assert.equal(m.requests.length, 1);
    const seen = m.requests[0]!;
    assert.equal(seen.url.href, `${HOST}/${TENANT}/oauth2/devicecode?api-version=1.0`);
    assert.deepEqual([...seen.form], [
      ['client_id', CLIENT_ID],
      ['resource', RESOURCE],
    ]);
    assert.equal(seen.headers.get('content-type'), 'application/x-www-form-urlencoded;charset=utf-8');
    assert.equal(seen.headers.get('return-client-request-id'), 'true');
  });

  it('puts the language in the body as mkt', async () => {
    const m = aad();
    await requestDeviceCode(options(m, { language: 'de-DE' }));
    assert.deepEqual([...m.requests[0]!.form], [
      ['client_id', CLIENT_ID],
      ['resource', RESOURCE],
      ['mkt', 'de-DE'],
    ]);
  });

  it('reads the v1 answer with numbers as strings', async () => {
    const clock = fakeClock();
    const m = aad();
    const code = await requestDeviceCode(options(m, { clock }));
    assert.equal(code.userCode, 'FKCJ7WQ3B');
    assert.equal(code.deviceCode, DEVICE_CODE);
    assert.equal(code.verificationUrl, 'https://microsoft.com/devicelogin');
    assert.equal(code.expiresIn, 900);
    assert.equal(code.interval, 5);
    assert.equal(code.expiresAt, clock.now() + 900_000);
    assert.equal(code.clientId, CLIENT_ID);
    assert.equal(code.resource, RESOURCE);
    assert.match(code.message, /enter the code FKCJ7WQ3B/);
  });

  it('reads numbers as numbers', async () => {
    const code = await requestDeviceCode(options(aad(deviceCodeBody({ expires_in: 600, interval: 3 }))));
    assert.equal(code.expiresIn, 600);
    assert.equal(code.interval, 3);
  });

  it('tolerates the RFC name verification_uri', async () => {
    const { verification_url: _u, ...rest } = deviceCodeBody();
    const code = await requestDeviceCode(options(aad({ ...rest, verification_uri: 'https://microsoft.com/devicelogin' })));
    assert.equal(code.verificationUrl, 'https://microsoft.com/devicelogin');
  });

  it('defaults the interval to 5 when absent', async () => {
    const { interval: _i, ...rest } = deviceCodeBody();
    const code = await requestDeviceCode(options(aad(rest)));
    assert.equal(code.interval, 5);
  });

  it('writes its own message when the server sent none', async () => {
    const { message: _m, ...rest } = deviceCodeBody();
    const code = await requestDeviceCode(options(aad(rest)));
    assert.equal(code.message, 'To sign in, open https://microsoft.com/devicelogin and enter the code FKCJ7WQ3B to authenticate.');
  });

  it('hides the device code from util.inspect, JSON.stringify and String()', async () => {
    const code = await requestDeviceCode(options(aad()));
    const shown = inspect(code, { depth: 5 });
    assert.ok(!shown.includes(DEVICE_CODE), shown);
    assert.match(shown, /^DeviceCode \{/);
    assert.match(shown, /FKCJ7WQ3B/);
    assert.ok(shown.includes(`deviceCode: '[redacted, ${DEVICE_CODE.length} chars]'`), shown);
    assert.ok(!JSON.stringify(code).includes(DEVICE_CODE));
    assert.equal(String(code), '[DeviceCode]');
  });

  it('rejects an OAuth error from the devicecode endpoint (AADSTS500011)', async () => {
    const m = mockTransport(
      http.post('*/:tenant/oauth2/devicecode', () =>
        oauthError(400, 'invalid_resource', 500011, "The resource principal named https://lcsapi.lcs.dynamics.com was not found in the tenant named Contoso. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant."),
      ),
    );
    const error = await rejects<OAuthError>(requestDeviceCode(options(m)), {
      class: OAuthError,
      code: 'ERR_OAUTH',
      message:
        'invalid_resource (AADSTS500011): The resource principal named https://lcsapi.lcs.dynamics.com was not found in the tenant named Contoso. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.',
    });
    assert.equal(error.aadsts, 'AADSTS500011');
  });

  describe('invalid answers (one per field; the message names the field, never the value)', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['user_code missing', { user_code: undefined }, 'field "user_code" is missing.'],
      ['user_code empty', { user_code: '' }, 'field "user_code" has the wrong type or format.'],
      ['device_code missing', { device_code: undefined }, 'field "device_code" is missing.'],
      ['device_code a number', { device_code: 4711 }, 'field "device_code" has the wrong type or format (expected string).'],
      ['verification_url missing', { verification_url: undefined }, 'field "verification_url" is missing or not an http(s) URL.'],
      ['verification_url not a URL', { verification_url: 'see-the-leaflet-4711' }, 'field "verification_url" has the wrong type or format.'],
      ['expires_in missing', { expires_in: undefined }, 'field "expires_in" is missing.'],
      ['expires_in non-numeric', { expires_in: 'fifteen-4711' }, 'field "expires_in" has the wrong type or format (expected (string | number)).'],
      ['interval non-numeric', { interval: 'often-4711' }, 'field "interval" has the wrong type or format (expected (string | number)).'],
      ['message a number', { message: 4711 }, 'field "message" has the wrong type or format (expected string).'],
    ];
    for (const [name, change, tail] of cases) {
      it(`rejects ${name}`, async () => {
        const body = deviceCodeBody();
        for (const [key, value] of Object.entries(change)) {
          if (value === undefined) delete body[key];
          else body[key] = value;
        }
        const error = await rejects(requestDeviceCode(options(aad(body))), {
          class: ResponseError,
          code: 'ERR_INVALID_RESPONSE',
          message: `The device code response from the device code endpoint is invalid: ${tail}`,
        });
        assert.ok(!error.message.includes('4711'), error.message);
      });
    }
  });

  describe('input checks (nothing is sent)', () => {
    const cases: Array<[string, Partial<RequestDeviceCodeOptions>, string]> = [
      ['a non-GUID client id', { clientId: 'app' }, 'clientId must be a GUID like 00000000-0000-0000-0000-000000000000 (the application id of the app registration).'],
      ['a missing resource', { resource: '' }, 'resource is required: the resource URI, e.g. https://lcsapi.lcs.dynamics.com.'],
      ['a bad language', { language: 'de DE&x=1' }, 'language must be a culture name such as en-US.'],
      ['a bad tenant', { tenant: 'x?y' }, "tenant must be a tenant GUID, a domain such as contoso.onmicrosoft.com, or common/organizations; it may not contain '/', '?', '#', spaces or other URL characters."],
    ];
    for (const [name, extra, message] of cases) {
      it(`rejects ${name}`, async () => {
        const m = aad();
        await rejects(requestDeviceCode(options(m, extra)), { class: InputError, code: 'ERR_INVALID_INPUT', message });
        assert.equal(m.requests.length, 0);
      });
    }
  });
});

describe('pollOnce()', () => {
  it('posts the v1 dialect: grant_type=device_code, code, client_id, resource, no scope', async () => {
    const m = aad();
    const code = await requestDeviceCode(options(m, { tenant: TENANT }));
    const token = await pollOnce(code, { fetch: m.fetch, tenant: TENANT, clock: fakeClock() });
    assert.ok(!('waiting' in token));
    const seen = m.requests[1]!;
    assert.equal(seen.url.href, `${HOST}/${TENANT}/oauth2/token?api-version=1.0`);
    assert.deepEqual(Object.fromEntries(seen.form), {
      grant_type: 'device_code',
      client_id: CLIENT_ID,
      resource: RESOURCE,
      code: DEVICE_CODE,
    });
    assert.equal(seen.form.has('scope'), false);
    assert.equal(seen.form.has('device_code'), false);
    assert.equal(token.tokenType, 'Bearer');
  });

  it('rejects something that is not a device code before sending', async () => {
    const m = aad();
    await rejects(pollOnce({} as never, { fetch: m.fetch }), {
      class: InputError,
      code: 'ERR_INVALID_INPUT',
      message: 'pollDeviceCode() needs the object requestDeviceCode() returned.',
    });
    assert.equal(m.requests.length, 0);
  });
});
