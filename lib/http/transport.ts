// One HTTP exchange: undici (loaded on first use) or a caller's fetch, with a timeout, the caller's
// AbortSignal, no redirects and a capped body. Retries are not done here (see retry.ts).
import type { Dispatcher } from 'undici';
import { ResponseError, TransportError } from '../errors.js';
import { redactFormBody, redactJsonBody, scrub } from '../redact.js';
import type { HttpRequest, HttpResponse, TransportOptions } from './types.js';
// undici costs tens of milliseconds to load: it is loaded when a request is really sent
import { loadUndici, type UndiciParts } from './undici.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_BODY_BYTES = 1024 * 1024;

let envDispatcher: Promise<Dispatcher> | undefined;

/** Honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY; otherwise (undefined) undici's global dispatcher. */
function defaultDispatcher(undici: UndiciParts): Promise<Dispatcher> | undefined {
  const env = process.env;
  const proxied = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy;
  if (!proxied) return undefined;
  envDispatcher ??= undici.envHttpProxyAgent();
  return envDispatcher;
}

// taken, not imported: an ES module's import of a built-in costs the loader a wrapper module
const { EventEmitter } = process.getBuiltinModule('node:events');

/** An EventEmitter signal for undici; `aborted` also covers a cancel before undici listens. */
class CancelSignal extends EventEmitter {
  aborted = false;
  fire(): void {
    this.aborted = true;
    this.emit('abort');
  }
}

/** Sends one request and returns the whole (capped) response. Never follows redirects. */
export async function sendOnce(request: HttpRequest, options: TransportOptions = {}): Promise<HttpResponse> {
  const { signal, log } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const secrets = options.secrets ?? [];

  if (signal?.aborted) throw aborted(request.url);
  // What cancels the exchange on timeout or the caller's abort: an AbortController for a caller's
  // fetch; for undici a plain EventEmitter, which it accepts as a signal and which costs far less
  // per request than an AbortController.
  const controller = options.fetch ? new AbortController() : undefined;
  const emitter = controller ? undefined : new CancelSignal();
  let timedOut = false;
  const cancel = () => (controller ? controller.abort() : emitter!.fire());
  const timer = setTimeout(() => {
    timedOut = true;
    cancel();
  }, timeoutMs);
  const onAbort = () => cancel();
  signal?.addEventListener('abort', onAbort, { once: true });

  if (log) {
    const body = request.body === undefined ? '' : ` form: ${scrub(redactFormBody(request.body), secrets)}`;
    log(`-> ${request.method} ${request.url} (client-request-id ${request.headers['client-request-id'] ?? '-'})${body}`);
  }
  // process.hrtime, not performance.now(): Node loads perf_hooks (nine modules, ~2 ms) on the
  // first use of the global `performance`, which the request path has no other use for
  const started = process.hrtime.bigint();
  try {
    const response = controller
      ? await viaFetch(request, options, controller.signal, maxBytes)
      : await viaUndici(request, options, emitter!, maxBytes);
    response.durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    if (log) {
      const trace = response.headers['x-ms-request-id'] ?? '-';
      log(`<- ${response.status} from ${request.url} in ${response.durationMs} ms (x-ms-request-id ${trace}) body: ${scrub(redactJsonBody(response.body, secrets), secrets)}`);
    }
    return response;
  } catch (error) {
    if (error instanceof ResponseError) throw error;
    if (signal?.aborted) throw aborted(request.url);
    if (timedOut) {
      throw new TransportError('ERR_TIMEOUT', `No complete answer from ${request.url} within ${timeoutMs} ms (timeoutMs).`, {
        url: request.url,
      });
    }
    const reason = errorCode(error);
    const detail = scrub(describeCause(error), secrets);
    throw new TransportError('ERR_TRANSPORT', `Could not reach ${request.url}: ${detail}.`, { url: request.url, reason });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function aborted(url: string): TransportError {
  return new TransportError('ERR_ABORTED', `The request to ${url} was aborted.`, { url });
}

async function viaUndici(request: HttpRequest, options: TransportOptions, signal: CancelSignal, maxBytes: number): Promise<HttpResponse> {
  const undici = await loadUndici();
  // without a proxy there is nothing to wait for: undici's global dispatcher is used
  const dispatcher = options.dispatcher ?? defaultDispatcher(undici);
  // On the dispatchers the library picks, sendOnce's timer (timeoutMs) is the request's only one:
  // undici's own headers and body timers (300 s each by default, which cut a longer timeoutMs
  // short) are switched off. They tick every half second while a request has one and once more
  // after it ends, which woke a device-code poller a third time per poll. A caller's dispatcher
  // keeps its own settings.
  const res = await undici.request(request, signal, dispatcher && (await dispatcher), options.dispatcher ? undefined : 0);
  const headers: Record<string, string> = {};
  const received = res.headers;
  for (const name of Object.keys(received)) {
    const value = received[name];
    if (value !== undefined) headers[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  tooLargeByLength(headers, maxBytes, res.statusCode, request.url, () => res.body.destroy());
  // a declared length within the cap is enforced by undici (a longer body is an error): read it whole
  if (headers['content-length'] !== undefined && headers['transfer-encoding'] === undefined) {
    return { status: res.statusCode, headers, body: await res.body.text(), durationMs: 0 };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      res.body.destroy();
      throw tooLarge(res.statusCode, request.url, maxBytes, headers);
    }
    chunks.push(chunk);
  }
  return { status: res.statusCode, headers, body: Buffer.concat(chunks, size).toString('utf8'), durationMs: 0 };
}

async function viaFetch(request: HttpRequest, options: TransportOptions, signal: AbortSignal, maxBytes: number): Promise<HttpResponse> {
  const init: RequestInit = {
    method: request.method,
    headers: request.headers,
    body: request.body ?? null,
    signal,
    redirect: 'manual',
  };
  if (options.dispatcher) (init as Record<string, unknown>).dispatcher = options.dispatcher;
  const res = await untilAborted(options.fetch!(request.url, init), signal);
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  tooLargeByLength(headers, maxBytes, res.status, request.url, () => void res.body?.cancel().catch(() => {}));
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await untilAborted(reader.read(), signal).catch((error: unknown) => {
        void reader.cancel().catch(() => {});
        throw error;
      });
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(res.status, request.url, maxBytes, headers);
      }
      chunks.push(value);
    }
  }
  return { status: res.status, headers, body: Buffer.concat(chunks, size).toString('utf8'), durationMs: 0 };
}

/** Settles like `promise`, or rejects once `signal` aborts: a caller's fetch may ignore the signal. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function tooLargeByLength(headers: Record<string, string>, maxBytes: number, status: number, url: string, discard: () => void): void {
  const length = Number(headers['content-length']);
  if (Number.isFinite(length) && length > maxBytes) {
    discard();
    throw tooLarge(status, url, maxBytes, headers);
  }
}

function tooLarge(status: number, url: string, maxBytes: number, headers: Record<string, string>): ResponseError {
  return new ResponseError(
    'ERR_BODY_TOO_LARGE',
    `The response from ${url} (HTTP ${status}) is larger than ${maxBytes} bytes; it was refused without reading further.`,
    { status, url, traceId: headers['x-ms-request-id'] },
  );
}

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
