import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { http, HttpResponse, delay } from 'msw';
import { sendOnce, MAX_BODY_BYTES } from '../../../lib/http/transport.js';
import { send } from '../../../lib/http/retry.js';
import { ResponseError, TransportError } from '../../../lib/errors.js';
import type { FetchLike, HttpRequest } from '../../../lib/http/types.js';
import { mockTransport } from '../../support/msw.js';
import { fakeClock } from '../../support/clock.js';
import { rejects, tokenBody, ests, ACCESS_TOKEN } from '../../support/aad.js';

const URL = 'https://login.microsoftonline.com/common/oauth2/token?api-version=1.0';

function post(body = 'grant_type=client_credentials&client_id=x&client_secret=Zx8Q~fake.secret_value-0123'): HttpRequest {
  return { method: 'POST', url: URL, headers: { accept: 'application/json', 'client-request-id': '6f9619ff-8b86-4011-b42d-00c04fc964ff', 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' }, body };
}

/** A body of `chunks` chunks of `size` bytes; counts how many were pulled. */
function stream(chunks: number, size = 64 * 1024): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks) {
        controller.close();
        return;
      }
      pulled++;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
  return { body, pulled: () => pulled };
}

describe('sendOnce()', () => {
  it('passes method, headers and body to the fetch and asks it not to follow redirects', async () => {
    let init: RequestInit | undefined;
    const m = mockTransport(http.post('*/common/oauth2/token', () => ests(tokenBody())));
    const fetch: FetchLike = (url, given) => {
      init = given;
      return m.fetch(url, given);
    };
    const response = await sendOnce(post(), { fetch });
    assert.equal(init?.redirect, 'manual');
    assert.equal(init?.method, 'POST');
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(JSON.parse(response.body).access_token, ACCESS_TOKEN);
    assert.equal(m.requests[0]!.body, post().body);
  });

  it('returns a redirect as it is', async () => {
    const m = mockTransport(http.post('*/common/oauth2/token', () => new HttpResponse(null, { status: 302, headers: { location: 'https://evil.example.com/' } })));
    const response = await sendOnce(post(), { fetch: m.fetch });
    assert.equal(response.status, 302);
    assert.equal(response.headers.location, 'https://evil.example.com/');
    assert.equal(m.requests.length, 1);
  });

  it('times out a server that never answers (ERR_TIMEOUT)', async () => {
    const m = mockTransport(
      http.post('*/common/oauth2/token', async () => {
        await delay('infinite');
        return ests(tokenBody());
      }),
    );
    const started = Date.now();
    const error = await rejects<TransportError>(sendOnce(post(), { fetch: m.fetch, timeoutMs: 40 }), {
      class: TransportError,
      code: 'ERR_TIMEOUT',
      message: `No complete answer from ${URL} within 40 ms (timeoutMs).`,
    });
    assert.equal(error.url, URL);
    assert.ok(Date.now() - started < 2000);
  });

  it('times out a body that stops half-way (ERR_TIMEOUT)', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"token_type":"Bearer",'));
      },
    });
    const m = mockTransport(http.post('*/common/oauth2/token', () => new HttpResponse(body, { headers: { 'content-type': 'application/json' } })));
    await rejects(sendOnce(post(), { fetch: m.fetch, timeoutMs: 40 }), { class: TransportError, code: 'ERR_TIMEOUT' });
  });

  it('sends nothing when the signal is already aborted (ERR_ABORTED)', async () => {
    const m = mockTransport(http.post('*/common/oauth2/token', () => ests(tokenBody())));
    await rejects(sendOnce(post(), { fetch: m.fetch, signal: AbortSignal.abort() }), {
      class: TransportError,
      code: 'ERR_ABORTED',
      message: `The request to ${URL} was aborted.`,
    });
    assert.equal(m.requests.length, 0);
  });

  it('stops waiting when the signal aborts during the request (ERR_ABORTED)', async () => {
    const controller = new AbortController();
    const m = mockTransport(
      http.post('*/common/oauth2/token', async () => {
        controller.abort();
        await delay('infinite');
        return ests(tokenBody());
      }),
    );
    await rejects(sendOnce(post(), { fetch: m.fetch, signal: controller.signal, timeoutMs: 5000 }), {
      class: TransportError,
      code: 'ERR_ABORTED',
      message: `The request to ${URL} was aborted.`,
    });
  });

  it('refuses a body over 1 MiB announced by content-length, without reading it (ERR_BODY_TOO_LARGE)', async () => {
    const { body, pulled } = stream(40);
    const m = mockTransport(
      http.post('*/common/oauth2/token', () => new HttpResponse(body, { headers: { 'content-type': 'application/json', 'content-length': String(40 * 64 * 1024), 'x-ms-request-id': 'trace-1' } })),
    );
    const error = await rejects<ResponseError>(sendOnce(post(), { fetch: m.fetch }), {
      class: ResponseError,
      code: 'ERR_BODY_TOO_LARGE',
      message: `The response from ${URL} (HTTP 200) is larger than 1048576 bytes; it was refused without reading further.`,
    });
    assert.equal(error.status, 200);
    assert.equal(error.traceId, 'trace-1');
    assert.ok(pulled() <= 2, `pulled ${pulled()} chunks`);
  });

  it('refuses a body over 1 MiB without content-length once the cap is passed (ERR_BODY_TOO_LARGE)', async () => {
    const { body, pulled } = stream(100);
    const m = mockTransport(http.post('*/common/oauth2/token', () => new HttpResponse(body, { status: 200, headers: { 'content-type': 'text/html' } })));
    await rejects(sendOnce(post(), { fetch: m.fetch }), {
      class: ResponseError,
      code: 'ERR_BODY_TOO_LARGE',
      message: `The response from ${URL} (HTTP 200) is larger than 1048576 bytes; it was refused without reading further.`,
    });
    const cap = MAX_BODY_BYTES / (64 * 1024);
    assert.ok(pulled() <= cap + 3, `pulled ${pulled()} chunks of 64 KiB`);
  });

  it('accepts a body of exactly 1 MiB', async () => {
    const { body } = stream(16);
    const m = mockTransport(http.post('*/common/oauth2/token', () => new HttpResponse(body)));
    const response = await sendOnce(post(), { fetch: m.fetch });
    assert.equal(response.body.length, MAX_BODY_BYTES);
  });

  it('honours a smaller maxBodyBytes', async () => {
    const m = mockTransport(http.post('*/common/oauth2/token', () => HttpResponse.text('x'.repeat(101))));
    await rejects(sendOnce(post(), { fetch: m.fetch, maxBodyBytes: 100 }), {
      class: ResponseError,
      code: 'ERR_BODY_TOO_LARGE',
      message: `The response from ${URL} (HTTP 200) is larger than 100 bytes; it was refused without reading further.`,
    });
  });

  it('reports a connection failure with its system code (ERR_TRANSPORT)', async () => {
    const fetch: FetchLike = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND login.microsoftonline.com'), { code: 'ENOTFOUND' }) });
    };
    const error = await rejects<TransportError>(sendOnce(post(), { fetch }), {
      class: TransportError,
      code: 'ERR_TRANSPORT',
      message: `Could not reach ${URL}: fetch failed: getaddrinfo ENOTFOUND login.microsoftonline.com.`,
    });
    assert.equal(error.reason, 'ENOTFOUND');
    assert.equal(error.url, URL);
  });

  it('logs the request and the answer with secrets redacted', async () => {
    const lines: string[] = [];
    const m = mockTransport(http.post('*/common/oauth2/token', () => ests(tokenBody())));
    await sendOnce(post(), { fetch: m.fetch, log: (line) => lines.push(line), secrets: ['Zx8Q~fake.secret_value-0123'] });
    assert.equal(lines.length, 2);
    assert.equal(
      lines[0],
      `-> POST ${URL} (client-request-id 6f9619ff-8b86-4011-b42d-00c04fc964ff) form: grant_type=client_credentials&client_id=x&client_secret=[redacted]`,
    );
    assert.match(lines[1]!, new RegExp(`^<- 200 from ${URL.replace(/[?.]/g, '\\$&')} in \\d+ ms \\(x-ms-request-id a1b2c3d4-0000-4000-8000-000000001234\\) body: \\{`));
    assert.ok(lines[1]!.includes('"access_token":"[redacted]"'), lines[1]);
    assert.ok(!lines.join('\n').includes(ACCESS_TOKEN));
    assert.ok(!lines.join('\n').includes('Zx8Q~fake.secret_value-0123'));
  });
});

