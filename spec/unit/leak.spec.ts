// Runs every failure path with real-looking secrets, some of them echoed back by the "server",
// and checks that no secret (raw, percent-encoded or JSON-escaped) reaches an error's message,
// stack, cause chain, util.inspect output, or the verbose log lines.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { http, HttpResponse, delay } from 'msw';
import {
  D365AuthError,
  clearUserRealmCache,
  clientCredentialsGrant,
  passwordGrant,
  pollDeviceCode,
  refreshTokenGrant,
  requestDeviceCode,
} from '../../lib/index.js';
import type { DeviceCode, FetchLike } from '../../lib/index.js';
import { encodeFormValue } from '../../lib/aad/exchange.js';
import { mockTransport } from '../support/msw.js';
import { fakeClock } from '../support/clock.js';
import { CLIENT_ID, FEDERATED_REALM, MANAGED_REALM, RESOURCE, TENANT_ID, errorBody, ests, fakeAccessToken, tokenBody } from '../support/aad.js';

const PASSWORD = 'Hunter2!Secret#2026';
const TRICKY_PASSWORD = 'p&ss=w+rd%20ü"'; // JSON-escaped and percent-encoded differently
const SPACED_PASSWORD = 'Correct Horse*Battery(9)'; // each form encoder writes it differently
const CLIENT_SECRET = 'Zx8Q~abcdEFGHijklMNOPqrstuVWXyz0123456789';
const REFRESH_TOKEN = '0.AXoA-long-opaque-refresh-token-value-123456';
const ACCESS_TOKEN = fakeAccessToken({ oid: '0b9f7c1e-5d2a-4e8b-9c3f-1a2b3c4d5e6f', name: 'LCS Service Account' });
const DEVICE_CODE = 'DAQABAAEAAAD--DLA3VO7QrddgJg7WevrLeakTestDeviceCode0123456789';
const SHORT_PASSWORD = 'p<1'; // under four characters, with an HTML-special one
const SECRETS = [PASSWORD, TRICKY_PASSWORD, SPACED_PASSWORD, CLIENT_SECRET, REFRESH_TOKEN, ACCESS_TOKEN, DEVICE_CODE, SHORT_PASSWORD];

const htmlEscaped = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const lowerPercent = (text: string) => encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());

/** Every way a secret may be written: raw, percent-encoded three ways, JSON-escaped. */
function forms(secret: string): string[] {
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ v: secret }).toString().slice(2),
      encodeFormValue(secret),
      JSON.stringify(secret).slice(1, -1),
      lowerPercent(secret),
      htmlEscaped(secret),
    ]),
  ];
}

/** Everything an error shows: message, stack and inspect output, down its cause chain. */
function texts(error: unknown, depth = 0): string[] {
  if (depth > 5 || error === undefined || error === null) return [];
  if (typeof error !== 'object') return [String(error)];
  const e = error as { message?: unknown; stack?: unknown; cause?: unknown };
  return [String(e.message), String(e.stack), inspect(error, { depth: 10 }), JSON.stringify(error) ?? '', ...texts(e.cause, depth + 1)];
}

function assertClean(what: string, items: string[]): void {
  const all = items.join('\n');
  for (const secret of SECRETS) {
    for (const form of forms(secret)) assert.ok(!all.includes(form), `${what} contains ${JSON.stringify(form)}:\n${all}`);
  }
}

/** Echoes secrets the way a misbehaving server or proxy might: raw and form-encoded. */
function echo(...secrets: string[]): string {
  return secrets
    .map((s) => `value '${s}' (encoded ${encodeFormValue(s)}, ${new URLSearchParams({ v: s }).toString().slice(2)}, as .NET writes it ${lowerPercent(s)}, in a page ${htmlEscaped(s)})`)
    .join('; ');
}

interface Context {
  lines: string[];
  log: (line: string) => void;
  clock: ReturnType<typeof fakeClock>;
}

