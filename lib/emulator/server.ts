// The HTTP(S) server: body reading, routing, fault application, the request log, common headers, stop(). No grant logic.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { correlationIdFor } from './errors.js';
import { CONTROL_PREFIX, controlRoute } from './control.js';
import { JSON_HEADERS, json, methodNotAllowed, notFound, fromAadError, type ControlHooks, type RequestContext } from './context.js';
import { AADSTS } from './errors.js';
import { createAuthorize } from './authorize.js';
import { errorPage as authorizeErrorPage } from './authorize-pages.js';
import { createDeviceLogin } from './devicelogin.js';
import { deviceCodeEndpoint } from './devicecode.js';
import { errorPage, jwks, openidConfiguration, userRealm } from './discovery.js';
import { FaultQueue } from './faults.js';
import { tokenEndpoint } from './grants.js';
import { recordRequest, RequestLog } from './record.js';
import type { EmulatorState } from './state.js';
import { newTraceId, type TokenMinter } from './tokens.js';
import type { EmulatorOptions, EmulatorResponse, Fault, RecordedRequest } from './types.js';

const MAX_BODY_BYTES = 1024 * 1024;

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export interface RunningServer {
  origin: string;
  address: { host: string; port: number; loopback: boolean };
  faults: FaultQueue;
  requests(): readonly RecordedRequest[];
  stop(): Promise<void>;
}

export async function startServer(options: EmulatorOptions, state: EmulatorState, minter: TokenMinter): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const faultQueue = new FaultQueue((message) => options.log?.(message));
  const log = new RequestLog();
  const delays = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const deviceLogin = createDeviceLogin();
  const authorize = createAuthorize();
  let origin = '';
  const control: ControlHooks = {
    inject: (f, c) => faultQueue.add(f, c),
    clearFaults: () => faultQueue.clear(),
    requests: () => log.list(),
    clearRequests: () => log.clear(),
  };

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = { timer: setTimeout(() => { delays.delete(entry); resolve(); }, ms), resolve };
      delays.add(entry);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const traceId = newTraceId();
    const errors = { origin, traceId, correlationId: correlationIdFor(headers['client-request-id']), nowMs: state.nowMs() };
    const common: Record<string, string> = { 'x-ms-request-id': traceId, 'x-ms-ests-server': '2.1.emulator - d365fo-auth' };
    if (headers['return-client-request-id']?.toLowerCase() === 'true' && headers['client-request-id']) {
      common['client-request-id'] = headers['client-request-id'];
    }
    const rawBody = await readBody(req);
    if (rawBody === undefined) return send(res, { ...json(413, { error: 'invalid_request', error_description: 'Request body too large.' }), headers: { ...JSON_HEADERS, ...common } });
    // null prototype: a field named `constructor` or `__proto__` is just a field
    const form: Record<string, string> = Object.create(null) as Record<string, string>;
    if ((headers['content-type'] ?? '').toLowerCase().includes('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(rawBody.toString('utf8'))) if (!Object.hasOwn(form, k)) form[k] = v;
    }
    let segments: string[];
    try {
      segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return send(res, { ...json(400, { error: 'invalid_request', error_description: 'Malformed path.' }) });
    }
    const ctx: RequestContext = { method: req.method ?? 'GET', url, segments, headers, form, rawBody, origin, state, minter, errors, control };

    if (segments[0] === CONTROL_PREFIX) return send(res, await controlRoute(ctx, segments.slice(1)));

    const recorded = recordRequest(ctx.method, url, headers, form);
    log.add(recorded);
    const fault = faultQueue.take(recorded);
    if (fault?.delayMs) await delay(fault.delayMs);
    let response: EmulatorResponse;
    if (fault && (fault.status !== undefined || fault.body !== undefined)) {
      response = faultResponse(fault);
    } else {
      try {
        response = await route(ctx);
      } catch (e) {
        response = fromAadError(AADSTS.serverError(errors, 500));
        options.log?.(`emulator: internal error on ${ctx.method} ${url.pathname}: ${(e as Error).message}`);
      }
      if (fault?.rewrite) {
        try {
          response = fault.rewrite(response);
        } catch (e) {
          options.log?.(`emulator: a fault's rewrite threw, the real answer was sent: ${(e as Error).message}`);
        }
      }
    }
    send(res, { ...response, headers: { ...response.headers, ...common, ...(fault?.headers ?? {}) } });
  }

  async function route(ctx: RequestContext): Promise<EmulatorResponse> {
    const [first = '', second = '', third = ''] = ctx.segments;
    const n = ctx.segments.length;
    const lower = [first, second, third].map((s) => s.toLowerCase());
    if (n === 1 && lower[0] === 'devicelogin') return deviceLogin(ctx);
    if (n === 1 && lower[0] === 'error') return errorPage(ctx);
    if (n === 0) return notFound(ctx);
    const kind = state.resolveTenant(first);
    if (n === 3 && lower[1] === 'userrealm') {
      if (ctx.method !== 'GET') return methodNotAllowed(ctx, 'GET');
      return userRealm(ctx, third);
    }
    if (n === 3 && lower[1] === 'oauth2' && lower[2] === 'authorize') {
      // the browser's endpoint: an unknown tenant is an error page, not JSON
      return kind ? authorize(ctx, first) : authorizeErrorPage(AADSTS.unknownTenant(ctx.errors, first));
    }
    const known =
      (n === 3 && lower[1] === 'oauth2' && (lower[2] === 'token' || lower[2] === 'devicecode')) ||
      (n === 3 && lower[1] === '.well-known' && lower[2] === 'openid-configuration') ||
      (n === 3 && lower[1] === 'discovery' && lower[2] === 'keys');
    if (!known) return notFound(ctx);
    if (!kind) return fromAadError(AADSTS.unknownTenant(ctx.errors, first));
    if (lower[1] === 'discovery') return ctx.method === 'GET' ? jwks(ctx) : methodNotAllowed(ctx, 'GET');
    if (lower[1] === '.well-known') return ctx.method === 'GET' ? openidConfiguration(ctx, first, kind) : methodNotAllowed(ctx, 'GET');
    if (ctx.method !== 'POST') return methodNotAllowed(ctx, 'POST');
    return lower[2] === 'token' ? tokenEndpoint(ctx, first) : deviceCodeEndpoint(ctx, first);
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, json(500, { error: 'server_error' }));
      else res.destroy();
    });
  };
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : createHttpServer(handler);
  // Large front ends keep idle connections for minutes; Node's default (5 s) would make a client
  // that polls every 5 s (device code) open a new connection, and a new TLS session, each time.
  server.keepAliveTimeout = 120_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `${options.tls ? 'https' : 'http'}://${urlHost(host)}:${port}`;
  const loopback = isLoopback(host);

  return {
    origin,
    address: { host, port, loopback },
    faults: faultQueue,
    requests: () => log.list(),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const d of delays) { clearTimeout(d.timer); d.resolve(); }
        delays.clear();
        state.dispose();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function faultResponse(fault: Fault): EmulatorResponse {
  const b = fault.body;
  const body = b === undefined ? '' : typeof b === 'string' || b instanceof Uint8Array ? b : JSON.stringify(b);
  return { status: fault.status ?? 200, headers: { ...JSON_HEADERS }, body };
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: EmulatorResponse): void {
  if (res.destroyed) return;
  const body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : Buffer.from(r.body);
  res.writeHead(r.status, { ...r.headers, 'content-length': String(body.length) });
  res.end(body);
}
