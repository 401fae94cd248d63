// The transport's retry policy: 429/503/504 honour Retry-After (at most 2 retries, each wait capped
// at 60 s and never longer than timeoutMs: a longer one is not waited for, the answer is returned);
// other 5xx and connection resets once after a short backoff. Other 4xx, timeouts and aborts are
// never retried here; device-code polling is the poller's business.
import { systemClock } from '../clock.js';
import { TransportError } from '../errors.js';
import { DEFAULT_TIMEOUT_MS, sendOnce } from './transport.js';
import type { HttpRequest, HttpResponse, TransportOptions } from './types.js';

export const RETRY_AFTER_CAP_MS = 60_000;
export const MAX_THROTTLE_RETRIES = 2;
export const TRANSIENT_BACKOFF_MS = 500;
const THROTTLE_STATUSES = new Set([429, 503, 504]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/**
 * Milliseconds to wait for a Retry-After value (delta seconds or an HTTP date), capped at 60 s;
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    // an HTTP date always has letters (day, month, GMT); Date.parse would also take "-5" or "3.5"
    if (!/[a-z]/i.test(text)) return undefined;
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    ms = date - now;
  }
  return Math.min(Math.max(ms, 0), RETRY_AFTER_CAP_MS);
}

/**
 * Sends a request under the retry policy and returns the final response (any status). A function
 * is called for every attempt, so each one can carry fresh content (a new client assertion).
 */
export async function send(request: HttpRequest | (() => Promise<HttpRequest>), options: TransportOptions = {}): Promise<HttpResponse> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let throttleRetries = 0;
  let transientRetried = false;
  for (;;) {
    const attempt = typeof request === 'function' ? await request() : request;
    let response: HttpResponse;
    try {
      response = await sendOnce(attempt, options);
    } catch (error) {
      const reset = error instanceof TransportError && error.code === 'ERR_TRANSPORT' && RESET_CODES.has(error.reason ?? '');
      if (!reset || transientRetried) throw error;
      transientRetried = true;
      await wait(TRANSIENT_BACKOFF_MS, `connection reset (${error.reason})`, attempt, options);
      continue;
    }
    if (THROTTLE_STATUSES.has(response.status) && throttleRetries < MAX_THROTTLE_RETRIES) {
      const delay = parseRetryAfter(response.headers['retry-after'], clock.now()) ?? 1000 * (throttleRetries + 1);
      // a wait longer than timeoutMs is not taken: the caller hears the throttling answer instead
      if (delay > timeoutMs) return response;
      throttleRetries++;
      await wait(delay, `HTTP ${response.status}, retry ${throttleRetries} of ${MAX_THROTTLE_RETRIES}`, attempt, options);
      continue;
    }
    if (response.status >= 500 && !THROTTLE_STATUSES.has(response.status) && !transientRetried) {
      transientRetried = true;
      await wait(TRANSIENT_BACKOFF_MS, `HTTP ${response.status}`, attempt, options);
      continue;
    }
    return response;
  }
}

async function wait(ms: number, why: string, request: HttpRequest, options: TransportOptions): Promise<void> {
  options.log?.(`retrying ${request.method} ${request.url} in ${Math.round(ms)} ms after ${why}`);
  try {
    await (options.clock ?? systemClock).sleep(ms, options.signal);
  } catch {
    throw new TransportError('ERR_ABORTED', `The request to ${request.url} was aborted.`, { url: request.url });
  }
}
