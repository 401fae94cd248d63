// The per-request context handed to every route, and the response builders. No routing, no grant logic.
import type { AadError, ErrorContext } from './errors.js';
import type { EmulatorState } from './state.js';
import type { TokenMinter } from './tokens.js';
import type { EmulatorResponse, Fault, RecordedRequest } from './types.js';

export interface RequestContext {
  method: string;
  url: URL;
  /** Path segments, URL-decoded. */
  segments: string[];
  /** Lower-cased header names, first value only. */
  headers: Record<string, string>;
  /** x-www-form-urlencoded fields (first value wins), raw (unredacted). */
  form: Record<string, string>;
  rawBody: Buffer;
  /** Bare origin of the emulator (http[s]://host:port). */
  origin: string;
  state: EmulatorState;
  minter: TokenMinter;
  errors: ErrorContext;
  /** Test-only hooks the control routes need. */
  control: ControlHooks;
}

export interface ControlHooks {
  inject(fault: Fault, count?: number): void;
  clearFaults(): void;
  requests(): readonly RecordedRequest[];
  clearRequests(): void;
}

export type Handler = (ctx: RequestContext) => EmulatorResponse | Promise<EmulatorResponse>;

export const JSON_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store, no-cache',
  pragma: 'no-cache',
};

export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function fromAadError(e: AadError): EmulatorResponse {
  return json(e.status, e.body);
}

export function html(status: number, body: string): EmulatorResponse {
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store, no-cache',
      pragma: 'no-cache',
      'x-frame-options': 'DENY',
    },
    body,
  };
}

export function notFound(ctx: RequestContext): EmulatorResponse {
  return json(404, { error: 'not_found', error_description: `No emulator route for ${ctx.method} ${ctx.url.pathname}` });
}

export function methodNotAllowed(ctx: RequestContext, allowed: string): EmulatorResponse {
  return json(
    405,
    { error: 'invalid_request', error_description: `${ctx.method} is not supported on ${ctx.url.pathname}; use ${allowed}.` },
    { allow: allowed },
  );
}

/** Escapes text for HTML element content and attribute values. */
export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
