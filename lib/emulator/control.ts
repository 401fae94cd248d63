// Test-only control routes under /_emulator/ (device codes, faults, refresh tokens, request log, sign-in completion). Never returns a given secret.
import { completeAuthorization } from './authorize.js';
import { json, methodNotAllowed, notFound, type RequestContext } from './context.js';
import { ControlInputError, faultFromJson } from './control-faults.js';
import type { EmulatorResponse } from './types.js';

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

/** The optional `{ username }` body of the device-code and refresh-token routes; a string error when it is not that. */
function usernameFrom(body: Body): string | undefined | { error: string } {
  const extra = Object.keys(body).filter((k) => k !== 'username');
  if (extra.length) return { error: `Unknown key '${extra[0]}' (allowed: username).` };
  const u = body['username'];
  if (u === undefined) return undefined;
  return typeof u === 'string' && u !== '' ? u : { error: 'username must be a non-empty string.' };
}

export async function controlRoute(ctx: RequestContext, rest: string[]): Promise<EmulatorResponse> {
  const { state, control, method } = ctx;
  const [area, id, action] = rest;
  const body = method === 'POST' ? readJson(ctx) : {};
  if (body === undefined) return bad('The body must be a JSON object.');

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
      const username = usernameFrom(body);
      if (typeof username === 'object') return bad(username.error);
      const ok = state.settleDeviceCode(id, action === 'approve' ? 'approved' : 'declined', username);
      return ok ? json(200, { userCode: id.toUpperCase(), status: action === 'approve' ? 'approved' : 'declined' })
        : json(404, { error: 'not_found', error_description: `No pending device code with user code '${id}' (or unknown user).` });
    }
  }
  if (area === 'faults' && rest.length === 1) {
    if (method === 'DELETE') { control.clearFaults(); return json(200, { cleared: true }); }
    if (method !== 'POST') return methodNotAllowed(ctx, 'POST, DELETE');
    try {
      const { fault, count } = faultFromJson(body);
      control.inject(fault, count);
      return json(200, { injected: count });
    } catch (e) {
      if (e instanceof ControlInputError || e instanceof TypeError) return bad(e.message);
      throw e;
    }
  }
  if (area === 'refresh-tokens' && (id === 'revoke' || id === 'expire') && rest.length === 2) {
    if (method !== 'POST') return methodNotAllowed(ctx, 'POST');
    const username = usernameFrom(body);
    if (typeof username === 'object') return bad(username.error);
    const n = state.markRefreshTokens(id === 'revoke' ? 'revoked' : 'inactive', username);
    return json(200, { [id === 'revoke' ? 'revoked' : 'expired']: n });
  }
  if (area === 'authorize' && id === 'complete' && rest.length === 2) {
    // completeAuthorization() for an emulator in another process (the CLI's); the answer is the redirect URL
    if (method !== 'POST') return methodNotAllowed(ctx, 'POST');
    const { url, ...options } = body;
    if (typeof url !== 'string') return bad('url must be the authorize URL, as a string.');
    try {
      return json(200, { redirectUrl: await completeAuthorization(state, ctx.origin, url, options) });
    } catch (e) {
      return bad((e as Error).message);
    }
  }
  if (area === 'config' && rest.length === 1 && method === 'GET') {
    return json(200, {
      tenantId: state.tenantId,
      tenantDomain: state.tenantDomain,
      users: state.users.map((u) => ({ username: u.username, oid: u.oid, mfaRequired: !!u.mfaRequired, locked: !!u.locked, federated: !!u.federated })),
      clients: [...state.clients.values()].map((c) => ({
        clientId: c.clientId,
        confidential: !state.isPublicClient(c),
        allowPublicClientFlows: !!c.allowPublicClientFlows,
        certificateThumbprints: state.certificatesOf(c).map((k) => k.sha1Hex),
        ...(c.redirectUris ? { redirectUris: c.redirectUris } : {}),
      })),
    });
  }
  return notFound(ctx);
}
