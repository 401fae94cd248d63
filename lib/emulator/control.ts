// Test-only control routes under /_emulator/ (device codes, faults, refresh tokens, request log). Never returns a secret.
import { json, methodNotAllowed, notFound, type RequestContext } from './context.js';
import { faults, matchers } from './faults.js';
import type { EmulatorResponse, Fault, RecordedRequest } from './types.js';

export const CONTROL_PREFIX = '_emulator';

type Body = Record<string, unknown>;

function readJson(ctx: RequestContext): Body | undefined {
  const text = ctx.rawBody.toString('utf8').trim();
  if (!text) return {};
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Body) : undefined;
  } catch {
    return undefined;
  }
}

const bad = (message: string) => json(400, { error: 'invalid_request', error_description: message });
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** `{ path?, grantType?, endpoint?: 'token'|'devicecode'|'userrealm' }` → a matcher (all given parts must hold). */
function matcherFrom(spec: unknown): ((r: RecordedRequest) => boolean) | undefined {
  if (!spec || typeof spec !== 'object') return undefined;
  const s = spec as Body;
  const parts: Array<(r: RecordedRequest) => boolean> = [];
  const endpoint = str(s['endpoint']);
  if (endpoint === 'token') parts.push(matchers.token(str(s['grantType'])));
  else if (str(s['grantType'])) parts.push(matchers.token(str(s['grantType'])));
  if (endpoint === 'devicecode') parts.push(matchers.deviceCode());
  if (endpoint === 'userrealm') parts.push(matchers.userRealm());
  if (str(s['path'])) parts.push(matchers.path(str(s['path'])!));
  return parts.length ? (r) => parts.every((p) => p(r)) : undefined;
}

/** POST /_emulator/faults body → a Fault: `{ kind, args }` for a shortcut, or raw `{ status, headers, body, delayMs }`. */
export function faultFromJson(b: Body): Fault | string {
  const match = matcherFrom(b['match']);
  const opts = match ? { match } : undefined;
  const args = Array.isArray(b['args']) ? (b['args'] as unknown[]) : [];
  const kind = str(b['kind']);
  switch (kind) {
    case undefined: {
      const fault: Fault = {};
      if (num(b['status']) !== undefined) fault.status = num(b['status'])!;
      if (num(b['delayMs']) !== undefined) fault.delayMs = num(b['delayMs'])!;
      if (b['headers'] && typeof b['headers'] === 'object') fault.headers = Object.fromEntries(Object.entries(b['headers'] as Body).map(([k, v]) => [k, String(v)]));
      if (typeof b['body'] === 'string' || (b['body'] && typeof b['body'] === 'object')) fault.body = b['body'] as string | Record<string, unknown>;
      if (match) fault.match = match;
      return fault;
    }
    case 'throttle': return faults.throttle(num(args[0]) ?? 1, opts);
    case 'serverError': return faults.serverError(num(args[0]) ?? 500, { ...opts, ...(typeof args[1] === 'object' && args[1] ? (args[1] as Body) : {}) });
    case 'slow': return faults.slow(num(args[0]) ?? 1000, opts);
    case 'oversized': return faults.oversized(num(args[0]), opts);
    case 'html': return faults.html(num(args[0]) ?? 200, opts);
    case 'truncatedJson': return faults.truncatedJson(opts);
    case 'wrongResource': return faults.wrongResource(str(args[0]), opts);
    case 'slowDown': return faults.slowDown(opts);
    default: return `unknown fault kind '${kind}'`;
  }
}

export function controlRoute(ctx: RequestContext, rest: string[]): EmulatorResponse {
  const { state, control, method } = ctx;
  const [area, id, action] = rest;
  const body = method === 'POST' ? readJson(ctx) : {};
  if (body === undefined) return bad('The body must be a JSON object.');
  const username = str(body['username']);

  if (area === 'requests' && rest.length === 1) {
    if (method === 'GET') return json(200, { requests: control.requests() });
    if (method === 'DELETE') { control.clearRequests(); return json(200, { cleared: true }); }
    return methodNotAllowed(ctx, 'GET, DELETE');
  }
  if (area === 'device-codes') {
    if (rest.length === 1) {
      if (method !== 'GET') return methodNotAllowed(ctx, 'GET');
      return json(200, {
        deviceCodes: state.listDeviceCodes().map((r) => ({
          userCode: r.userCode, clientId: r.clientId, resource: r.resource, status: r.status,
          expired: state.isExpired(r), expiresAt: new Date(r.expiresMs).toISOString(), username: r.username ?? null,
        })),
      });
    }
    if (id && (action === 'approve' || action === 'decline') && rest.length === 3) {
      if (method !== 'POST') return methodNotAllowed(ctx, 'POST');
      const ok = state.settleDeviceCode(id, action === 'approve' ? 'approved' : 'declined', username);
      return ok ? json(200, { userCode: id.toUpperCase(), status: action === 'approve' ? 'approved' : 'declined' })
        : json(404, { error: 'not_found', error_description: `No pending device code with user code '${id}' (or unknown user).` });
    }
  }
  if (area === 'faults' && rest.length === 1) {
    if (method === 'DELETE') { control.clearFaults(); return json(200, { cleared: true }); }
    if (method !== 'POST') return methodNotAllowed(ctx, 'POST, DELETE');
    const fault = faultFromJson(body);
    if (typeof fault === 'string') return bad(fault);
    const count = num(body['count']) ?? 1;
    if (!Number.isInteger(count) || count < 1) return bad('count must be a positive integer.');
    control.inject(fault, count);
    return json(200, { injected: count });
  }
  if (area === 'refresh-tokens' && (id === 'revoke' || id === 'expire') && rest.length === 2) {
    if (method !== 'POST') return methodNotAllowed(ctx, 'POST');
    const n = state.markRefreshTokens(id === 'revoke' ? 'revoked' : 'inactive', username);
    return json(200, { [id === 'revoke' ? 'revoked' : 'expired']: n });
  }
  if (area === 'config' && rest.length === 1 && method === 'GET') {
    return json(200, {
      tenantId: state.tenantId,
      tenantDomain: state.tenantDomain,
      users: state.users.map((u) => ({ username: u.username, oid: u.oid, mfaRequired: !!u.mfaRequired, locked: !!u.locked, federated: !!u.federated })),
      clients: [...state.clients.values()].map((c) => ({ clientId: c.clientId, confidential: c.secret !== undefined, allowPublicClientFlows: !!c.allowPublicClientFlows })),
    });
  }
  return notFound(ctx);
}
