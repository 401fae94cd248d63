// Every outcome of the browser sign-in against the emulator over real loopback HTTP, with the
// emulator completing the authorize pages (no Chromium): success, access_denied, a wrong state,
// a wrong PKCE verifier, timeout, abort, and the listener closed after each.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BrowserSignInError,
  OAuthError,
  authorizationCodeGrant,
  createAuthorizationRequest,
  decodeClaims,
  signInWithBrowser,
  startEmulator,
  type EmulatorHandle,
} from '../../lib/index.js';

const LCS = 'https://lcsapi.lcs.dynamics.com';
const CLIENT = '3c4d5e6f-7081-4a92-a3b4-c5d6e7f8091a';
const ALICE = { username: 'alice@contoso.onmicrosoft.com', password: 'Alice-Passw0rd!' };

describe('browser sign-in outcomes against the emulator (loopback, no browser)', () => {
  let emu: EmulatorHandle;
  const tokenRequests = () => emu.requests.filter((r) => r.form['grant_type'] === 'authorization_code').length;

  before(async () => {
    emu = await startEmulator({ users: [ALICE], clients: [{ clientId: CLIENT, allowPublicClientFlows: true }] });
  });
  after(async () => {
    await emu.stop();
  });

  const base = { clientId: CLIENT, resource: LCS };
  const options = (extra: Partial<Parameters<typeof signInWithBrowser>[0]>) => ({ ...base, authorityHost: emu.url, ...extra });
  /** The listener is gone: nothing answers at the redirect URI's port any more. */
  const assertClosed = (redirectUri: string) => assert.rejects(fetch(`http://127.0.0.1:${new URL(redirectUri).port}/`));

  it('success: the emulator redirects to the listener, the code is redeemed, the listener closes', async () => {
    let redirect = '';
    const token = await signInWithBrowser(
      options({
        openBrowser: async (url) => {
          redirect = await emu.completeAuthorization(url, { username: ALICE.username, password: ALICE.password });
          assert.equal((await fetch(redirect)).status, 200);
          return true;
        },
      }),
    );
    assert.equal(decodeClaims(token.accessToken).upn, ALICE.username);
    await assertClosed(redirect);
  });

  it('access_denied: the person declines; an OAuthError with its AADSTS code and remedy, no code redeemed', async () => {
    const before = tokenRequests();
    let redirect = '';
    const error = await signInWithBrowser(
      options({
        openBrowser: async (url) => {
          redirect = await emu.completeAuthorization(url, { decline: true });
          await fetch(redirect);
          return true;
        },
      }),
    ).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof OAuthError);
    assert.equal(error.error, 'access_denied');
    assert.match(error.aadsts ?? '', /^AADSTS\d+$/);
    assert.ok(error.remedy);
    assert.equal(tokenRequests(), before);
    await assertClosed(redirect);
  });

  it('a wrong state is answered 400 and its code never redeemed; the right one then completes the sign-in', async () => {
    const before = tokenRequests();
    const token = await signInWithBrowser(
      options({
        openBrowser: async (url) => {
          const redirect = new URL(await emu.completeAuthorization(url));
          const forged = new URL(redirect);
          forged.searchParams.set('state', 'forged-state');
          assert.equal((await fetch(forged)).status, 400);
          assert.equal(tokenRequests(), before, 'nothing redeemed for the wrong state');
          assert.equal((await fetch(redirect)).status, 200);
          return true;
        },
      }),
    );
    assert.equal(tokenRequests(), before + 1);
    assert.ok(token.refreshToken);
  });

  it('a wrong PKCE verifier: the emulator refuses the code (invalid_grant AADSTS501481)', async () => {
    const request = createAuthorizationRequest({ ...base, authorityHost: emu.url, redirectUri: 'http://localhost:8400' });
    const code = new URL(await emu.completeAuthorization(request.url)).searchParams.get('code')!;
    const error = await authorizationCodeGrant({
      ...base,
      authorityHost: emu.url,
      code,
      redirectUri: request.redirectUri,
      codeVerifier: 'x'.repeat(43),
    }).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof OAuthError);
    assert.equal(error.error, 'invalid_grant');
    assert.equal(error.aadsts, 'AADSTS501481');
  });

  it('timeout: nobody signs in; ERR_BROWSER_TIMEOUT on time and the listener closed', async () => {
    let redirectUri = '';
    const started = Date.now();
    await assert.rejects(
      signInWithBrowser(options({ timeoutSeconds: 0.5, openBrowser: (url) => void (redirectUri = new URL(url).searchParams.get('redirect_uri')!) })),
      (e: unknown) => e instanceof BrowserSignInError && e.code === 'ERR_BROWSER_TIMEOUT',
    );
    assert.ok(Date.now() - started < 2000, 'ended at the timeout');
    await assertClosed(redirectUri);
  });

  it('abort: the caller\'s signal ends the wait at once (ERR_BROWSER_CANCELLED) and the listener closes', async () => {
    let redirectUri = '';
    const controller = new AbortController();
    const started = Date.now();
    await assert.rejects(
      signInWithBrowser(
        options({
          signal: controller.signal,
          openBrowser: (url) => {
            redirectUri = new URL(url).searchParams.get('redirect_uri')!;
            setTimeout(() => controller.abort(), 100);
          },
        }),
      ),
      (e: unknown) => e instanceof BrowserSignInError && e.code === 'ERR_BROWSER_CANCELLED',
    );
    assert.ok(Date.now() - started < 2000, 'ended at the abort, not the 300 s default');
    await assertClosed(redirectUri);
  });
});
