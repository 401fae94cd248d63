import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { http } from 'msw';
import { refreshTokenGrant, InputError, OAuthError } from '../../../lib/index.js';
import type { RefreshTokenGrantOptions } from '../../../lib/index.js';
import { mockTransport, type MockTransport } from '../../support/msw.js';
import { fakeClock } from '../../support/clock.js';
import { CLIENT_ID, HOST, REFRESH_TOKEN, RESOURCE, TENANT, ests, oauthError, rejects, tokenBody } from '../../support/aad.js';

function aad(answer: () => Response = () => ests(tokenBody({ refresh_token: '0.AXoA-fake-newer-refresh-token-000001' }))): MockTransport {
  return mockTransport(http.post('*/:tenant/oauth2/token', answer));
}

function options(m: MockTransport, extra: Partial<RefreshTokenGrantOptions> = {}): RefreshTokenGrantOptions {
  return { clientId: CLIENT_ID, refreshToken: REFRESH_TOKEN, fetch: m.fetch, clock: fakeClock(), ...extra };
}

describe('refreshTokenGrant()', () => {
  it('posts grant_type, client_id, refresh_token and scope=openid (no resource, no secret) to /common', async () => {
    const m = aad();
    const token = await refreshTokenGrant(options(m));
    assert.equal(m.requests.length, 1);
    const seen = m.requests[0]!;
    assert.equal(seen.url.href, `${HOST}/common/oauth2/token?api-version=1.0`);
    assert.deepEqual([...seen.form], [
      ['grant_type', 'refresh_token'],
      ['client_id', CLIENT_ID],
      ['refresh_token', REFRESH_TOKEN],
      ['scope', 'openid'],
    ]);
    assert.equal(seen.headers.get('content-type'), 'application/x-www-form-urlencoded;charset=utf-8');
    assert.equal(token.refreshToken, '0.AXoA-fake-newer-refresh-token-000001');
  });

  it('adds resource and client_secret when given', async () => {
    const m = aad();
    await refreshTokenGrant(options(m, { resource: RESOURCE, clientSecret: 'Zx8Q~fake.secret_value-0123', tenant: TENANT }));
    const seen = m.requests[0]!;
    assert.equal(seen.url.href, `${HOST}/${TENANT}/oauth2/token?api-version=1.0`);
    assert.deepEqual([...seen.form], [
      ['grant_type', 'refresh_token'],
      ['client_id', CLIENT_ID],
      ['refresh_token', REFRESH_TOKEN],
      ['resource', RESOURCE],
      ['scope', 'openid'],
      ['client_secret', 'Zx8Q~fake.secret_value-0123'],
    ]);
  });

  it('a refresh answered without a refresh token returns the one it redeemed, so token = refresh(token) never loses it', async () => {
    const { refresh_token: _none, ...noRefreshToken } = tokenBody();
    const m = aad(() => ests(noRefreshToken));
    const token = await refreshTokenGrant(options(m));
    assert.equal(token.refreshToken, REFRESH_TOKEN);
    const again = await refreshTokenGrant(options(m, { refreshToken: token.refreshToken! }));
    assert.equal(again.refreshToken, REFRESH_TOKEN);
  });

  it('accepts a token for any resource when none was asked (MRRT default)', async () => {
    const m = aad(() => ests(tokenBody({ resource: 'https://contoso.operations.dynamics.com' })));
    const token = await refreshTokenGrant(options(m));
    assert.equal(token.resource, 'https://contoso.operations.dynamics.com');
  });

  it('turns invalid_grant (AADSTS70008) into ERR_SIGN_IN_REQUIRED', async () => {
    const m = aad(() =>
      oauthError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.'),
    );
    const error = await rejects<OAuthError>(refreshTokenGrant(options(m)), {
      class: OAuthError,
      code: 'ERR_SIGN_IN_REQUIRED',
      message:
        'invalid_grant (AADSTS70008): The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource. Sign in again: the refresh token can no longer be used.',
    });
    assert.equal(error.error, 'invalid_grant');
    assert.equal(error.aadsts, 'AADSTS70008');
    assert.equal(error.remedy, 'The refresh token has expired or was revoked: sign in again.');
    assert.equal(m.requests.length, 1);
  });

  it('turns interaction_required (AADSTS50076) into ERR_SIGN_IN_REQUIRED', async () => {
    const m = aad(() => oauthError(400, 'interaction_required', 50076, 'Due to a configuration change made by your administrator, you must use multi-factor authentication.'));
    await rejects(refreshTokenGrant(options(m)), {
      class: OAuthError,
      code: 'ERR_SIGN_IN_REQUIRED',
      message: 'interaction_required (AADSTS50076): Due to a configuration change made by your administrator, you must use multi-factor authentication. Sign in again: the refresh token can no longer be used.',
    });
  });

  it('keeps other refusals (invalid_client AADSTS7000218) as ERR_OAUTH', async () => {
    const m = aad(() => oauthError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."));
    const error = await rejects<OAuthError>(refreshTokenGrant(options(m)), {
      class: OAuthError,
      code: 'ERR_OAUTH',
      message: "invalid_client (AADSTS7000218): The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    });
    assert.equal(error.status, 401);
  });

  describe('input checks (nothing is sent)', () => {
    const cases: Array<[string, Partial<RefreshTokenGrantOptions>, string]> = [
      ['an empty refresh token', { refreshToken: '' }, 'refreshToken is required: the refresh token of an earlier sign-in.'],
      ['a non-GUID client id', { clientId: 'x' }, 'clientId must be a GUID like 00000000-0000-0000-0000-000000000000 (the application id of the app registration).'],
      ['an empty client secret', { clientSecret: '' }, 'clientSecret is required: the client secret value of the app registration.'],
      ['a bad resource', { resource: 'not a uri' }, 'resource must be an absolute http(s) URI such as https://lcsapi.lcs.dynamics.com, or an application id GUID.'],
      ['a bad tenant', { tenant: 'a/b' }, "tenant must be a tenant GUID, a domain such as contoso.onmicrosoft.com, or common/organizations; it may not contain '/', '?', '#', spaces or other URL characters."],
    ];
    for (const [name, extra, message] of cases) {
      it(`rejects ${name}`, async () => {
        const m = aad();
        await rejects(refreshTokenGrant(options(m, extra)), { class: InputError, code: 'ERR_INVALID_INPUT', message });
        assert.equal(m.requests.length, 0);
      });
    }
  });
});
