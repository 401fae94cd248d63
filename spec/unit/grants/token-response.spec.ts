// The token-endpoint answer checks, driven through clientCredentialsGrant (the simplest grant).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { http, HttpResponse } from 'msw';
import { clientCredentialsGrant, OAuthError, ResponseError } from '../../../lib/index.js';
import { sameResource } from '../../../lib/grants/token-response.js';
import { mockTransport } from '../../support/msw.js';
import { fakeClock } from '../../support/clock.js';
import { ACCESS_TOKEN, CLIENT_ID, TENANT_ID, errorBody, ests, estsHeaders, rejects, tokenBody } from '../../support/aad.js';

const ODATA = 'https://contoso.operations.dynamics.com';
const URL = `https://login.microsoftonline.com/${TENANT_ID}/oauth2/token?api-version=1.0`;

function grant(answer: () => Response | Promise<Response>, resource = ODATA) {
  const m = mockTransport(http.post('*/:tenant/oauth2/token', answer));
  const clock = fakeClock();
  const promise = clientCredentialsGrant({ tenant: TENANT_ID, clientId: CLIENT_ID, clientSecret: 'Zx8Q~fake.secret_value-0123', resource, fetch: m.fetch, clock });
  return { m, clock, promise };
}

describe('token endpoint answers', () => {
  describe('OAuth error bodies', () => {
    it('maps every field of the v1 error body', async () => {
      const body = errorBody('invalid_grant', 65001, "The user or administrator has not consented to use the application with ID '3c1e9a5b-7f42-4d8e-9b61-2a0f5e7d4c13' named 'LCS export'. Send an interactive authorization request for this user and resource.", {
        suberror: 'consent_required',
        claims: '{"access_token":{"capolids":{"essential":true,"values":["01234567-89ab-cdef-0123-456789abcdef"]}}}',
      });
      const { promise } = grant(() => ests(body, 400));
      const error = await rejects<OAuthError>(promise, {
        class: OAuthError,
        code: 'ERR_OAUTH',
        message:
          "invalid_grant (AADSTS65001): The user or administrator has not consented to use the application with ID '3c1e9a5b-7f42-4d8e-9b61-2a0f5e7d4c13' named 'LCS export'. Send an interactive authorization request for this user and resource.",
      });
      assert.equal(error.name, 'OAuthError');
      assert.equal(error.status, 400);
      assert.equal(error.error, 'invalid_grant');
      assert.equal(error.errorDescription, body.error_description);
      assert.deepEqual(error.errorCodes, [65001]);
      assert.equal(error.aadsts, 'AADSTS65001');
      assert.equal(error.traceId, body.trace_id);
      assert.equal(error.correlationId, body.correlation_id);
      assert.equal(error.timestamp, '2026-11-22 12:00:00Z');
      assert.equal(error.errorUri, 'https://login.microsoftonline.com/error?code=65001');
      assert.equal(error.suberror, 'consent_required');
      assert.equal(error.claims, body.claims);
      assert.match(error.remedy ?? '', /^No consent between the app and the resource/);
    });

    it('takes the AADSTS code from the description when error_codes is absent, and ids from the headers', async () => {
      const { promise } = grant(() =>
        HttpResponse.json(
          { error: 'invalid_request', error_description: "AADSTS900144: The request body must contain the following parameter: 'resource'.\r\nTrace ID: x" },
          { status: 400, headers: estsHeaders({ 'client-request-id': '11111111-2222-4333-8444-555555555555' }) },
        ),
      );
      const error = await rejects<OAuthError>(promise, {
        class: OAuthError,
        code: 'ERR_OAUTH',
        message: "invalid_request (AADSTS900144): The request body must contain the following parameter: 'resource'.",
      });
      assert.deepEqual(error.errorCodes, [900144]);
      assert.equal(error.traceId, 'a1b2c3d4-0000-4000-8000-000000001234');
      assert.equal(error.correlationId, '11111111-2222-4333-8444-555555555555');
      assert.equal(error.remedy, 'A required field is missing: add the parameter named in the description.');
    });

    it('describes an error body without a description', async () => {
      const { promise } = grant(() => ests({ error: 'unsupported_grant_type' }, 400));
      const error = await rejects<OAuthError>(promise, {
        class: OAuthError,
        code: 'ERR_OAUTH',
        message: 'unsupported_grant_type: the token endpoint refused the request (HTTP 400)',
      });
      assert.deepEqual(error.errorCodes, []);
      assert.equal(error.aadsts, undefined);
      assert.equal(error.remedy, undefined);
    });

    it('treats an error body on HTTP 200 as a refusal', async () => {
      const { promise } = grant(() => ests(errorBody('invalid_client', 7000222, "The provided client secret keys for app '3c1e9a5b-7f42-4d8e-9b61-2a0f5e7d4c13' are expired.")));
      const error = await rejects<OAuthError>(promise, {
        class: OAuthError,
        code: 'ERR_OAUTH',
        message: "invalid_client (AADSTS7000222): The provided client secret keys for app '3c1e9a5b-7f42-4d8e-9b61-2a0f5e7d4c13' are expired.",
      });
      assert.equal(error.status, 200);
    });

    it('never retries a 400', async () => {
      const { m, clock, promise } = grant(() => ests(errorBody('invalid_request', 90002, "Tenant 'contoso.onmicrosoft.com' not found."), 400));
      await rejects(promise, { class: OAuthError, code: 'ERR_OAUTH' });
      assert.equal(m.requests.length, 1);
      assert.deepEqual(clock.sleeps, []);
    });
  });

  describe('bodies that are not usable', () => {
    it('rejects an HTML page on HTTP 200 (ERR_NOT_JSON)', async () => {
      const html = '<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body>…</body></html>';
      const { promise } = grant(() => HttpResponse.html(html));
      const error = await rejects<ResponseError>(promise, {
        class: ResponseError,
        code: 'ERR_NOT_JSON',
        message: `The token endpoint answered HTTP 200 with a body that is not a JSON object (text/html, ${Buffer.byteLength(html)} bytes).`,
      });
      assert.equal(error.status, 200);
      assert.equal(error.url, URL);
    });

    it('rejects truncated JSON (ERR_NOT_JSON)', async () => {
      const { promise } = grant(() => new HttpResponse('{"token_type":"Bearer","expires_in":"3599","access_token":"eyJ0eXAiOiJKV1Q', { headers: estsHeaders() }));
      await rejects(promise, {
        class: ResponseError,
        code: 'ERR_NOT_JSON',
        message: 'The token endpoint answered HTTP 200 with a body that is not a JSON object (application/json, 74 bytes).',
      });
    });

    it('rejects an empty body', async () => {
      const { promise } = grant(() => new HttpResponse(null, { status: 200 }));
      await rejects(promise, {
        class: ResponseError,
        code: 'ERR_NOT_JSON',
        message: 'The token endpoint answered HTTP 200 with a body that is not a JSON object (no content type, 0 bytes).',
      });
    });

    it('rejects a JSON array', async () => {
      const { promise } = grant(() => HttpResponse.json([tokenBody()]));
      await rejects(promise, { class: ResponseError, code: 'ERR_NOT_JSON', message: /^The token endpoint answered HTTP 200 with a body that is not a JSON object \(application\/json, \d+ bytes\)\.$/ });
    });

    it('rejects an HTML 502 with ERR_UNEXPECTED_STATUS after one retry', async () => {
      const html = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';
      const { m, clock, promise } = grant(() => new HttpResponse(html, { status: 502, headers: { 'content-type': 'text/html' } }));
      const error = await rejects<ResponseError>(promise, {
        class: ResponseError,
        code: 'ERR_UNEXPECTED_STATUS',
        message: `The token endpoint answered HTTP 502 (text/html, ${Buffer.byteLength(html)} bytes) instead of a result or an OAuth error.`,
      });
      assert.equal(error.status, 502);
      assert.equal(m.requests.length, 2);
      assert.deepEqual(clock.sleeps, [500]);
    });

    it('does not follow a redirect', async () => {
      const { m, promise } = grant(() => new HttpResponse(null, { status: 302, headers: { location: 'https://evil.example.com/steal' } }));
      await rejects(promise, {
        class: ResponseError,
        code: 'ERR_UNEXPECTED_STATUS',
        message: 'The token endpoint answered HTTP 302 (no content type, 0 bytes) instead of a result or an OAuth error.',
      });
      assert.equal(m.requests.length, 1);
    });
  });

  describe('invalid token responses (one per field; the message names the field, never the value)', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['token_type missing', { token_type: undefined }, 'field "token_type" is missing.'],
      ['token_type not Bearer', { token_type: 'pop-4711' }, 'field "token_type" has the wrong type or format.'],
      ['token_type a number', { token_type: 4711 }, 'field "token_type" has the wrong type or format (expected string).'],
      ['access_token missing', { access_token: undefined }, 'field "access_token" is missing.'],
      ['access_token empty', { access_token: '' }, 'field "access_token" has the wrong type or format.'],
      ['access_token a number', { access_token: 4711 }, 'field "access_token" has the wrong type or format (expected string).'],
      ['expires_in missing', { expires_in: undefined }, 'field "expires_in" is missing.'],
      ['expires_in non-numeric', { expires_in: 'soon-4711' }, 'field "expires_in" has the wrong type or format (expected (string | number)).'],
      ['expires_in negative', { expires_in: -4711 }, 'field "expires_in" is out of the plausible range (a number from 1).'],
      ['expires_in of 15 digits (a session that would never refresh again)', { expires_in: '999999999999999' }, 'field "expires_in" has the wrong type or format (expected (string | number)).'],
      ['expires_in of three days', { expires_in: '259200' }, 'field "expires_in" is out of the plausible range (a number up to 172800).'],
      ['expires_in of 1e308', { expires_in: 1e308 }, 'field "expires_in" is out of the plausible range (a number up to 172800).'],
      ['expires_in of zero', { expires_in: '0' }, 'field "expires_in" is out of the plausible range (a number from 1).'],
      ['expires_on in the year 2200', { expires_on: '7258118400' }, 'field "expires_on" is out of the plausible range (a number up to 4102444800).'],
      ['not_before in 1970', { not_before: '4711' }, 'field "not_before" is out of the plausible range (a number from 1000000000).'],
      ['ext_expires_in of a year', { ext_expires_in: 31_536_000 }, 'field "ext_expires_in" is out of the plausible range (a number up to 172800).'],
      ['expires_in a fraction', { expires_in: 4711.5 }, 'field "expires_in" has the wrong type or format.'],
      ['expires_in a boolean', { expires_in: true }, 'field "expires_in" has the wrong type or format (expected (string | number)).'],
      ['ext_expires_in non-numeric', { ext_expires_in: 'x4711' }, 'field "ext_expires_in" has the wrong type or format (expected (string | number)).'],
      ['expires_on non-numeric', { expires_on: '2026-11-22T4711' }, 'field "expires_on" has the wrong type or format (expected (string | number)).'],
      ['not_before non-numeric', { not_before: 'x4711' }, 'field "not_before" has the wrong type or format (expected (string | number)).'],
      ['resource a number', { resource: 4711 }, 'field "resource" has the wrong type or format (expected string).'],
      ['scope a number', { scope: 4711 }, 'field "scope" has the wrong type or format (expected string).'],
      ['refresh_token empty', { refresh_token: '' }, 'field "refresh_token" has the wrong type or format.'],
      ['refresh_token a number', { refresh_token: 4711 }, 'field "refresh_token" has the wrong type or format (expected string).'],
      ['id_token an object', { id_token: { v: 4711 } }, 'field "id_token" has the wrong type or format (expected string).'],
    ];
    for (const [name, change, tail] of cases) {
      it(`rejects ${name}`, async () => {
        const body = tokenBody({ resource: ODATA });
        for (const [key, value] of Object.entries(change)) {
          if (value === undefined) delete body[key];
          else body[key] = value;
        }
        const { promise } = grant(() => ests(body));
        const error = await rejects(promise, {
          class: ResponseError,
          code: 'ERR_INVALID_RESPONSE',
          message: `The token response from the token endpoint is invalid: ${tail}`,
        });
        assert.ok(!error.message.includes('4711'), error.message);
        assert.ok(!error.message.includes(ACCESS_TOKEN));
      });
    }
  });

  describe('resource check', () => {
    it('rejects a token for another resource (ERR_RESOURCE_MISMATCH)', async () => {
      const { promise } = grant(() => ests(tokenBody({ resource: 'https://graph.windows.net' })));
      await rejects(promise, {
        class: ResponseError,
        code: 'ERR_RESOURCE_MISMATCH',
        message: `The token endpoint issued a token for resource "https://graph.windows.net" but "${ODATA}" was asked for; it was not accepted.`,
      });
    });

    it('accepts the same resource with another case or a trailing slash', async () => {
      const { promise } = grant(() => ests(tokenBody({ resource: 'HTTPS://Contoso.Operations.Dynamics.com/' })));
      const token = await promise;
      assert.equal(token.resource, 'HTTPS://Contoso.Operations.Dynamics.com/');
      assert.equal(sameResource('https://a.example.com//', 'https://A.example.com'), true);
      assert.equal(sameResource('https://a.example.com', 'https://b.example.com'), false);
    });

    it('accepts an answer without resource', async () => {
      const { resource: _r, ...body } = tokenBody();
      const { promise } = grant(() => ests(body));
      assert.equal((await promise).resource, undefined);
    });
  });
});
