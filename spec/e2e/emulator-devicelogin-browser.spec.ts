// The /devicelogin page driven in real headless Chromium (playwright-core): approve and decline, with a raw
// token poll and with the library's pollDeviceCode() waiting meanwhile.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { decodeJwt } from 'jose';
import { startEmulator, type EmulatorHandle } from '../../lib/emulator/index.js';
import { body, postForm } from '../support/emulator-http.js';
import { decodeClaims, pollDeviceCode, requestDeviceCode } from '../../lib/index.js';

const CHROMIUM = '/usr/bin/chromium';
const RESOURCE = 'https://lcsapi.lcs.dynamics.com';
const CLIENT = '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d';
const ALICE = { username: 'alice@contoso.onmicrosoft.com', password: 'first-user-Pw1!' };
const BOB = { username: 'bob.builder@contoso.onmicrosoft.com', password: 'Bob <&> "pw" 2' };

// .ci/run installs Debian's chromium; a machine without it fails here rather than skipping the check.
describe('/devicelogin in headless Chromium', () => {
  let emu: EmulatorHandle;
  let browser: Browser;

  before(async () => {
    emu = await startEmulator({
      users: [ALICE, BOB, { username: 'locked@contoso.onmicrosoft.com', password: 'x', locked: true }],
      clients: [{ clientId: CLIENT, allowPublicClientFlows: true }],
      deviceCodeIntervalSeconds: 1,
      deviceCodeLifetimeSeconds: 60,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    await emu?.stop();
  });

  async function startFlow() {
    const d = body(await postForm(`${emu.url}/common/oauth2/devicecode?api-version=1.0`, { client_id: CLIENT, resource: RESOURCE }));
    return { userCode: String(d.user_code), deviceCode: String(d.device_code), verificationUrl: String(d.verification_url) };
  }

  const poll = (deviceCode: string) =>
    postForm(`${emu.url}/common/oauth2/token`, { grant_type: 'device_code', client_id: CLIENT, resource: RESOURCE, code: deviceCode });

  /** Code → sign-in → consent page. */
  async function signIn(page: Page, verificationUrl: string, userCode: string, user: { username: string; password: string }) {
    await page.goto(verificationUrl);
    await page.fill('#user-code', userCode.toLowerCase()); // people type codes in any case
    await page.click('#next');
    await page.waitForSelector('#signin-form');
    await page.fill('#username', user.username);
    await page.fill('#password', user.password);
    await page.click('#sign-in');
  }

  it('a person enters the code, signs in as a configured user and approves; the poll gets that user\'s token', async () => {
    const flow = await startFlow();
    assert.equal(body(await poll(flow.deviceCode)).error, 'authorization_pending');
    const page = await browser.newPage();
    try {
      await signIn(page, flow.verificationUrl, flow.userCode, BOB);
      await page.waitForSelector('#consent-form');
      assert.equal(await page.textContent('#signed-in-user'), BOB.username);
      await page.click('#approve');
      await page.waitForSelector('body[data-outcome="approved"]');
      assert.match((await page.textContent('#result-message')) ?? '', /You have signed in/);
    } finally {
      await page.close();
    }
    const r = await poll(flow.deviceCode);
    assert.equal(r.status, 200);
    const claims = decodeJwt(String(body(r).access_token));
    assert.equal(claims.upn, BOB.username);
    assert.equal(claims.aud, RESOURCE);
  });

  it('the library\'s pollDeviceCode() waits while a person approves in the browser, and resolves with that person\'s token', async () => {
    const code = await requestDeviceCode({ authorityHost: emu.url, clientId: CLIENT, resource: RESOURCE });
    const polling = pollDeviceCode(code, { authorityHost: emu.url, timeoutSeconds: 30 });
    const page = await browser.newPage();
    try {
      await signIn(page, code.verificationUrl, code.userCode, ALICE);
      await page.waitForSelector('#consent-form');
      await page.click('#approve');
      await page.waitForSelector('body[data-outcome="approved"]');
    } finally {
      await page.close();
    }
    const token = await polling;
    assert.equal(decodeClaims(token).upn, ALICE.username);
    assert.equal(token.resource, RESOURCE);
  });

  it('a person declines; the poll gets authorization_declined', async () => {
    const flow = await startFlow();
    const page = await browser.newPage();
    try {
      await signIn(page, flow.verificationUrl, flow.userCode, ALICE);
      await page.waitForSelector('#consent-form');
      await page.click('#decline');
      await page.waitForSelector('body[data-outcome="declined"]');
      assert.match((await page.textContent('#result-message')) ?? '', /declined/);
    } finally {
      await page.close();
    }
    const r = await poll(flow.deviceCode);
    assert.equal(r.status, 400);
    assert.equal(body(r).error, 'authorization_declined');
  });

  it('shows errors for a wrong code, a wrong password and a locked account, and approves nothing', async () => {
    const flow = await startFlow();
    const page = await browser.newPage();
    try {
      await page.goto(flow.verificationUrl);
      await page.fill('#user-code', 'ZZZZ9999');
      await page.click('#next');
      assert.match((await page.textContent('#error')) ?? '', /not valid/);
      await signIn(page, flow.verificationUrl, flow.userCode, { username: ALICE.username, password: 'wrong' });
      assert.match((await page.textContent('#error')) ?? '', /account or password is incorrect/);
      await page.fill('#username', 'locked@contoso.onmicrosoft.com');
      await page.fill('#password', 'x');
      await page.click('#sign-in');
      assert.match((await page.textContent('#error')) ?? '', /locked/);
    } finally {
      await page.close();
    }
    assert.equal(body(await poll(flow.deviceCode)).error, 'authorization_pending');
    const logged = JSON.stringify(emu.requests);
    assert.ok(!logged.includes(BOB.password) && !logged.includes(ALICE.password), 'page passwords are redacted in the log');
  });
});
