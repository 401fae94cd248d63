// One HTTP exchange on undici's public API, or a caller's fetch: `timeoutMs` and the caller's signal
// end every phase (connect, proxy CONNECT, TLS, headers, body), redirects are never followed and the
// body is capped. Retries are not done here (see retry.ts).
import type { Dispatcher } from 'undici';
import { ResponseError, TransportError } from '../errors.js';
import { redactFormBody, redactJsonBody, scrubber } from '../redact.js';
import type { HttpRequest, HttpResponse, TransportOptions } from './types.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_BODY_BYTES = 1024 * 1024;

type Undici = typeof import('undici');
let undici: Promise<Undici> | undefined;
// undici is loaded when the first request is sent: a command answered from a saved token never loads it
const loadUndici = (): Promise<Undici> => (undici ??= import('undici'));

/**
 * The library's own dispatchers, one per timeout value (callers rarely use more than one). undici's
 * request() does not observe its signal while a connection is being made (undici issue #386), so the
 * dispatcher carries the timeout for that phase itself: TCP and TLS (`connect.timeout`) and, behind a
 * proxy from HTTPS_PROXY/HTTP_PROXY/NO_PROXY, the proxy's TCP connect and its answer to CONNECT.
 */
const dispatchers = new Map<number, Dispatcher>();
function libraryDispatcher(lib: Undici, timeoutMs: number): Dispatcher {
  let dispatcher = dispatchers.get(timeoutMs);
  if (dispatcher === undefined) {
    const env = process.env;
    const proxied = env['HTTPS_PROXY'] || env['https_proxy'] || env['HTTP_PROXY'] || env['http_proxy'];
    dispatcher = proxied
      ? new lib.EnvHttpProxyAgent({
          connect: { timeout: timeoutMs },
          proxyTls: { timeout: timeoutMs },
          clientFactory: (origin: URL, options: object) => new lib.Pool(origin, { ...options, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }),
        } as ConstructorParameters<Undici['EnvHttpProxyAgent']>[0])
      : new lib.Agent({ connect: { timeout: timeoutMs } });
    if (dispatchers.size >= 8) dispatchers.clear();
    dispatchers.set(timeoutMs, dispatcher);
  }
  return dispatcher;
}

/** Sends one request and returns the whole (capped) response. */
export async function sendOnce(request: HttpRequest, options: TransportOptions = {}): Promise<HttpResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const { log, signal: callerSignal } = options;
  if (callerSignal?.aborted) throw aborted(request.url);
  // one signal for the exchange, aborted by the timeout or by the caller's signal; the timer keeps
  // the process alive while the request is out (AbortSignal.timeout()'s would not)
  const controller = new AbortController();
  const signal = controller.signal;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort();
  callerSignal?.addEventListener('abort', onAbort, { once: true });

  if (log) {
    const scrub = scrubber(options.secrets);
    const body = request.body === undefined ? '' : ` form: ${scrub(redactFormBody(request.body))}`;
    log(`-> ${request.method} ${request.url} (client-request-id ${request.headers['client-request-id'] ?? '-'})${body}`);
  }
  const started = performance.now();
  try {
    const exchange = options.fetch ? viaFetch(options.fetch, request, options, signal, maxBytes) : viaUndici(request, options, signal, timeoutMs, maxBytes);
    // settles at once on abort or timeout, whatever the transport underneath is still doing
    const response = await untilAborted(exchange, signal);
    response.durationMs = Math.round(performance.now() - started);
    if (log) {
      const trace = response.headers['x-ms-request-id'] ?? '-';
      log(`<- ${response.status} from ${request.url} in ${response.durationMs} ms (x-ms-request-id ${trace}) body: ${redactJsonBody(response.body, options.secrets)}`);
    }
    return response;
  } catch (error) {
    if (error instanceof ResponseError) throw error;
    if (callerSignal?.aborted) throw aborted(request.url);
    if (timedOut) {
      throw new TransportError('ERR_TIMEOUT', `No complete answer from ${request.url} within ${timeoutMs} ms (timeoutMs).`, { url: request.url });
    }
    const reason = errorCode(error);
    const detail = scrubber(options.secrets)(describeCause(error));
    throw new TransportError('ERR_TRANSPORT', `Could not reach ${request.url}: ${detail}.`, { url: request.url, reason });
  } finally {
    clearTimeout(timer);
    callerSignal?.removeEventListener('abort', onAbort);
  }
}

function aborted(url: string): TransportError {
  return new TransportError('ERR_ABORTED', `The request to ${url} was aborted.`, { url });
}

async function viaUndici(request: HttpRequest, options: TransportOptions, signal: AbortSignal, timeoutMs: number, maxBytes: number): Promise<HttpResponse> {
  const lib = await loadUndici();
  const res = await lib.request(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body ?? null,
    signal,
    dispatcher: options.dispatcher ?? libraryDispatcher(lib, timeoutMs),
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  try {
    refuseDeclaredLength(headers, maxBytes, res.statusCode, request.url);
    // a declared length within the cap is held to by undici (a longer body is an error): read it whole
    const declared = headers['content-length'] !== undefined && headers['transfer-encoding'] === undefined;
    const body = declared ? await res.body.text() : await readCapped(res.body, maxBytes, res.statusCode, request.url, headers);
    return { status: res.statusCode, headers, body, durationMs: 0 };
  } catch (error) {
    res.body.destroy();
    throw error;
  }
}

async function viaFetch(
  fetch: NonNullable<TransportOptions['fetch']>,
  request: HttpRequest,
  options: TransportOptions,
  signal: AbortSignal,
  maxBytes: number,
): Promise<HttpResponse> {
  const init: RequestInit = { method: request.method, headers: request.headers, body: request.body ?? null, signal, redirect: 'manual' };
  // undici's fetch (the global one) takes a dispatcher beside the standard fields
  if (options.dispatcher) (init as Record<string, unknown>)['dispatcher'] = options.dispatcher;
  const res = await fetch(request.url, init);
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  try {
    refuseDeclaredLength(headers, maxBytes, res.status, request.url);
    const body = res.body ? await readCapped(res.body as AsyncIterable<Uint8Array>, maxBytes, res.status, request.url, headers) : '';
    return { status: res.status, headers, body, durationMs: 0 };
  } catch (error) {
    void res.body?.cancel().catch(() => {});
    throw error;
  }
}

/** Reads a body up to `maxBytes`; one byte more is refused without reading further. */
async function readCapped(body: AsyncIterable<Uint8Array>, maxBytes: number, status: number, url: string, headers: Record<string, string>): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(status, url, maxBytes, headers);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/** Settles like `promise`, or rejects as soon as `signal` aborts (the promise's later outcome is ignored). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => {});
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function refuseDeclaredLength(headers: Record<string, string>, maxBytes: number, status: number, url: string): void {
  const length = Number(headers['content-length']);
  if (Number.isFinite(length) && length > maxBytes) throw tooLarge(status, url, maxBytes, headers);
}

function tooLarge(status: number, url: string, maxBytes: number, headers: Record<string, string>): ResponseError {
  return new ResponseError('ERR_BODY_TOO_LARGE', `The response from ${url} (HTTP ${status}) is larger than ${maxBytes} bytes; it was refused without reading further.`, {
    status,
    url,
    traceId: headers['x-ms-request-id'],
  });
}

/** The first string `code` down the cause chain (e.g. ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT). */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeCause(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof message === 'string' && message) parts.push(typeof code === 'string' && !message.includes(code) ? `${code} ${message}` : message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(': ') || 'unknown error';
}