describe('send() and connection resets', () => {
  function resetting(times: number) {
    let calls = 0;
    const m = mockTransport(http.post('*/common/oauth2/token', () => ests(tokenBody())));
    const fetch: FetchLike = async (url, init) => {
      calls++;
      if (calls <= times) {
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
      }
      return m.fetch(url, init);
    };
    return { fetch, calls: () => calls };
  }

  it('retries a connection reset once after a short backoff', async () => {
    const clock = fakeClock();
    const { fetch, calls } = resetting(1);
    const response = await send(post(), { fetch, clock });
    assert.equal(response.status, 200);
    assert.equal(calls(), 2);
    assert.deepEqual(clock.sleeps, [500]);
  });

  it('gives up after the second reset (ERR_TRANSPORT, reason ECONNRESET)', async () => {
    const clock = fakeClock();
    const { fetch, calls } = resetting(5);
    const error = await rejects<TransportError>(send(post(), { fetch, clock }), {
      class: TransportError,
      code: 'ERR_TRANSPORT',
      message: `Could not reach ${URL}: fetch failed: read ECONNRESET.`,
    });
    assert.equal(error.reason, 'ECONNRESET');
    assert.equal(calls(), 2);
    assert.deepEqual(clock.sleeps, [500]);
  });

  it('does not retry other connection failures', async () => {
    const clock = fakeClock();
    let calls = 0;
    const fetch: FetchLike = async () => {
      calls++;
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' }) });
    };
    await rejects(send(post(), { fetch, clock }), { class: TransportError, code: 'ERR_TRANSPORT' });
    assert.equal(calls, 1);
    assert.deepEqual(clock.sleeps, []);
  });

  it('does not retry a timeout', async () => {
    const clock = fakeClock();
    const m = mockTransport(
      http.post('*/common/oauth2/token', async () => {
        await delay('infinite');
        return ests(tokenBody());
      }),
    );
    await rejects(send(post(), { fetch: m.fetch, clock, timeoutMs: 30 }), { class: TransportError, code: 'ERR_TIMEOUT' });
    assert.equal(m.requests.length, 1);
  });
});
