// The request log: secrets redacted, long values cut, bounded by count and by total size (oldest evicted). Does not decide what is logged.
import type { RecordedRequest } from './types.js';

export const REDACTED = '[redacted]';

const SECRET_FIELDS = new Set([
  'password',
  'client_secret',
  'refresh_token',
  'code',
  'code_verifier',
  // the sign-in pages' hidden field: at the MFA step it alone would complete a sign-in
  'flow',
  'device_code',
  'assertion',
  'client_assertion',
  'access_token',
  'id_token',
]);

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** How many requests an emulator's log keeps: recording one more forgets the oldest. */
export const MAX_LOGGED_REQUESTS = 10_000;
/** Total characters of every recorded string (names and values) the log keeps; the oldest entries go first. */
export const MAX_LOGGED_CHARS = 16 * 1024 * 1024;
/** A recorded value (form field, header, query string) longer than this is cut, saying how much was cut. */
export const MAX_VALUE_CHARS = 2048;
/** Form fields recorded per request; the rest are counted, not kept. */
export const MAX_FORM_FIELDS = 64;
/** The form key under which the number of unrecorded fields is noted. */
export const MORE_FIELDS_KEY = '…';

/** `value`, or its first MAX_VALUE_CHARS characters and "…[truncated, N bytes]" (N: UTF-8 bytes cut). */
export function truncate(value: string): string {
  if (value.length <= MAX_VALUE_CHARS) return value;
  // A slice would share the long string's memory in V8 (a sliced string): copy the kept part out.
  const kept = Buffer.from(value.slice(0, MAX_VALUE_CHARS), 'utf8').toString('utf8');
  return `${kept}…[truncated, ${Buffer.byteLength(value, 'utf8') - Buffer.byteLength(kept, 'utf8')} bytes]`;
}

/** Sets an own, enumerable property, even one named `__proto__` (a form field can be named anything). */
function put(target: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function redactFields(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  let kept = 0;
  let dropped = 0;
  for (const [k, v] of Object.entries(fields)) {
    if (kept === MAX_FORM_FIELDS) { dropped++; continue; }
    put(out, truncate(k), SECRET_FIELDS.has(k.toLowerCase()) ? REDACTED : truncate(v));
    kept++;
  }
  if (dropped) put(out, MORE_FIELDS_KEY, `[${dropped} more fields not recorded]`);
  return out;
}

function redactPath(url: URL): string {
  if (!url.search) return truncate(url.pathname);
  const params = new URLSearchParams(url.search);
  const clean = new URLSearchParams();
  for (const [k, v] of params) clean.append(k, SECRET_FIELDS.has(k.toLowerCase()) ? REDACTED : v);
  return truncate(`${url.pathname}?${clean.toString()}`);
}

export function recordRequest(method: string, url: URL, headers: Record<string, string>, form: Record<string, string>): RecordedRequest {
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) put(h, k, SECRET_HEADERS.has(k) ? REDACTED : truncate(v));
  return Object.freeze({
    at: new Date().toISOString(),
    method: truncate(method),
    path: redactPath(url),
    headers: Object.freeze(h),
    form: Object.freeze(redactFields(form)),
  });
}

/** Characters held by one entry: every string in it, names included. */
export function recordedChars(r: RecordedRequest): number {
  let n = r.at.length + r.method.length + r.path.length;
  for (const [k, v] of Object.entries(r.headers)) n += k.length + v.length;
  for (const [k, v] of Object.entries(r.form)) n += k.length + v.length;
  return n;
}

/**
 * The newest recorded requests, oldest first, within `maxEntries` and `maxChars` (what recordedChars
 * counts), so a long-lived emulator does not grow with its traffic. The newest entry is always kept.
 */
export class RequestLog {
  private entries: Array<RecordedRequest | undefined> = [];
  private sizes: number[] = [];
  private head = 0;
  private chars = 0;

  constructor(readonly maxEntries = MAX_LOGGED_REQUESTS, readonly maxChars = MAX_LOGGED_CHARS) {}

  /** Characters held now (what the byte budget bounds). */
  get totalChars(): number {
    return this.chars;
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  add(entry: RecordedRequest): void {
    const size = recordedChars(entry);
    this.entries.push(entry);
    this.sizes.push(size);
    this.chars += size;
    while (this.size > 1 && (this.size > this.maxEntries || this.chars > this.maxChars)) {
      this.chars -= this.sizes[this.head]!;
      this.entries[this.head] = undefined; // released now, not at the next compaction
      this.head++;
    }
    // drop the evicted prefix once it is half the arrays, so eviction stays amortised O(1)
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
  }

  list(): RecordedRequest[] {
    return this.entries.slice(this.head) as RecordedRequest[];
  }

  clear(): void {
    this.entries = [];
    this.sizes = [];
    this.head = 0;
    this.chars = 0;
  }
}
