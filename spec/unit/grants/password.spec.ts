import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { http, HttpResponse } from 'msw';
import { passwordGrant, clearUserRealmCache, FederatedUserError, InputError, OAuthError, ResponseError } from '../../../lib/index.js';
import type { PasswordGrantOptions } from '../../../lib/index.js';
import { VERSION } from '../../../lib/version.js';
import { mockTransport, type MockTransport } from '../../support/msw.js';
import { fakeClock } from '../../support/clock.js';
import {
  ACCESS_TOKEN,
  CLIENT_ID,
  CORRELATION_ID,
  FEDERATED_REALM,
  HOST,
  ID_TOKEN,
  MANAGED_REALM,
  REFRESH_TOKEN,
  RESOURCE,
  USERNAME,
  ests,
  oauthError,
  rejects,
  tokenBody,
} from '../../support/aad.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function aad(realm: unknown = MANAGED_REALM): MockTransport {
  return mockTransport(
    http.get('*/common/UserRealm/:upn', () => ests(realm)),
    http.post('*/:tenant/oauth2/token', () => ests(tokenBody())),
  );
}

function options(m: MockTransport, extra: Partial<PasswordGrantOptions> = {}): PasswordGrantOptions {
  return { clientId: CLIENT_ID, username: USERNAME, password: 'Correct-Horse-9', resource: RESOURCE, fetch: m.fetch, clock: fakeClock(), ...extra };
}

function tokenRequests(m: MockTransport) {
  return m.requests.filter((r) => r.method === 'POST');
}

