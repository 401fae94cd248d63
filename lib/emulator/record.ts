// The request log: entries of method, path, headers and form with every secret replaced by [redacted], newest 10,000 kept.
import type { RecordedRequest } from './types.js';

export const REDACTED = '[redacted]';

const SECRET_FIELDS = new Set([
  'password',
  'client_secret',
  'refresh_token',
  'code',
  'device_code',
  'assertion',
  'client_assertion',
  'access_token',
  'id_token',
]);

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

export function redactFields(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET_FIELDS.has(k.toLowerCase()) ? REDACTED : v;
  return out;
}

function redactPath(url: URL): string {
  if (!url.search) return url.pathname;
  const params = new URLSearchParams(url.search);
  const clean = new URLSearchParams();
  for (const [k, v] of params) clean.append(k, SECRET_FIELDS.has(k.toLowerCase()) ? REDACTED : v);
  return `${url.pathname}?${clean.toString()}`;
}

export function recordRequest(method: string, url: URL, headers: Record<string, string>, form: Record<string, string>): RecordedRequest {
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) h[k] = SECRET_HEADERS.has(k) ? REDACTED : v;
  return Object.freeze({
    at: new Date().toISOString(),
    method,
    path: redactPath(url),
    headers: Object.freeze(h),
    form: Object.freeze(redactFields(form)),
  });
}

/** How many requests an emulator's log keeps: recording one more forgets the oldest. */
export const MAX_LOGGED_REQUESTS = 10_000;

/** The newest `capacity` recorded requests, oldest first, so a long-lived emulator does not grow forever. */
export class RequestLog {
  private entries: RecordedRequest[] = [];

  constructor(readonly capacity: number) {}

  add(entry: RecordedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  list(): RecordedRequest[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
