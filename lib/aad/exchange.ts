// Sends one AAD request (form POST or GET) through the retry policy and records what the checkers
// need: the response, the local send time and the correlation id. It does not interpret the body.
import { systemClock } from '../clock.js';
import { encodeForm } from '../http/form.js';
import { send } from '../http/retry.js';
import type { CommonOptions, HttpRequest } from '../http/types.js';
import type { Exchange } from './check.js';
import { aadHeaders } from './headers.js';
import { checkCorrelationId, checkPositive } from './input.js';

/** Checks the common options that do not go into a URL (those are checked by resolveAuthority). */
export function checkCommon(options: CommonOptions): void {
  checkCorrelationId(options.correlationId);
  if (options.timeoutMs !== undefined) checkPositive(options.timeoutMs, 'timeoutMs', 600_000);
}

async function exchange(what: string, request: HttpRequest, options: CommonOptions, secrets: readonly (string | undefined)[]): Promise<Exchange> {
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
  return { what, url: request.url, response, sentAt, correlationId: request.headers['client-request-id']!, secrets };
}

/** POSTs form `fields` (undefined values left out) to `url`. */
export function postForm(
  what: string,
  url: string,
  fields: Readonly<Record<string, string | undefined>>,
  options: CommonOptions,
  secrets: readonly (string | undefined)[],
): Promise<Exchange> {
  const request: HttpRequest = { method: 'POST', url, headers: aadHeaders(options.correlationId, true), body: encodeForm(fields) };
  return exchange(what, request, options, secrets);
}

export function getJson(what: string, url: string, options: CommonOptions): Promise<Exchange> {
  const request: HttpRequest = { method: 'GET', url, headers: aadHeaders(options.correlationId, false) };
  return exchange(what, request, options, []);
}
