// Builds one AAD request (the headers every call carries, a percent-encoded form), sends it through
// the retry policy, and records what the checkers need: the response, the local send time and the
// correlation id. It does not interpret the body.
import { randomUUID } from 'node:crypto';
import { systemClock } from '../clock.js';
import { InputError } from '../errors.js';
import { send } from '../http/retry.js';
import type { CommonOptions, HttpRequest } from '../http/types.js';
import { VERSION } from '../version.js';
import type { Exchange } from './check.js';
import type { ClientAuth } from './client-auth.js';
import { checkCorrelationId, checkPositive } from './input.js';

const USER_AGENT = `d365fo-auth/${VERSION} (node ${process.version}; ${process.platform} ${process.arch})`;

/** A new correlation id, sent as the client-request-id header. */
export function newCorrelationId(): string {
  return randomUUID();
}

/** The headers of every AAD call: correlation id (echoed back), client identification, Accept. */
export function aadHeaders(correlationId: string | undefined, post: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'client-request-id': correlationId ?? newCorrelationId(),
    'return-client-request-id': 'true',
    'x-client-sku': 'd365fo-auth',
    'x-client-ver': VERSION,
    'x-client-os': process.platform,
    'x-client-cpu': process.arch,
    'user-agent': USER_AGENT,
  };
  if (post) headers['content-type'] = 'application/x-www-form-urlencoded;charset=utf-8';
  return headers;
}

/** RFC 3986 unreserved characters stay; everything else (including !'()*) is percent-encoded. */
export function encodeFormValue(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Encodes the defined fields in the given order; undefined values are left out. */
export function encodeForm(fields: Readonly<Record<string, string | undefined>>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) parts.push(`${encodeFormValue(key)}=${encodeFormValue(value)}`);
  }
  return parts.join('&');
}

/** Checks the common options that do not go into a URL (those are checked by resolveAuthority). */
export function checkCommon(options: CommonOptions): void {
  checkCorrelationId(options.correlationId);
  if (options.timeoutMs !== undefined) checkPositive(options.timeoutMs, 'timeoutMs', 600_000);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new InputError('signal must be an AbortSignal.', 'ERR_INVALID_INPUT', 'signal');
}

export interface FormPost {
  /** What is asked, for messages: e.g. "token endpoint". */
  what: string;
  url: string;
  /** The form, in wire order; undefined values are left out. */
  fields: Readonly<Record<string, string | undefined>>;
  /** The client's credentials, added to every attempt (a fresh assertion each time) for `audience`. */
  auth?: { client: ClientAuth; audience: string } | undefined;
  /** Values that must never appear in a log line or an error. */
  secrets: readonly (string | undefined)[];
}

/** POSTs a form and returns the exchange (any status). */
export async function postForm(post: FormPost, options: CommonOptions): Promise<Exchange> {
  const clock = options.clock ?? systemClock;
  const headers = aadHeaders(options.correlationId, true);
  const { auth } = post;
  const secrets = [...post.secrets, ...(auth?.client.secrets ?? [])];
  const request: HttpRequest | (() => Promise<HttpRequest>) =
    auth === undefined || !auth.client.confidential
      ? { method: 'POST', url: post.url, headers, body: encodeForm(post.fields) }
      : async () => ({
          method: 'POST',
          url: post.url,
          headers,
          body: encodeForm({ ...post.fields, ...(await auth.client.fields(auth.audience, Math.floor(clock.now() / 1000))) }),
        });
  return exchange(post.what, post.url, request, headers['client-request-id']!, options, secrets);
}

export function getJson(what: string, url: string, options: CommonOptions): Promise<Exchange> {
  const headers = aadHeaders(options.correlationId, false);
  return exchange(what, url, { method: 'GET', url, headers }, headers['client-request-id']!, options, []);
}

async function exchange(
  what: string,
  url: string,
  request: HttpRequest | (() => Promise<HttpRequest>),
  correlationId: string,
  options: CommonOptions,
  secrets: readonly (string | undefined)[],
): Promise<Exchange> {
  const clock = options.clock ?? systemClock;
  const sentAt = clock.now();
  const response = await send(request, {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
    dispatcher: options.dispatcher,
    log: options.log,
    clock,
    secrets,
  });
  return { what, url, response, sentAt, correlationId, secrets };
}
