// The parts of undici the transport uses (request and the global dispatcher), loaded on first use
// from undici's own files. undici's main file also loads fetch, WebSocket,
// EventSource, the cache stores and the mock agents: 5 MB of heap for code this library never
// runs, which a process then pays for in garbage collection (a device-code sign-in that waits
// minutes notices). undici has no "exports" map, so these files are reachable paths of the
// package; should a future undici move them, the main file is used instead (a test watches that).
//
// undici is CommonJS, and it is loaded with require(): import() of a CommonJS file goes through
// the ES module loader first (it reads the file and scans it for export names, and the first such
// import sets up the scanner), which made loading these parts 7 ms slower from the library and
// 15 ms slower from the CommonJS CLI on a 2-core machine, and left 0.15-0.4 MB more on the heap.
import type { Dispatcher } from 'undici';
import type { HttpRequest } from './types.js';

export interface UndiciParts {
  /**
   * `undici.request()`: one request on `dispatcher`, or undici's global dispatcher when undefined.
   * undici's options are built here in one object literal: the object rest and spread that passed
   * them through before took about half of the library's own work per grant (13 -> 7 us, measured
   * on an in-memory dispatcher beside a bare undici.request()). `phaseTimeouts` is undici's
   * headersTimeout and bodyTimeout for the request: 0 switches them off, undefined leaves the
   * dispatcher's own.
   */
  request(
    request: HttpRequest,
    signal: Dispatcher.RequestOptions['signal'],
    dispatcher: Dispatcher | undefined,
    phaseTimeouts: 0 | undefined,
  ): Promise<Dispatcher.ResponseData>;
  /** A dispatcher that honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY (loaded when first asked for). */
  envHttpProxyAgent(): Promise<Dispatcher>;
  /** Where the parts came from: undici's files, or (fallback) its main file. */
  from: 'files' | 'main';
}

type RequestFn = (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
type Undici = typeof import('undici');

let loading: Promise<UndiciParts> | undefined;

export function loadUndici(): Promise<UndiciParts> {
  loading ??= new Promise<UndiciParts>((ok) => ok(fromFiles())).catch(fromMain);
  return loading;
}

/** require() resolving from this file, as import() would (the CLI build defines import.meta.url). */
function requireHere(): NodeJS.Require {
  return process.getBuiltinModule('node:module').createRequire(import.meta.url);
}

function fromFiles(): UndiciParts {
  const require = requireHere();
  const send = require('undici/lib/api/api-request.js') as unknown;
  // sets undici's global dispatcher (an Agent) unless one is set already, as the main file does
  const { getGlobalDispatcher } = require('undici/lib/global.js') as { getGlobalDispatcher?: () => Dispatcher };
  if (typeof send !== 'function' || typeof getGlobalDispatcher !== 'function') throw new Error('undici moved its files');
  return {
    request({ url, method, headers, body }, signal, dispatcher, phaseTimeouts) {
      const { origin, path } = splitUrl(url);
      const options = { origin, path, method, headers, body, signal, headersTimeout: phaseTimeouts, bodyTimeout: phaseTimeouts };
      return (send as RequestFn).call(dispatcher ?? getGlobalDispatcher(), options);
    },
    // the proxy agent needs the methods undici's main file adds to every dispatcher (its tunnel
    // uses connect()): with a proxy configured, the main file is loaded
    async envHttpProxyAgent() {
      const { EnvHttpProxyAgent } = require('undici') as Undici;
      return new EnvHttpProxyAgent();
    },
    from: 'files',
  };
}

/** Origin and path of a URL; the few URLs a process sends to are parsed once. */
const splitUrls = new Map<string, { origin: string; path: string }>();
function splitUrl(url: string): { origin: string; path: string } {
  let split = splitUrls.get(url);
  if (!split) {
    const { origin, pathname, search } = new URL(url);
    split = { origin, path: `${pathname}${search}` };
    if (splitUrls.size >= 64) splitUrls.clear();
    splitUrls.set(url, split);
  }
  return split;
}

function fromMain(): UndiciParts {
  const undici = requireHere()('undici') as Undici;
  return {
    request: ({ url, method, headers, body }, signal, dispatcher, phaseTimeouts) =>
      undici.request(url, { method, headers, body, signal, dispatcher, headersTimeout: phaseTimeouts, bodyTimeout: phaseTimeouts }),
    envHttpProxyAgent: async () => new undici.EnvHttpProxyAgent(),
    from: 'main',
  };
}
