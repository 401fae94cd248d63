import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { http } from 'msw';
import { clientCredentialsGrant, InputError, OAuthError } from '../../../lib/index.js';
import type { ClientCredentialsGrantOptions } from '../../../lib/index.js';
import { mockTransport, type MockTransport } from '../../support/msw.js';
import { fakeClock } from '../../support/clock.js';
import { CLIENT_ID, HOST, TENANT_ID, ests, oauthError, rejects, tokenBody } from '../../support/aad.js';

const ODATA = 'https://contoso.operations.dynamics.com';
const SECRET = 'Zx8Q~fake.secret_value-0123';

function appOnlyBody(): Record<string, unknown> {
  const { refresh_token: _r, id_token: _i, scope: _s, ...rest } = tokenBody({ resource: ODATA });
  return rest;
}

function aad(answer: () => Response = () => ests(appOnlyBody())): MockTransport {
  return mockTransport(http.post('*/:tenant/oauth2/token', answer));
}

function options(m: MockTransport, extra: Partial<ClientCredentialsGrantOptions> = {}): ClientCredentialsGrantOptions {
  return { tenant: TENANT_ID, clientId: CLIENT_ID, clientSecret: SECRET, resource: ODATA, fetch: m.fetch, clock: fakeClock(), ...extra };
}

describe('clientCredentialsGrant()', () => {
  it('posts grant_type, client_id, resource and the client secret, without scope, to the tenant', async () => {
    const m = aad();
    const token = await clientCredentialsGrant(options(m));
    const seen = m.requests[0]!;
    assert.equal(m.requests.length, 1);
    assert.equal(seen.url.href, `${HOST}/${TENANT_ID}/oauth2/token?api-version=1.0`);
    assert.deepEqual([...seen.form], [
      ['grant_type', 'client_credentials'],
      ['client_id', CLIENT_ID],
      ['resource', ODATA],
      ['client_secret', SECRET],
    ]);
    assert.equal(seen.form.has('scope'), false);
    assert.equal(token.refreshToken, undefined);
    assert.equal(token.idToken, undefined);
    assert.equal(token.resource, ODATA);
  });

  it('percent-encodes the secret', async () => {
    const m = aad();
    await clientCredentialsGrant(options(m, { clientSecret: 'a+b/c=d&e*f' }));
    assert.ok(m.requests[0]!.body.endsWith('&client_secret=a%2Bb%2Fc%3Dd%26e%2Af'), m.requests[0]!.body);
  });

  it('rejects a wrong secret (AADSTS7000215, HTTP 401) as ERR_OAUTH', async () => {
    const m = aad(() => oauthError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app \'3c1e9a5b-7f42-4d8e-9b61-2a0f5e7d4c13\'.'));
    const error = await rejects<OAuthError>(clientCredentialsGrant(options(m)), {
      class: OAuthError,
      code: 'ERR_OAUTH',
      message:
        "invalid_client (AADSTS7000215): Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '3c1e9a5b-7f42-4d8e-9b61-2a0f5e7d4c13'.",
    });
    assert.equal(error.status, 401);
    assert.equal(error.remedy, 'The client secret is wrong: use the secret value, not the secret id.');
    assert.equal(m.requests.length, 1);
  });

  describe('input checks (nothing is sent)', () => {
    const tenantMessage = 'tenant is required for client credentials and must be the tenant GUID or domain, not common or organizations.';
    const cases: Array<[string, Partial<ClientCredentialsGrantOptions>, string]> = [
      ['a missing tenant', { tenant: undefined }, tenantMessage],
      ['the common tenant', { tenant: 'common' }, tenantMessage],
      ['the organizations tenant', { tenant: 'Organizations' }, tenantMessage],
      ['an empty secret', { clientSecret: '' }, 'clientSecret is required: the client secret value of the app registration.'],
      ['a non-GUID client id', { clientId: 'contoso-app' }, 'clientId must be a GUID like 00000000-0000-0000-0000-000000000000 (the application id of the app registration).'],
      ['a missing resource', { resource: '' }, 'resource is required: the resource URI, e.g. https://lcsapi.lcs.dynamics.com.'],
      ['a tenant with a path', { tenant: 'contoso.com/../x' }, "tenant must be a tenant GUID, a domain such as contoso.onmicrosoft.com, or common/organizations; it may not contain '/', '?', '#', spaces or other URL characters."],
    ];
    for (const [name, extra, message] of cases) {
      it(`rejects ${name}`, async () => {
        const m = aad();
        await rejects(clientCredentialsGrant(options(m, extra)), { class: InputError, code: 'ERR_INVALID_INPUT', message });
        assert.equal(m.requests.length, 0);
      });
    }
  });
});
