// Plain records at the transport seam (request, response, options), so they can be redacted,
// logged and compared in tests. No behaviour lives here.
import type { Dispatcher } from 'undici';
import type { Clock } from '../clock.js';

/** A fetch-compatible function, called as `fetch(url, init)`. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** A line of verbose output; receives only redacted text. */
export type Logger = (line: string) => void;

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** Form-encoded body for POST. */
  body?: string | undefined;
}

export interface HttpResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
  /** Milliseconds from send to the last body byte. */
  durationMs: number;
}

/** The options every network function takes, next to its own parameters. */
export interface CommonOptions {
  /** Authority origin, e.g. `https://login.microsoftonline.com` (default by cloud). */
  authorityHost?: string | undefined;
  /** Tenant GUID, verified domain, `common`, `organizations` or `adfs`. */
  tenant?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Per HTTP request, default 30 000. */
  timeoutMs?: number | undefined;
  /** Transport override, called as `fetch(url, init)`. */
  fetch?: FetchLike | undefined;
  /** An undici dispatcher (e.g. a ProxyAgent or an Agent with extra CA certificates). */
  dispatcher?: Dispatcher | undefined;
  /** Sent as `client-request-id` (a GUID); a fresh one per call otherwise. */
  correlationId?: string | undefined;
  /** Verbose log sink; only ever receives redacted lines. */
  log?: Logger | undefined;
  /** Time source and sleeper (tests inject a fake one). */
  clock?: Clock | undefined;
}

/** What the transport needs from the common options. */
export type TransportOptions = Pick<CommonOptions, 'signal' | 'timeoutMs' | 'fetch' | 'dispatcher' | 'log' | 'clock'> & {
  /** Response body cap in bytes (default 1 MiB). */
  maxBodyBytes?: number | undefined;
  /** Secret values to scrub from anything logged or thrown. */
  secrets?: readonly (string | undefined)[] | undefined;
};
