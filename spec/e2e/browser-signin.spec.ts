// The library's browser sign-in end to end in real headless Chromium (playwright-core): signInWithBrowser
// and getLcsApiTokenInteractive open the emulator's authorize page in Chromium, a person signs in
// (an MFA user approves the extra step, another cancels), the browser comes back to the library's
// loopback listener, and the code is redeemed with its PKCE verifier.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser } from 'playwright-core';
import {
  OAuthError,
  decodeClaims,
  getLcsApiTokenInteractive,
  signInWithBrowser,
  startEmulator,
  type EmulatorHandle,
} from '../../lib/index.js';

const CHROMIUM = '/usr/bin/chromium';
const LCS = 'https://lcsapi.lcs.dynamics.com';
const CLIENT = '2b3c4d5e-6f70-4a81-92a3-b4c5d6e7f809';
const ALICE = { username: 'alice@contoso.onmicrosoft.com', password: 'Alice <&> "pw" 1' };
const MFA = { username: 'mfa@contoso.onmicrosoft.com', password: 'Mfa-Passw0rd!', mfaRequired: true };

type Person = { username: string; password: string; cancel?: boolean; approveMfa?: boolean };

describe('browser sign-in (authorization code + PKCE) in headless Chromium', () => {
  let emu: EmulatorHandle;
  let browser: Browser;
  const pages: string[] = [];

  before(async () => {
    emu = await startEmulator({ users: [ALICE, MFA], clients: [{ clientId: CLIENT, allowPublicClientFlows: true }] });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    await emu?.stop();
  });

  /** An openBrowser that is a person at Chromium: signs in (or cancels) and waits for the page the app answers. */
  function person(who: Person): (url: string) => Promise<boolean> {
    return async (url) => {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForSelector('#signin-form');
      if (who.cancel) {
        await page.click('#cancel');
      } else {
        await page.fill('#username', who.username);
        await page.fill('#password', who.password);
        await page.click('#sign-in');
        if (who.approveMfa) {
          await page.waitForSelector('#mfa-form');
          await page.click('#mfa-approve');
        }
      }
      // the library's loopback listener answers the redirect with a short page
      await page.waitForSelector('h1');
      pages.push(`${await page.title()} | ${await page.textContent('body')}`);
      await page.close();
      return true;
    };
  }

  it('a person signs in; the redirect reaches the loopback listener and the code is redeemed', async () => {
    const token = await signInWithBrowser({ authorityHost: emu.url, clientId: CLIENT, resource: LCS, openBrowser: person(ALICE), timeoutSeconds: 30 });
    assert.equal(decodeClaims(token).upn, ALICE.username);
    assert.equal(token.resource, LCS);
    assert.ok(token.refreshToken);
    assert.match(pages.at(-1)!, /Signed in/);
    const redemption = emu.requests.filter((r) => r.form['grant_type'] === 'authorization_code').at(-1)!;
    assert.match(redemption.form['redirect_uri']!, /^http:\/\/localhost:\d+$/);
    assert.equal(redemption.form['code_verifier'], '[redacted]');
  });

  it('an MFA user, refused by the password grant, signs in with the browser after approving the extra step', async () => {
    const token = await getLcsApiTokenInteractive({ authorityHost: emu.url, clientId: CLIENT, method: 'browser', openBrowser: person({ ...MFA, approveMfa: true }), timeoutSeconds: 30 });
    assert.equal(decodeClaims(token).upn, MFA.username);
    assert.deepEqual(decodeClaims(token).amr, ['pwd', 'mfa']);
  });

  it('a person who cancels: access_denied as an OAuthError with its remedy, and the page says so', async () => {
    await assert.rejects(signInWithBrowser({ authorityHost: emu.url, clientId: CLIENT, resource: LCS, openBrowser: person({ ...ALICE, cancel: true }), timeoutSeconds: 30 }), (error: unknown) => {
      assert.ok(error instanceof OAuthError, String(error));
      assert.equal(error.error, 'access_denied');
      assert.equal(error.aadsts, 'AADSTS65004');
      assert.ok(error.remedy);
      return true;
    });
    assert.match(pages.at(-1)!, /Sign-in did not finish/);
  });
});
