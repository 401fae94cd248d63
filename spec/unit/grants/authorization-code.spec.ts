// The authorization code flow with PKCE: the authorize URL, the redemption form, and the loopback
// listener of signInWithBrowser (a fake browser follows the URL; the token endpoint is msw).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { http } from 'msw';
import {
  BrowserSignInError,
  InputError,
  OAuthError,
  authorizationCodeGrant,
  createAuthorizationRequest,
  signInWithBrowser,
  type SignInWithBrowserOptions,
} from '../../../lib/index.js';
import { mockTransport } from '../../support/msw.js';
import { CLIENT_ID, HOST, RESOURCE, TENANT, ests, rejects, tokenBody } from '../../support/aad.js';

const CODE = '0.AXoAcode-from-the-redirect-4711';

describe('createAuthorizationRequest()', () => {
  it('builds the v1 authorize URL with resource, state and an S256 challenge of a fresh 43-character verifier', () => {
    const request = createAuthorizationRequest({ clientId: CLIENT_ID, resource: RESOURCE, redirectUri: 'http://localhost:8400', tenant: TENANT, prompt: 'select_account', loginHint: 'svc@contoso.com', domainHint: 'contoso.com' });
    const url = new URL(request.url);
    assert.equal(`${url.origin}${url.pathname}`, `${HOST}/${TENANT}/oauth2/authorize`);
    assert.deepEqual([...url.searchParams.keys()], ['response_type', 'client_id', 'redirect_uri', 'resource', 'state', 'code_challenge', 'code_challenge_method', 'prompt', 'login_hint', 'domain_hint']);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('redirect_uri'), 'http://localhost:8400');
    assert.equal(url.searchParams.get('resource'), RESOURCE);
    assert.equal(url.searchParams.get('state'), request.state);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(request.codeVerifier, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(url.searchParams.get('code_challenge'), createHash('sha256').update(request.codeVerifier).digest('base64url'));
    assert.equal(request.authorityHost, HOST);
    assert.equal(request.tenant, TENANT);
    const again = createAuthorizationRequest({ clientId: CLIENT_ID, resource: RESOURCE, redirectUri: 'http://localhost:8400' });
    assert.notEqual(again.state, request.state);
    assert.notEqual(again.codeVerifier, request.codeVerifier);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['a redirect URI over plain http elsewhere than loopback', { redirectUri: 'http://app.example.com/cb' }, 'redirectUri must be an absolute https URI, or http on a loopback address such as http://localhost:8400.'],
    ['a redirect URI with a fragment', { redirectUri: 'http://localhost:8400/#x' }, 'redirectUri must not contain a fragment, credentials or spaces.'],
    ['an unknown prompt', { prompt: 'always' }, 'prompt must be one of login, select_account, consent, none.'],
    ['a login hint with spaces', { loginHint: 'a b' }, 'loginHint must be a short value without spaces, e.g. an account name or a domain.'],
  ];
  for (const [what, change, message] of bad) {
    it(`refuses ${what}`, () => {
      assert.throws(() => createAuthorizationRequest({ clientId: CLIENT_ID, resource: RESOURCE, redirectUri: 'http://localhost:8400', ...change } as never), (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.equal(error.message, message);
        return true;
      });
    });
  }
});

describe('authorizationCodeGrant()', () => {
  it('posts the code, the same redirect URI and the verifier, without scope, and never a secret for a public client', async () => {
    const m = mockTransport(http.post('*/:tenant/oauth2/token', () => ests(tokenBody())));
    const verifier = 'v'.repeat(43);
    const token = await authorizationCodeGrant({ clientId: CLIENT_ID, code: CODE, redirectUri: 'http://localhost:8400', codeVerifier: verifier, resource: RESOURCE, tenant: TENANT, fetch: m.fetch });
    assert.deepEqual([...m.requests[0]!.form], [
      ['grant_type', 'authorization_code'],
      ['client_id', CLIENT_ID],
      ['code', CODE],
      ['redirect_uri', 'http://localhost:8400'],
      ['resource', RESOURCE],
      ['code_verifier', verifier],
    ]);
    assert.equal(m.requests[0]!.url.pathname, `/${TENANT}/oauth2/token`);
    assert.equal(token.resource, RESOURCE);
  });

  it('a confidential client adds its secret through the client-authentication seam', async () => {
    const m = mockTransport(http.post('*/:tenant/oauth2/token', () => ests(tokenBody())));
    await authorizationCodeGrant({ clientId: CLIENT_ID, code: CODE, redirectUri: 'http://localhost:8400', codeVerifier: 'v'.repeat(43), resource: RESOURCE, clientSecret: 's3cr3t-value', fetch: m.fetch });
    assert.equal(m.requests[0]!.form.get('client_secret'), 's3cr3t-value');
  });

  it('refuses a verifier that is not 43-128 unreserved characters before sending', async () => {
    const m = mockTransport(http.post('*/:tenant/oauth2/token', () => ests(tokenBody())));
    await rejects(authorizationCodeGrant({ clientId: CLIENT_ID, code: CODE, redirectUri: 'http://localhost:8400', codeVerifier: 'short', resource: RESOURCE, fetch: m.fetch }), {
      class: InputError,
      code: 'ERR_INVALID_INPUT',
      message: 'codeVerifier must be 43 to 128 characters of A-Z, a-z, 0-9 and -._~ (RFC 7636).',
    });
    assert.equal(m.requests.length, 0);
  });
});

/** A fake browser: given the authorize URL, asks `answer` where the "authority" sends it back, and goes there. */
function browser(answer: (authorize: URL) => Record<string, string> | undefined, seen: { status?: number; body?: string; extra?: number } = {}) {
  return async (url: string) => {
    const authorize = new URL(url);
    const redirect = new URL(authorize.searchParams.get('redirect_uri')!);
    const params = answer(authorize);
    if (params === undefined) return true;
    // a request that is not the redirect first: it is refused and ignored
    const stray = await fetch(`http://127.0.0.1:${redirect.port}/favicon.ico`);
    seen.extra = stray.status;
    const res = await fetch(`http://127.0.0.1:${redirect.port}/?${new URLSearchParams(params)}`);
    seen.status = res.status;
    seen.body = await res.text();
    return true;
  };
}

describe('signInWithBrowser()', () => {
  const base = (m: ReturnType<typeof mockTransport>, extra: Partial<SignInWithBrowserOptions> = {}): SignInWithBrowserOptions => ({
    clientId: CLIENT_ID,
    resource: RESOURCE,
    tenant: TENANT,
    fetch: m.fetch,
    ...extra,
  });

  it('listens on loopback, accepts the redirect with the right state, answers a short page, redeems the code with its verifier', async () => {
    const m = mockTransport(http.post('*/:tenant/oauth2/token', () => ests(tokenBody())));
    const seen: { status?: number; body?: string; extra?: number } = {};
    let challenge = '';
    let redirectUri = '';
    const urls: string[] = [];
    const token = await signInWithBrowser(
      base(m, {
        onUrl: (url) => urls.push(url),
        openBrowser: browser((authorize) => {
          challenge = authorize.searchParams.get('code_challenge')!;
          redirectUri = authorize.searchParams.get('redirect_uri')!;
          return { code: CODE, state: authorize.searchParams.get('state')!, session_state: 'x' };
        }, seen),
      }),
    );
    assert.equal(token.resource, RESOURCE);
    assert.equal(urls.length, 1);
    assert.match(redirectUri, /^http:\/\/localhost:\d+$/);
    assert.equal(seen.extra, 400);
    assert.equal(seen.status, 200);
    assert.match(seen.body!, /Signed in/);
    assert.ok(!seen.body!.includes(CODE));
    const form = m.requests[0]!.form;
    assert.equal(form.get('code'), CODE);
    assert.equal(form.get('redirect_uri'), redirectUri);
    assert.equal(createHash('sha256').update(form.get('code_verifier')!).digest('base64url'), challenge);
    // the listener is closed afterwards
    await assert.rejects(fetch(`http://127.0.0.1:${new URL(redirectUri).port}/`));
  });

  it('a redirect with the wrong state is answered 400 and ignored; the wait then ends at the timeout', async () => {
    const m = mockTransport(http.post('*/:tenant/oauth2/token', () => ests(tokenBody())));
    const seen: { status?: number; body?: string } = {};
    await rejects(
      signInWithBrowser(base(m, { timeoutSeconds: 1, openBrowser: browser(() => ({ code: CODE, state: 'not-the-state' }), seen) })),
      { class: BrowserSignInError, code: 'ERR_BROWSER_TIMEOUT', message: 'Nobody finished the browser sign-in within 1 s (timeoutSeconds).' },
    );
    assert.equal(seen.status, 400);
    assert.equal(m.requests.length, 0, 'the code of a wrong-state request is never redeemed');
  });

  it('an error in the redirect (the person cancelled) is an OAuthError with its AADSTS code and a remedy', async () => {
    const m = mockTransport(http.post('*/:tenant/oauth2/token', () => ests(tokenBody())));
    const seen: { status?: number; body?: string } = {};
    const error = await rejects<OAuthError>(
      signInWithBrowser(
        base(m, {
          openBrowser: browser(
            (authorize) => ({ error: 'access_denied', error_description: 'AADSTS65004: User declined to consent to access the app.\r\nTrace ID: x', state: authorize.searchParams.get('state')! }),
            seen,
          ),
        }),
      ),
      { class: OAuthError, code: 'ERR_OAUTH', message: 'access_denied (AADSTS65004): User declined to consent to access the app.' },
    );
    assert.equal(error.aadsts, 'AADSTS65004');
    assert.equal(error.remedy, 'The user declined or cancelled: sign in again and accept, or get admin consent.');
    assert.match(seen.body!, /Sign-in did not finish/);
    assert.equal(m.requests.length, 0);
  });

  it('the caller\'s signal ends the wait (ERR_BROWSER_CANCELLED) and closes the listener', async () => {
    const m = mockTransport(http.post('*/:tenant/oauth2/token', () => ests(tokenBody())));
    let port = '';
    const controller = new AbortController();
    const pending = signInWithBrowser(
      base(m, {
        signal: controller.signal,
        openBrowser: browser((authorize) => {
          port = new URL(authorize.searchParams.get('redirect_uri')!).port;
          setTimeout(() => controller.abort(), 50);
          return undefined;
        }),
      }),
    );
    await rejects(pending, { class: BrowserSignInError, code: 'ERR_BROWSER_CANCELLED', message: 'Browser sign-in was cancelled.' });
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`));
  });

  it('a port that is taken is ERR_LOOPBACK_LISTENER; no browser, no URL given: ERR_NO_BROWSER', async () => {
    const m = mockTransport(http.post('*/:tenant/oauth2/token', () => ests(tokenBody())));
    let port = 0;
    const holder = signInWithBrowser(
      base(m, {
        openBrowser: (url) => {
          port = Number(new URL(new URL(url).searchParams.get('redirect_uri')!).port);
          return true;
        },
        timeoutSeconds: 2,
      }),
    ).catch(() => undefined);
    while (port === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await rejects(signInWithBrowser(base(m, { port, openBrowser: () => true })), { class: BrowserSignInError, code: 'ERR_LOOPBACK_LISTENER' });
    await rejects(signInWithBrowser(base(m, { openBrowser: () => false })), { class: BrowserSignInError, code: 'ERR_NO_BROWSER' });
    await holder;
  });
});
