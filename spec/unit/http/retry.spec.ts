import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { http, HttpResponse } from 'msw';
import { send, parseRetryAfter, RETRY_AFTER_CAP_MS } from '../../../lib/http/retry.js';
import { clientCredentialsGrant, OAuthError, ResponseError, TransportError } from '../../../lib/index.js';
import type { HttpRequest } from '../../../lib/http/types.js';
import { mockTransport } from '../../support/msw.js';
import { fakeClock } from '../../support/clock.js';
import { CLIENT_ID, TENANT_ID, errorBody, ests, rejects, tokenBody } from '../../support/aad.js';

const URL = `https://login.microsoftonline.com/${TENANT_ID}/oauth2/token?api-version=1.0`;
const REQUEST: HttpRequest = { method: 'POST', url: URL, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' }, body: 'grant_type=client_credentials' };

/** Answers with the given responses in turn (the last one repeats). */
function sequence(...answers: Array<() => Response>) {
  let calls = 0;
  const m = mockTransport(http.post('*/:tenant/oauth2/token', () => answers[Math.min(calls++, answers.length - 1)]!()));
  return m;
}

const ok = () => ests(tokenBody({ resource: 'https://contoso.operations.dynamics.com' }));
const status = (code: number, headers: Record<string, string> = {}) => () => new HttpResponse(null, { status: code, headers });

describe('parseRetryAfter()', () => {
  const now = Date.UTC(2026, 10, 22, 12, 0, 0);
  it('reads delta seconds', () => {
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
  });
  it('reads an HTTP date', () => {
    assert.equal(parseRetryAfter('Sun, 22 Nov 2026 12:00:07 GMT', now), 7000);
  });
  it('treats a date in the past as no wait', () => {
    assert.equal(parseRetryAfter('Sun, 22 Nov 2026 11:59:00 GMT', now), 0);
  });
  it('caps the wait at 60 s', () => {
    assert.equal(RETRY_AFTER_CAP_MS, 60_000);
    assert.equal(parseRetryAfter('3600', now), 60_000);
    assert.equal(parseRetryAfter('Mon, 23 Nov 2026 12:00:00 GMT', now), 60_000);
  });
  it('ignores absent or unreadable values', () => {
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-5', now), undefined);
    assert.equal(parseRetryAfter('3.5', now), undefined);
  });
});

describe('send() retry policy', () => {
  it('retries a 429 after Retry-After: 3', async () => {
    const clock = fakeClock();
    const m = sequence(status(429, { 'retry-after': '3' }), ok);
    const response = await send(REQUEST, { fetch: m.fetch, clock });
    assert.equal(response.status, 200);
    assert.equal(m.requests.length, 2);
    assert.deepEqual(clock.sleeps, [3000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const clock = fakeClock();
    const m = sequence(status(429, { 'retry-after': new Date(clock.now() + 7000).toUTCString() }), ok);
    await send(REQUEST, { fetch: m.fetch, clock });
    assert.deepEqual(clock.sleeps, [7000]);
  });

  it('caps Retry-After at 60 s', async () => {
    const clock = fakeClock();
    const m = sequence(status(429, { 'retry-after': '86400' }), ok);
    await send(REQUEST, { fetch: m.fetch, clock, timeoutMs: 90_000 });
    assert.deepEqual(clock.sleeps, [60_000]);
  });

  it('does not wait longer than timeoutMs: a longer Retry-After returns the throttling answer at once', async () => {
    const clock = fakeClock();
    const m = sequence(status(429, { 'retry-after': '45' }), ok);
    const response = await send(REQUEST, { fetch: m.fetch, clock, timeoutMs: 30_000 });
    assert.equal(response.status, 429);
    assert.equal(m.requests.length, 1);
    assert.deepEqual(clock.sleeps, []);
  });

  it('retries a throttle at most twice, then returns the final answer', async () => {
    const clock = fakeClock();
    const m = sequence(status(429, { 'retry-after': '2' }));
    const response = await send(REQUEST, { fetch: m.fetch, clock });
    assert.equal(response.status, 429);
    assert.equal(m.requests.length, 3);
    assert.deepEqual(clock.sleeps, [2000, 2000]);
  });

  it('retries 503 and 504 (1 s, then 2 s without Retry-After)', async () => {
    const clock = fakeClock();
    const m = sequence(status(503), status(504), ok);
    const response = await send(REQUEST, { fetch: m.fetch, clock });
    assert.equal(response.status, 200);
    assert.equal(m.requests.length, 3);
    assert.deepEqual(clock.sleeps, [1000, 2000]);
  });

  it('retries a 500 exactly once', async () => {
    const clock = fakeClock();
    const m = sequence(status(500));
    const response = await send(REQUEST, { fetch: m.fetch, clock });
    assert.equal(response.status, 500);
    assert.equal(m.requests.length, 2);
    assert.deepEqual(clock.sleeps, [500]);
  });

  it('recovers from one 500', async () => {
    const clock = fakeClock();
    const m = sequence(status(500), ok);
    assert.equal((await send(REQUEST, { fetch: m.fetch, clock })).status, 200);
    assert.equal(m.requests.length, 2);
  });

  it('never retries a 400', async () => {
    const clock = fakeClock();
    const m = sequence(() => ests(errorBody('invalid_grant', 50126, 'Error validating credentials due to invalid username or password.'), 400, { 'retry-after': '1' }));
    const response = await send(REQUEST, { fetch: m.fetch, clock });
    assert.equal(response.status, 400);
    assert.equal(m.requests.length, 1);
    assert.deepEqual(clock.sleeps, []);
  });

  it('logs each retry', async () => {
    const clock = fakeClock();
    const lines: string[] = [];
    const m = sequence(status(429, { 'retry-after': '3' }), status(500), ok);
    await send(REQUEST, { fetch: m.fetch, clock, log: (line) => lines.push(line) });
    const retries = lines.filter((line) => line.startsWith('retrying'));
    assert.deepEqual(retries, [`retrying POST ${URL} in 3000 ms after HTTP 429, retry 1 of 2`, `retrying POST ${URL} in 500 ms after HTTP 500`]);
  });

  it('stops when the signal aborts during a retry wait (ERR_ABORTED)', async () => {
    const clock = fakeClock();
    const controller = new AbortController();
    const m = mockTransport(
      http.post('*/:tenant/oauth2/token', () => {
        controller.abort();
        return new HttpResponse(null, { status: 503, headers: { 'retry-after': '5' } });
      }),
    );
    await rejects(send(REQUEST, { fetch: m.fetch, clock, signal: controller.signal }), {
      class: TransportError,
      code: 'ERR_ABORTED',
      message: `The request to ${URL} was aborted.`,
    });
    assert.equal(m.requests.length, 1);
  });
});

describe('retries seen through a grant', () => {
  function grant(m: ReturnType<typeof sequence>, clock = fakeClock()) {
    return clientCredentialsGrant({ tenant: TENANT_ID, clientId: CLIENT_ID, clientSecret: 'Zx8Q~fake.secret_value-0123', resource: 'https://contoso.operations.dynamics.com', fetch: m.fetch, clock });
  }

  it('gets the token after a 429 with Retry-After: 3', async () => {
    const clock = fakeClock();
    const m = sequence(() => new HttpResponse(null, { status: 429, headers: { 'retry-after': '3' } }), ok);
    const token = await grant(m, clock);
    assert.equal(token.tokenType, 'Bearer');
    assert.deepEqual(clock.sleeps, [3000]);
    // the expiry counts from the send time of the first attempt (conservative)
    assert.equal(token.sentAt, Date.UTC(2026, 10, 22, 12, 0, 0));
  });

  it('surfaces a throttle that persists as ERR_UNEXPECTED_STATUS', async () => {
    const m = sequence(() => new HttpResponse(null, { status: 429, headers: { 'retry-after': '1' } }));
    await rejects(grant(m), {
      class: ResponseError,
      code: 'ERR_UNEXPECTED_STATUS',
      message: 'The token endpoint answered HTTP 429 (no content type, 0 bytes) instead of a result or an OAuth error.',
    });
    assert.equal(m.requests.length, 3);
  });

  it('surfaces a persistent 503 with an OAuth body as OAuthError (AADSTS90055)', async () => {
    const m = sequence(() => ests(errorBody('temporarily_unavailable', 90055, 'The request is throttled temporarily. Please try after 1 second.'), 503, { 'retry-after': '1' }));
    const error = await rejects<OAuthError>(grant(m), {
      class: OAuthError,
      code: 'ERR_OAUTH',
      message: 'temporarily_unavailable (AADSTS90055): The request is throttled temporarily. Please try after 1 second.',
    });
    assert.equal(error.status, 503);
    assert.equal(m.requests.length, 3);
  });

  it('surfaces a persistent 500 after exactly one retry', async () => {
    const m = sequence(() => new HttpResponse('Internal Server Error', { status: 500, headers: { 'content-type': 'text/plain' } }));
    await rejects(grant(m), {
      class: ResponseError,
      code: 'ERR_UNEXPECTED_STATUS',
      message: 'The token endpoint answered HTTP 500 (text/plain, 21 bytes) instead of a result or an OAuth error.',
    });
    assert.equal(m.requests.length, 2);
  });
});
