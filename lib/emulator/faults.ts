// Fault injection: the queue applied to the next N matching requests, named shortcuts and request matchers. No routing.
import { randomUUID } from 'node:crypto';
import { AADSTS, correlationIdFor, type ErrorContext } from './errors.js';
import { checkFault } from './fault-check.js';
import type { EmulatorResponse, Fault, RecordedRequest } from './types.js';

const MiB = 1024 * 1024;

/** A fixed error context for bodies built at inject time (their ids are fresh but not tied to a request). */
function injectedContext(): ErrorContext {
  return { origin: 'https://login.microsoftonline.com', traceId: randomUUID(), correlationId: correlationIdFor(undefined), nowMs: Date.now() };
}

type With = { match?: (request: RecordedRequest) => boolean };
const withMatch = (fault: Fault, opts?: With): Fault => (opts?.match ? { ...fault, match: opts.match } : fault);

/** Request matchers for `Fault.match`. */
export const matchers = {
  /** POST …/oauth2/token, optionally only for one grant_type. */
  token: (grantType?: string) => (r: RecordedRequest) =>
    r.method === 'POST' && /\/oauth2\/token(\?|$)/i.test(r.path) && (!grantType || r.form['grant_type'] === grantType),
  /** POST …/oauth2/devicecode. */
  deviceCode: () => (r: RecordedRequest) => r.method === 'POST' && /\/oauth2\/devicecode(\?|$)/i.test(r.path),
  /** GET …/UserRealm/… */
  userRealm: () => (r: RecordedRequest) => /\/userrealm\//i.test(r.path),
  /** GET or POST …/oauth2/authorize (the sign-in pages). */
  authorize: () => (r: RecordedRequest) => /\/oauth2\/authorize(\?|$)/i.test(r.path),
  /** Paths containing this text. */
  path: (text: string) => (r: RecordedRequest) => r.path.includes(text),
};

/** Named fault shortcuts; each accepts `{ match }` to narrow it (default: any non-control request). */
export const faults = {
  /** HTTP 429 with Retry-After (seconds) and an AADSTS90055 throttling body. */
  throttle: (retryAfterSeconds = 1, opts?: With): Fault =>
    withMatch({ status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: AADSTS.throttled(injectedContext()).body }, opts),
  /** A 5xx: 503 gets temporarily_unavailable (+ Retry-After when given), others server_error; `empty` sends no body. */
  serverError: (status = 500, opts?: With & { retryAfterSeconds?: number; empty?: boolean }): Fault => {
    const body = opts?.empty ? '' : (status === 503 ? AADSTS.unavailable(injectedContext(), status) : AADSTS.serverError(injectedContext(), status)).body;
    const headers: Record<string, string> = opts?.retryAfterSeconds !== undefined ? { 'retry-after': String(opts.retryAfterSeconds) } : {};
    return withMatch({ status, headers, body }, opts);
  },
  /** Delays the real answer by `ms`. */
  slow: (ms: number, opts?: With): Fault => withMatch({ delayMs: ms }, opts),
  /** HTTP 200, JSON content type, a body of `bytes` (default 2 MiB: larger than any sane response). */
  oversized: (bytes = 2 * MiB, opts?: With): Fault =>
    withMatch({ status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: `{"padding":"${'x'.repeat(Math.max(0, bytes - 14))}"}` }, opts),
  /** An HTML page (a proxy or captive portal), HTTP `status` (default 200). */
  html: (status = 200, opts?: With): Fault =>
    withMatch({
      status,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<!DOCTYPE html><html><head><title>Sign in to continue</title></head><body><h1>Proxy authentication required</h1><p>Please sign in to the corporate network.</p></body></html>',
    }, opts),
  /** HTTP 200 with JSON cut off in the middle. */
  truncatedJson: (opts?: With): Fault =>
    withMatch({ status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"token_type":"Bearer","scope":"user_impersonation","expires_in":"3599","access_tok' }, opts),
  /** The real success answer, but its `resource` field says `resource` instead of what was requested. */
  wrongResource: (resource = 'https://wrong-resource.example.invalid', opts?: With): Fault =>
    withMatch({ match: matchers.token(), rewrite: (r) => rewriteJson(r, (b) => (b['access_token'] ? { ...b, resource } : b)) }, opts),
  /** A device-code poll answered with slow_down (HTTP 400). */
  slowDown: (opts?: With): Fault =>
    withMatch({ match: (r) => matchers.token()(r) && /device_code$/.test(r.form['grant_type'] ?? ''), status: 400, body: AADSTS.slowDown(injectedContext()).body }, opts),
};

function rewriteJson(r: EmulatorResponse, f: (body: Record<string, unknown>) => Record<string, unknown>): EmulatorResponse {
  try {
    const body = JSON.parse(typeof r.body === 'string' ? r.body : Buffer.from(r.body).toString('utf8')) as Record<string, unknown>;
    return { ...r, body: JSON.stringify(f(body)) };
  } catch {
    return r;
  }
}

interface Entry {
  fault: Fault;
  remaining: number;
}

export class FaultQueue {
  private entries: Entry[] = [];

  /** `onError` hears about a fault dropped because its `match` threw (default: silent). */
  constructor(private readonly onError: (message: string) => void = () => {}) {}

  /** Checks and queues `fault` for the next `count` matching requests (TypeError on bad input, nothing queued). */
  add(fault: Fault, count = 1): void {
    if (!Number.isInteger(count) || count < 1) throw new TypeError(`inject(): count must be a positive integer, got ${count}`);
    this.entries.push({ fault: checkFault(fault), remaining: count });
  }

  clear(): void {
    this.entries = [];
  }

  /** Takes the first fault that matches this request, counting it down. A matcher that throws drops its fault. */
  take(request: RecordedRequest): Fault | undefined {
    for (const entry of [...this.entries]) {
      let hit: boolean;
      try {
        hit = !entry.fault.match || Boolean(entry.fault.match(request));
      } catch (e) {
        this.entries = this.entries.filter((x) => x !== entry);
        this.onError(`emulator: a fault was dropped because its match threw: ${(e as Error).message}`);
        continue;
      }
      if (!hit) continue;
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.entries = this.entries.filter((e) => e !== entry);
      return entry.fault;
    }
    return undefined;
  }
}