describe('passwordGrant()', () => {
  beforeEach(() => clearUserRealmCache());

  it('asks the user realm, then posts exactly the v1 password form to /common/oauth2/token?api-version=1.0', async () => {
    const m = aad();
    await passwordGrant(options(m));
    assert.equal(m.requests.length, 2);
    const [realm, token] = m.requests;
    assert.equal(realm!.method, 'GET');
    assert.equal(realm!.url.href, `${HOST}/common/UserRealm/svc-lcs%40contoso.com?api-version=1.0`);
    assert.equal(realm!.body, '');
    assert.equal(token!.method, 'POST');
    assert.equal(token!.url.href, `${HOST}/common/oauth2/token?api-version=1.0`);
    assert.deepEqual([...token!.form], [
      ['grant_type', 'password'],
      ['client_id', CLIENT_ID],
      ['resource', RESOURCE],
      ['username', USERNAME],
      ['password', 'Correct-Horse-9'],
      ['scope', 'openid'],
    ]);
    assert.equal(
      token!.body,
      `grant_type=password&client_id=${CLIENT_ID}&resource=https%3A%2F%2Flcsapi.lcs.dynamics.com&username=svc-lcs%40contoso.com&password=Correct-Horse-9&scope=openid`,
    );
  });

  it('uses the tenant in the token URL', async () => {
    const m = aad();
    await passwordGrant(options(m, { tenant: 'contoso.onmicrosoft.com' }));
    assert.equal(tokenRequests(m)[0]!.url.href, `${HOST}/contoso.onmicrosoft.com/oauth2/token?api-version=1.0`);
    assert.equal(m.requests[0]!.url.pathname, '/common/UserRealm/svc-lcs%40contoso.com');
  });

  it('sends the standard headers on the realm lookup and the token request, with one fresh client-request-id for both', async () => {
    const m = aad();
    await passwordGrant(options(m));
    const [realm, token] = m.requests;
    for (const seen of [realm!, token!]) {
      assert.equal(seen.headers.get('accept'), 'application/json');
      assert.match(seen.headers.get('client-request-id') ?? '', UUID);
      assert.equal(seen.headers.get('return-client-request-id'), 'true');
      assert.equal(seen.headers.get('x-client-sku'), 'd365fo-auth');
      assert.equal(seen.headers.get('x-client-ver'), VERSION);
      assert.ok(seen.headers.get('user-agent')?.startsWith(`d365fo-auth/${VERSION} (node ${process.version}; `), seen.headers.get('user-agent') ?? '');
    }
    assert.equal(realm!.headers.get('content-type'), null);
    assert.equal(token!.headers.get('content-type'), 'application/x-www-form-urlencoded;charset=utf-8');
    assert.equal(realm!.headers.get('client-request-id'), token!.headers.get('client-request-id'));
  });

  it('sends a fresh client-request-id per call', async () => {
    const m = aad();
    await passwordGrant(options(m));
    await passwordGrant(options(m));
    const ids = tokenRequests(m).map((r) => r.headers.get('client-request-id'));
    assert.equal(ids.length, 2);
    assert.notEqual(ids[0], ids[1]);
  });

  it('sends the caller-given correlationId as client-request-id', async () => {
    const m = aad();
    await passwordGrant(options(m, { correlationId: CORRELATION_ID }));
    assert.deepEqual(
      m.requests.map((r) => r.headers.get('client-request-id')),
      [CORRELATION_ID, CORRELATION_ID],
    );
  });

  it('percent-encodes every reserved character of the password on the wire', async () => {
    const m = aad();
    await passwordGrant(options(m, { password: 'p&ss=w+rd%20ü"' }));
    const token = tokenRequests(m)[0]!;
    assert.ok(token.body.includes('&password=p%26ss%3Dw%2Brd%2520%C3%BC%22&scope=openid'), token.body);
    assert.equal(token.form.get('password'), 'p&ss=w+rd%20ü"');
  });

  it('sends a caller-given scope instead of openid', async () => {
    const m = aad();
    await passwordGrant(options(m, { scope: 'openid profile' }));
    assert.equal(tokenRequests(m)[0]!.form.get('scope'), 'openid profile');
  });

  it('returns the token model of the v1 response', async () => {
    const m = aad();
    const token = await passwordGrant(options(m));
    assert.equal(token.tokenType, 'Bearer');
    assert.equal(token.accessToken, ACCESS_TOKEN);
    assert.equal(token.refreshToken, REFRESH_TOKEN);
    assert.equal(token.idToken, ID_TOKEN);
    assert.equal(token.resource, RESOURCE);
    assert.equal(token.scope, 'user_impersonation');
    assert.equal(token.expiresIn, 3599);
    assert.equal(token.extExpiresIn, 3599);
    assert.equal(token.notBefore, 1795348800 - 300);
  });

  it('rejects wrong credentials (AADSTS50126) with the server details and a remedy', async () => {
    const m = mockTransport(
      http.get('*/common/UserRealm/:upn', () => ests(MANAGED_REALM)),
      http.post('*/:tenant/oauth2/token', () => oauthError(400, 'invalid_grant', 50126, 'Error validating credentials due to invalid username or password.')),
    );
    const error = await rejects<OAuthError>(passwordGrant(options(m)), {
      class: OAuthError,
      code: 'ERR_OAUTH',
      message: 'invalid_grant (AADSTS50126): Error validating credentials due to invalid username or password.',
    });
    assert.equal(error.error, 'invalid_grant');
    assert.equal(error.aadsts, 'AADSTS50126');
    assert.deepEqual(error.errorCodes, [50126]);
    assert.equal(error.status, 400);
    assert.equal(error.traceId, 'b4a8e6f1-2c3d-4e5f-8a9b-0c1d2e3f4a5b');
    assert.equal(error.correlationId, 'c7d2f0e9-1a2b-4c3d-9e8f-7a6b5c4d3e2f');
    assert.equal(error.remedy, 'Check the username and password; a federated (ADFS) account cannot use the password grant: use browser or device-code sign-in.');
    assert.equal(tokenRequests(m).length, 1, 'a 400 is never retried');
  });

  it('rejects an MFA requirement (AADSTS50076) as ERR_OAUTH, not as sign-in-required', async () => {
    const m = mockTransport(
      http.get('*/common/UserRealm/:upn', () => ests(MANAGED_REALM)),
      http.post('*/:tenant/oauth2/token', () =>
        oauthError(400, 'interaction_required', 50076, "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000007-0000-0000-c000-000000000000'.", { suberror: 'basic_action' }),
      ),
    );
    const error = await rejects<OAuthError>(passwordGrant(options(m)), {
      class: OAuthError,
      code: 'ERR_OAUTH',
      message:
        "interaction_required (AADSTS50076): Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000007-0000-0000-c000-000000000000'.",
    });
    assert.equal(error.suberror, 'basic_action');
    assert.match(error.remedy ?? '', /^Multi-factor authentication is required/);
  });

  describe('user-realm discovery', () => {
    it('posts the password for a managed account', async () => {
      const m = aad(MANAGED_REALM);
      await passwordGrant(options(m));
      assert.equal(tokenRequests(m).length, 1);
    });

    it('refuses a federated account with FederatedUserError and never posts its password', async () => {
      const m = aad(FEDERATED_REALM);
      const error = await rejects<FederatedUserError>(passwordGrant(options(m, { username: 'svc-lcs@fabrikam.com' })), {
        class: FederatedUserError,
        code: 'ERR_FEDERATED_USER',
        message:
          'svc-lcs@fabrikam.com belongs to the federated domain fabrikam.com (WSTrust): its password is checked by the federation server, ' +
          'so the password grant cannot sign it in and the password was not sent. Use browser or device-code sign-in, or a cloud-only (managed) service account.',
      });
      assert.equal(error.domain, 'fabrikam.com');
      assert.equal(error.federationProtocol, 'WSTrust');
      assert.equal(m.requests.length, 1);
      assert.equal(m.requests[0]!.method, 'GET');
      assert.equal(tokenRequests(m).length, 0, 'the password must never reach the token endpoint');
    });

    it('treats account_type case-insensitively ("FEDERATED")', async () => {
      const m = aad({ ...FEDERATED_REALM, account_type: 'FEDERATED' });
      await rejects(passwordGrant(options(m, { username: 'a@fabrikam.com' })), { class: FederatedUserError, code: 'ERR_FEDERATED_USER' });
      assert.equal(tokenRequests(m).length, 0);
    });

    it('posts the password for an Unknown realm (left to the token endpoint)', async () => {
      const m = aad({ ver: '1.0', account_type: 'Unknown', cloud_instance_name: 'microsoftonline.com' });
      await passwordGrant(options(m, { username: 'someone@unknown-domain.com' }));
      assert.equal(tokenRequests(m).length, 1);
    });

    it('caches the realm per domain: a second grant for the same domain sends no realm request', async () => {
      const m = aad();
      await passwordGrant(options(m));
      await passwordGrant(options(m, { username: 'other@contoso.com' }));
      assert.deepEqual(
        m.requests.map((r) => r.method),
        ['GET', 'POST', 'POST'],
      );
    });

    it('caches a federated answer too: the second attempt sends nothing', async () => {
      const m = aad(FEDERATED_REALM);
      await rejects(passwordGrant(options(m, { username: 'a@fabrikam.com' })), { class: FederatedUserError, code: 'ERR_FEDERATED_USER' });
      await rejects(passwordGrant(options(m, { username: 'b@fabrikam.com' })), { class: FederatedUserError, code: 'ERR_FEDERATED_USER' });
      assert.equal(m.requests.length, 1);
    });

    it('looks up another domain separately', async () => {
      const m = aad();
      await passwordGrant(options(m));
      await passwordGrant(options(m, { username: 'svc@northwind.com' }));
      assert.deepEqual(
        m.requests.filter((r) => r.method === 'GET').map((r) => r.url.pathname),
        ['/common/UserRealm/svc-lcs%40contoso.com', '/common/UserRealm/svc%40northwind.com'],
      );
    });

    it('does not cache a failed lookup', async () => {
      let calls = 0;
      const m = mockTransport(
        http.get('*/common/UserRealm/:upn', () => (++calls === 1 ? new HttpResponse('<html>Not Found</html>', { status: 404, headers: { 'content-type': 'text/html' } }) : ests(MANAGED_REALM))),
        http.post('*/:tenant/oauth2/token', () => ests(tokenBody())),
      );
      await rejects(passwordGrant(options(m)), {
        class: ResponseError,
        code: 'ERR_UNEXPECTED_STATUS',
        message: 'The user realm endpoint answered HTTP 404 (text/html, 22 bytes) instead of a result or an OAuth error.',
      });
      assert.equal(tokenRequests(m).length, 0);
      await passwordGrant(options(m));
      assert.equal(calls, 2);
      assert.equal(tokenRequests(m).length, 1);
    });

    it('skips discovery with skipUserRealmDiscovery', async () => {
      const m = aad(FEDERATED_REALM);
      await passwordGrant(options(m, { skipUserRealmDiscovery: true }));
      assert.deepEqual(
        m.requests.map((r) => r.method),
        ['POST'],
      );
    });

    it('skips discovery for the adfs tenant', async () => {
      const m = aad(FEDERATED_REALM);
      await passwordGrant(options(m, { tenant: 'adfs', authorityHost: 'https://sts.fabrikam.com' }));
      assert.equal(m.requests.length, 1);
      assert.equal(m.requests[0]!.url.href, 'https://sts.fabrikam.com/adfs/oauth2/token?api-version=1.0');
    });

    it('asks the realm at the configured authority host', async () => {
      const m = aad();
      await passwordGrant(options(m, { authorityHost: 'https://login.microsoftonline.us' }));
      assert.equal(m.requests[0]!.url.href, 'https://login.microsoftonline.us/common/UserRealm/svc-lcs%40contoso.com?api-version=1.0');
      assert.equal(m.requests[1]!.url.origin, 'https://login.microsoftonline.us');
    });
  });

  describe('input checks (nothing is sent)', () => {
    const cases: Array<[string, Partial<PasswordGrantOptions>, string, string?]> = [
      ['a tenant with a slash', { tenant: 'a/b' }, "tenant must be a tenant GUID, a domain such as contoso.onmicrosoft.com, or common/organizations; it may not contain '/', '?', '#', spaces or other URL characters."],
      ['a tenant with a query', { tenant: 'x?y' }, "tenant must be a tenant GUID, a domain such as contoso.onmicrosoft.com, or common/organizations; it may not contain '/', '?', '#', spaces or other URL characters."],
      ['an empty tenant', { tenant: '' }, 'tenant is required: a tenant GUID or a domain such as contoso.onmicrosoft.com.'],
      ['a non-GUID client id', { clientId: 'my-app' }, 'clientId must be a GUID like 00000000-0000-0000-0000-000000000000 (the application id of the app registration).'],
      ['an empty client id', { clientId: '' }, 'clientId is required: the application (client) id GUID of your app registration.'],
      ['an empty username', { username: '' }, 'username is required: the user principal name, e.g. svc-lcs@contoso.com.'],
      ['a username without a domain', { username: 'svc-lcs' }, 'username must be a user principal name such as svc-lcs@contoso.com.'],
      ['a username with a path', { username: 'a/../b@contoso.com' }, 'username must be a user principal name such as svc-lcs@contoso.com.'],
      ['an empty password', { password: '' }, 'password is required: the password of the account.'],
      ['a password with a trailing space', { password: 'Correct-Horse-9 ' }, 'password has leading or trailing whitespace, which the password grant does not support; check how it was read.'],
      ['a password with a leading tab', { password: '\tCorrect-Horse-9' }, 'password has leading or trailing whitespace, which the password grant does not support; check how it was read.'],
      ['an empty resource', { resource: '' }, 'resource is required: the resource URI, e.g. https://lcsapi.lcs.dynamics.com.'],
      ['a relative resource', { resource: 'lcsapi.lcs.dynamics.com' }, 'resource must be an absolute http(s) URI such as https://lcsapi.lcs.dynamics.com, or an application id GUID.'],
      ['a resource with a query', { resource: 'https://lcsapi.lcs.dynamics.com/?x=1' }, 'resource must not contain credentials, a query or a fragment.'],
      ['a bad scope', { scope: 'openid\nprofile' }, 'scope must be space-separated printable words, e.g. "openid".'],
      ['a plain-http authority', { authorityHost: 'http://login.microsoftonline.com' }, 'authorityHost must use https; plain http is only accepted for a loopback address (127.0.0.1, localhost, [::1]).', 'ERR_INSECURE_URL'],
      ['a non-http authority', { authorityHost: 'ftp://login.microsoftonline.com' }, 'authorityHost must use https (got ftp).', 'ERR_INSECURE_URL'],
      ['an authority with a path', { authorityHost: 'https://login.microsoftonline.com/contoso.onmicrosoft.com' }, 'authorityHost must be an origin without a path, such as https://login.microsoftonline.com; got path /contoso.onmicrosoft.com.'],
      ['an authority with a query', { authorityHost: 'https://login.microsoftonline.com?x=1' }, 'authorityHost must not have a query or fragment, e.g. https://login.microsoftonline.com.'],
      ['an authority with credentials', { authorityHost: 'https://user:pw@login.microsoftonline.com' }, 'authorityHost must not contain credentials.'],
      ['an authority that is not a URL', { authorityHost: 'login.microsoftonline.com' }, 'authorityHost is not a valid URL; give one such as https://login.microsoftonline.com.'],
      ['a non-GUID correlationId', { correlationId: 'req-42' }, 'correlationId must be a GUID (it is sent as the client-request-id header).'],
      ['a zero timeoutMs', { timeoutMs: 0 }, 'timeoutMs must be a positive number up to 600000.'],
    ];
    for (const [name, extra, message, code = 'ERR_INVALID_INPUT'] of cases) {
      it(`rejects ${name}`, async () => {
        const m = aad();
        await rejects(passwordGrant(options(m, extra)), { class: InputError, code, message });
        assert.equal(m.requests.length, 0, 'nothing may be sent');
      });
    }

    for (const host of ['http://127.0.0.1:8080', 'http://localhost', 'http://[::1]:4000', 'https://login.microsoftonline.com/']) {
      it(`accepts the authority ${host}`, async () => {
        const m = aad();
        await passwordGrant(options(m, { authorityHost: host, skipUserRealmDiscovery: true }));
        assert.equal(m.requests.length, 1);
        assert.equal(m.requests[0]!.url.href, `${new URL(host).origin}/common/oauth2/token?api-version=1.0`);
      });
    }
  });
});
