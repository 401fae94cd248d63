// The browser sign-in in real headless Chromium (playwright-core): the emulator's authorize pages, with a tiny
// loopback HTTP listener standing in for the application's redirect endpoint. Independent of the library.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { decodeJwt } from 'jose';
import { startEmulator, type EmulatorHandle } from '../../lib/emulator/index.js';
import { authorizeUrl, pkce } from '../support/emulator-authorize.js';
import { body, postForm } from '../support/emulator-http.js';

const CHROMIUM = '/usr/bin/chromium';
const RESOURCE = 'https://lcsapi.lcs.dynamics.com';
const CLIENT = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';
const ALICE = { username: 'alice@contoso.onmicrosoft.com', password: 'Alice <&> "pw" 1' };
const MFA = { username: 'mfa@contoso.onmicrosoft.com', password: 'Mfa-Passw0rd!', mfaRequired: true };

interface Received {
  method: string;
  /** Query fields (GET) or form fields (form_post). */
  fields: Record<string, string>;
}

/** The application's redirect endpoint: records each /callback request and answers a short page. */
async function startListener(): Promise<{ server: Server; redirectUri: string; next(): Promise<Received> }> {
  const received: Received[] = [];
  const waiters: Array<(r: Received) => void> = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      res.writeHead(404).end(); // e.g. the browser's /favicon.ico
      return;
    }
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => {
      const fields = Object.fromEntries(req.method === 'POST' ? new URLSearchParams(text) : url.searchParams);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Done</title><p id="done">Signed in; you can close this tab.</p>');
      const r = { method: req.method ?? 'GET', fields };
      const waiter = waiters.shift();
      if (waiter) waiter(r);
      else received.push(r);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    redirectUri: `http://127.0.0.1:${port}/callback`,
    next: () => {
      const r = received.shift();
      if (r) return Promise.resolve(r);
      return new Promise<Received>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the redirect endpoint received nothing within 10 s')), 10_000);
        waiters.push((x) => { clearTimeout(timer); resolve(x); });
      });
    },
  };
}

describe('authorize pages in headless Chromium, redirecting to a loopback listener', () => {
  let emu: EmulatorHandle;
  let browser: Browser;
  let app: Awaited<ReturnType<typeof startListener>>;

  before(async () => {
    emu = await startEmulator({ users: [ALICE, MFA], clients: [{ clientId: CLIENT }] });
    app = await startListener();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    app?.server.close();
    await emu?.stop();
  });

  function begin(over: Record<string, string> = {}) {
    const { verifier, challenge } = pkce();
    const state = `state-${Math.random().toString(36).slice(2)}`;
    const url = authorizeUrl(emu.url, emu.tenantDomain, {
      response_type: 'code', client_id: CLIENT, redirect_uri: app.redirectUri, resource: RESOURCE, state,
      code_challenge: challenge, code_challenge_method: 'S256', ...over,
    });
    return { url, state, verifier };
  }

  const redeem = (code: string, verifier: string) =>
    postForm(`${emu.url}/${emu.tenantDomain}/oauth2/token`, { grant_type: 'authorization_code', client_id: CLIENT, code, redirect_uri: app.redirectUri, code_verifier: verifier, resource: RESOURCE });

  async function signIn(page: Page, url: string, user: { username: string; password: string }): Promise<void> {
    await page.goto(url);
    await page.waitForSelector('#signin-form');
    await page.fill('#username', user.username);
    await page.fill('#password', user.password);
    await page.click('#sign-in');
  }

  async function withPage(fn: (page: Page) => Promise<void>): Promise<void> {
    const page = await browser.newPage();
    try {
      await fn(page);
    } finally {
      await page.close();
    }
  }

  it('a user signs in; the listener receives code and state; the code and verifier redeem for that user\'s token', async () => {
    const flow = begin();
    await withPage(async (page) => {
      await signIn(page, flow.url, ALICE);
      const got = await app.next();
      assert.equal(got.method, 'GET');
      assert.equal(got.fields.state, flow.state);
      assert.match(got.fields.session_state ?? '', /^[0-9a-f-]{36}$/);
      await page.waitForSelector('#done');
      const r = await redeem(got.fields.code!, flow.verifier);
      assert.equal(r.status, 200, r.text);
      const claims = decodeJwt(String(body(r).access_token));
      assert.equal(claims.upn, ALICE.username);
      assert.equal(claims.aud, RESOURCE);
    });
  });

  it('an MFA user passes the approval step; the token says amr pwd+mfa', async () => {
    const flow = begin({ login_hint: MFA.username });
    await withPage(async (page) => {
      await page.goto(flow.url);
      assert.equal(await page.inputValue('#username'), MFA.username, 'login_hint prefills the username');
      await page.fill('#password', MFA.password);
      await page.click('#sign-in');
      await page.waitForSelector('#mfa-form');
      assert.equal(await page.textContent('#title'), 'Approve sign-in request');
      assert.equal(await page.textContent('#signed-in-user'), MFA.username);
      await page.click('#mfa-approve');
      const got = await app.next();
      assert.equal(got.fields.state, flow.state);
      const r = await redeem(got.fields.code!, flow.verifier);
      assert.deepEqual(decodeJwt(String(body(r).access_token)).amr, ['pwd', 'mfa']);
    });
  });

  it('Cancel sends error=access_denied with the state, and no code', async () => {
    const flow = begin();
    await withPage(async (page) => {
      await page.goto(flow.url);
      await page.click('#cancel');
      const got = await app.next();
      assert.equal(got.fields.error, 'access_denied');
      assert.match(got.fields.error_description ?? '', /^AADSTS65004: /);
      assert.equal(got.fields.state, flow.state);
      assert.equal(got.fields.code, undefined);
    });
  });

  it('a wrong password shows the error on the page; the second try goes through', async () => {
    const flow = begin();
    await withPage(async (page) => {
      await signIn(page, flow.url, { username: ALICE.username, password: 'not-it' });
      await page.waitForSelector('#error');
      assert.equal(await page.textContent('#error'), 'Your account or password is incorrect. (AADSTS50126)');
      assert.equal(await page.inputValue('#username'), ALICE.username);
      await page.fill('#password', ALICE.password);
      await page.click('#sign-in');
      const got = await app.next();
      assert.ok(got.fields.code);
    });
  });

  it('response_mode=form_post: the page posts code and state to the listener by itself', async () => {
    const flow = begin({ response_mode: 'form_post' });
    await withPage(async (page) => {
      await signIn(page, flow.url, ALICE);
      const got = await app.next();
      assert.equal(got.method, 'POST');
      assert.equal(got.fields.state, flow.state);
      assert.equal((await redeem(got.fields.code!, flow.verifier)).status, 200);
    });
  });
});