type Scenario = [name: string, run: (ctx: Context) => Promise<unknown>];

const realm = (body: unknown = MANAGED_REALM) => http.get('*/common/UserRealm/:upn', () => ests(body));
const token = (answer: () => Response | Promise<Response>) => http.post('*/:tenant/oauth2/token', answer);

function password(ctx: Context, answer: () => Response | Promise<Response>, extra: Record<string, unknown> = {}, secret = PASSWORD) {
  const m = mockTransport(realm(), token(answer));
  return passwordGrant({ clientId: CLIENT_ID, username: 'svc-lcs@contoso.com', password: secret, resource: RESOURCE, fetch: m.fetch, clock: ctx.clock, log: ctx.log, ...extra });
}

function withFetch(ctx: Context, fetch: FetchLike, secret = PASSWORD) {
  return passwordGrant({ clientId: CLIENT_ID, username: 'svc-lcs@contoso.com', password: secret, resource: RESOURCE, fetch, clock: ctx.clock, log: ctx.log, skipUserRealmDiscovery: true });
}

function refresh(ctx: Context, answer: () => Response | Promise<Response>) {
  const m = mockTransport(token(answer));
  return refreshTokenGrant({ clientId: CLIENT_ID, refreshToken: REFRESH_TOKEN, clientSecret: CLIENT_SECRET, resource: RESOURCE, fetch: m.fetch, clock: ctx.clock, log: ctx.log });
}

function credentials(ctx: Context, answer: () => Response | Promise<Response>, extra: Record<string, unknown> = {}) {
  const m = mockTransport(token(answer));
  return clientCredentialsGrant({ tenant: TENANT_ID, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, resource: RESOURCE, fetch: m.fetch, clock: ctx.clock, log: ctx.log, ...extra });
}

function deviceCode(ctx: Context): DeviceCode {
  return Object.assign(Object.create(null) as DeviceCode, {
    userCode: 'FKCJ7WQ3B',
    deviceCode: DEVICE_CODE,
    verificationUrl: 'https://microsoft.com/devicelogin',
    message: 'To sign in, open https://microsoft.com/devicelogin and enter the code FKCJ7WQ3B.',
    interval: 5,
    expiresIn: 900,
    expiresAt: ctx.clock.now() + 900_000,
    clientId: CLIENT_ID,
    resource: RESOURCE,
  });
}

function poll(ctx: Context, answer: () => Response | Promise<Response>, extra: Record<string, unknown> = {}) {
  const m = mockTransport(token(answer));
  return pollDeviceCode(deviceCode(ctx), { fetch: m.fetch, clock: ctx.clock, log: ctx.log, timeoutSeconds: 30, ...extra });
}

const html = (status: number, text: string) => () => new HttpResponse(`<html><body><h1>Error</h1><pre>${text}</pre></body></html>`, { status, headers: { 'content-type': 'text/html' } });

const resetQuoting = (body: string): FetchLike => async (_url, init) => {
  const sent = String(init.body);
  throw new TypeError(`fetch failed while sending ${sent} ${body}`, {
    cause: Object.assign(new Error(`read ECONNRESET after ${sent}`), { code: 'ECONNRESET', body: sent }),
  });
};

const scenarios: Scenario[] = [
  // password grant
  ['password: 50126 whose description echoes the password', (ctx) =>
    password(ctx, () => ests(errorBody('invalid_grant', 50126, `Error validating credentials due to invalid username or password. ${echo(PASSWORD)}`), 400))],
  ['password: an error body echoing the password in every field', (ctx) =>
    password(ctx, () =>
      ests(errorBody(`invalid_grant ${PASSWORD}`, 50126, echo(PASSWORD), { suberror: echo(PASSWORD), claims: echo(PASSWORD), error_uri: `https://login.microsoftonline.com/error?code=50126&p=${encodeURIComponent(PASSWORD)}` }), 400))],
  ['password: the JSON-escaped tricky password echoed', (ctx) =>
    password(ctx, () => ests(errorBody('invalid_grant', 50126, `bad password ${echo(TRICKY_PASSWORD)}`), 400), {}, TRICKY_PASSWORD)],
  ['password: a spaced password echoed in every encoding', (ctx) =>
    password(ctx, () => ests(errorBody('invalid_grant', 50126, `bad password ${echo(SPACED_PASSWORD)} ${encodeURIComponent(SPACED_PASSWORD)}`), 400), {}, SPACED_PASSWORD)],
  ['password: a three-character password echoed in every encoding (short secrets are scrubbed too)', (ctx) =>
    password(ctx, () => ests(errorBody('invalid_grant', 50126, `bad password ${echo(SHORT_PASSWORD)}`), 400), {}, SHORT_PASSWORD)],
  ['password: an MFA demand echoing the password', (ctx) =>
    password(ctx, () => ests(errorBody('interaction_required', 50076, `You must use multi-factor authentication. ${echo(PASSWORD)}`), 400))],
  ['password: an HTML 200 page echoing the form', (ctx) => password(ctx, html(200, `password=${encodeFormValue(PASSWORD)} ${PASSWORD}`))],
  ['password: truncated JSON holding the password', (ctx) =>
    password(ctx, () => new HttpResponse(`{"error":"invalid_grant","error_description":"${PASSWORD} ${encodeFormValue(PASSWORD)}`, { headers: { 'content-type': 'application/json' } }))],
  ['password: an HTML 502 echoing the form', (ctx) => password(ctx, html(502, `password=${encodeFormValue(PASSWORD)}`))],
  ['password: a persistent 429 echoing the password', (ctx) => password(ctx, () => new HttpResponse(`throttled ${PASSWORD}`, { status: 429, headers: { 'retry-after': '2' } }))],
  ['password: a 503 OAuth body echoing the password', (ctx) =>
    password(ctx, () => ests(errorBody('temporarily_unavailable', 90055, `Throttled. ${echo(PASSWORD)}`), 503))],
  ['password: an oversize body full of the password', (ctx) =>
    password(ctx, () => new HttpResponse(PASSWORD.repeat(70_000), { headers: { 'content-type': 'text/plain' } }))],
  ['password: a timeout', (ctx) =>
    password(ctx, async () => {
      await delay('infinite');
      return ests(tokenBody());
    }, { timeoutMs: 30 })],
  ['password: aborted before sending', (ctx) => password(ctx, () => ests(tokenBody()), { signal: AbortSignal.abort(new Error(`stop ${PASSWORD}`)) })],
  ['password: aborted during the request', async (ctx) => {
    const controller = new AbortController();
    return password(ctx, async () => {
      controller.abort(new Error(`stop ${PASSWORD}`));
      await delay('infinite');
      return ests(tokenBody());
    }, { signal: controller.signal, timeoutMs: 5000 });
  }],
  ['password: a connection reset whose error quotes the request body', (ctx) => withFetch(ctx, resetQuoting(PASSWORD))],
  ['password: a reset quoting the body of a spaced password', (ctx) => withFetch(ctx, resetQuoting(SPACED_PASSWORD), SPACED_PASSWORD)],
  ['password: expires_in carrying the password', (ctx) => password(ctx, () => ests(tokenBody({ expires_in: PASSWORD })))],
  ['password: token_type carrying the password', (ctx) => password(ctx, () => ests(tokenBody({ token_type: PASSWORD, access_token: ACCESS_TOKEN })))],
  ['password: access_token of the wrong type beside a real one', (ctx) => password(ctx, () => ests(tokenBody({ access_token: { value: ACCESS_TOKEN } })))],
  ['password: a resource mismatch echoing the password', (ctx) => password(ctx, () => ests(tokenBody({ resource: `https://evil.example.com/${PASSWORD}` })))],
  ['password: a resource mismatch echoing the access token', (ctx) => password(ctx, () => ests(tokenBody({ resource: ACCESS_TOKEN })))],
  ['password: a 200 OAuth error echoing the access token', (ctx) =>
    password(ctx, () => ests(errorBody('invalid_grant', 50126, `token ${ACCESS_TOKEN} ${echo(PASSWORD)}`)))],
  ['password: a federated account', (ctx) => {
    const m = mockTransport(realm(FEDERATED_REALM), token(() => ests(tokenBody())));
    return passwordGrant({ clientId: CLIENT_ID, username: 'svc@fabrikam.com', password: PASSWORD, resource: RESOURCE, fetch: m.fetch, clock: ctx.clock, log: ctx.log });
  }],
  ['password: a realm answer that is not JSON', (ctx) => {
    const m = mockTransport(http.get('*/common/UserRealm/:upn', html(200, PASSWORD)), token(() => ests(tokenBody())));
    return passwordGrant({ clientId: CLIENT_ID, username: 'svc@contoso.com', password: PASSWORD, resource: RESOURCE, fetch: m.fetch, clock: ctx.clock, log: ctx.log });
  }],
  ['password: trailing whitespace', (ctx) => password(ctx, () => ests(tokenBody()), {}, `${PASSWORD} `)],
  ['password: a NUL in the password', (ctx) => password(ctx, () => ests(tokenBody()), {}, `${PASSWORD}\u0000`)],
  ['password: the password given as the username', (ctx) => password(ctx, () => ests(tokenBody()), { username: PASSWORD })],
  ['password: the password given as the client id', (ctx) => password(ctx, () => ests(tokenBody()), { clientId: PASSWORD })],
  ['password: the password given as the tenant', (ctx) => password(ctx, () => ests(tokenBody()), { tenant: PASSWORD })],
  ['password: the password given as the resource', (ctx) => password(ctx, () => ests(tokenBody()), { resource: `https://x.example.com/?${PASSWORD}` })],
  // refresh token
  ['refresh: 70008 invalid_grant echoing the refresh token and secret', (ctx) =>
    refresh(ctx, () => ests(errorBody('invalid_grant', 70008, `The refresh token has expired. ${echo(REFRESH_TOKEN, CLIENT_SECRET)}`), 400))],
  ['refresh: interaction_required echoing the refresh token', (ctx) =>
    refresh(ctx, () => ests(errorBody('interaction_required', 50076, echo(REFRESH_TOKEN)), 400))],
  ['refresh: an HTML 500 echoing the form', (ctx) => refresh(ctx, html(500, `refresh_token=${encodeFormValue(REFRESH_TOKEN)}&client_secret=${encodeFormValue(CLIENT_SECRET)}`))],
  ['refresh: a reset quoting the body', (ctx) =>
    refreshTokenGrant({ clientId: CLIENT_ID, refreshToken: REFRESH_TOKEN, clientSecret: CLIENT_SECRET, fetch: resetQuoting(REFRESH_TOKEN), clock: ctx.clock, log: ctx.log })],
  ['refresh: the refresh token given as the resource', (ctx) =>
    refreshTokenGrant({ clientId: CLIENT_ID, refreshToken: REFRESH_TOKEN, resource: REFRESH_TOKEN, fetch: mockTransport().fetch, clock: ctx.clock, log: ctx.log })],
  // client credentials
  ['client credentials: 7000215 echoing the secret', (ctx) =>
    credentials(ctx, () => ests(errorBody('invalid_client', 7000215, `Invalid client secret provided. ${echo(CLIENT_SECRET)}`), 401))],
  ['client credentials: a refresh_token of the wrong type', (ctx) => credentials(ctx, () => ests(tokenBody({ refresh_token: [CLIENT_SECRET] })))],
  ['client credentials: a timeout', (ctx) =>
    credentials(ctx, async () => {
      await delay('infinite');
      return ests(tokenBody());
    }, { timeoutMs: 30 })],
  ['client credentials: the common tenant', (ctx) => credentials(ctx, () => ests(tokenBody()), { tenant: 'common' })],
  ['client credentials: the secret given as the client id', (ctx) => credentials(ctx, () => ests(tokenBody()), { clientId: CLIENT_SECRET })],
  // device code
  ['device code: a devicecode answer without verification_url', (ctx) => {
    const m = mockTransport(http.post('*/:tenant/oauth2/devicecode', () => ests({ user_code: 'FKCJ7WQ3B', device_code: DEVICE_CODE, expires_in: '900', interval: '5' })));
    return requestDeviceCode({ clientId: CLIENT_ID, resource: RESOURCE, fetch: m.fetch, clock: ctx.clock, log: ctx.log });
  }],
  ['device code: a devicecode answer with a non-numeric interval', (ctx) => {
    const m = mockTransport(http.post('*/:tenant/oauth2/devicecode', () => ests({ user_code: 'FKCJ7WQ3B', device_code: DEVICE_CODE, verification_url: 'https://microsoft.com/devicelogin', expires_in: '900', interval: 'often' })));
    return requestDeviceCode({ clientId: CLIENT_ID, resource: RESOURCE, fetch: m.fetch, clock: ctx.clock, log: ctx.log });
  }],
  ['device code: code_expired echoing the device code', (ctx) => poll(ctx, () => ests(errorBody('code_expired', 70019, `Verification code expired. ${echo(DEVICE_CODE)}`), 400))],
  ['device code: authorization_declined echoing the device code', (ctx) => poll(ctx, () => ests(errorBody('authorization_declined', 65004, echo(DEVICE_CODE)), 400))],
  ['device code: invalid_client echoing the device code', (ctx) => poll(ctx, () => ests(errorBody('invalid_client', 7000218, echo(DEVICE_CODE)), 401))],
  ['device code: pending until the timeout, echoing the device code', (ctx) => poll(ctx, () => ests(errorBody('authorization_pending', 70016, echo(DEVICE_CODE)), 400))],
  ['device code: aborted while polling', (ctx) => {
    const controller = new AbortController();
    return poll(ctx, () => ests(errorBody('authorization_pending', 70016, echo(DEVICE_CODE)), 400), { signal: controller.signal, onPending: () => controller.abort(new Error(DEVICE_CODE)) });
  }],
  ['device code: a reset quoting the body', (ctx) =>
    pollDeviceCode(deviceCode(ctx), { fetch: resetQuoting(DEVICE_CODE), clock: ctx.clock, log: ctx.log })],
];

describe('no secret leaks from a failure', () => {
  beforeEach(() => clearUserRealmCache());

  for (const [name, run] of scenarios) {
    it(name, async () => {
      const lines: string[] = [];
      const ctx: Context = { lines, log: (line) => lines.push(line), clock: fakeClock() };
      let caught: unknown;
      try {
        await run(ctx);
      } catch (error) {
        caught = error;
      }
      assert.ok(caught instanceof D365AuthError, `expected a D365AuthError, got ${inspect(caught)}`);
      assertClean(`${(caught as Error).name} ${(caught as D365AuthError).code}`, texts(caught));
      assertClean('the log', lines);
    });
  }
});

describe('no secret leaks from a success', () => {
  it('logs a password grant without the password or any token', async () => {
    clearUserRealmCache();
    const lines: string[] = [];
    const m = mockTransport(realm(), token(() => ests(tokenBody({ access_token: ACCESS_TOKEN, refresh_token: REFRESH_TOKEN }))));
    const result = await passwordGrant({ clientId: CLIENT_ID, username: 'svc-lcs@contoso.com', password: PASSWORD, resource: RESOURCE, fetch: m.fetch, clock: fakeClock(), log: (line) => lines.push(line) });
    assert.equal(result.accessToken, ACCESS_TOKEN);
    assert.equal(lines.length, 4);
    assertClean('the log', lines);
    assertClean('the token', [inspect(result, { depth: 10 }), JSON.stringify(result), String(result)]);
  });
});
