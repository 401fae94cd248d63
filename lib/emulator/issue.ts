// Shared by every grant: the v1 success body (numbers as strings), tokens minted for it. No grant logic, no client checks.
import type { ClientAuthMethod } from './client-auth.js';
import { json, type RequestContext } from './context.js';
import type { UserRecord } from './state.js';
import { unsignedIdToken } from './tokens.js';
import type { EmulatorClient, EmulatorResponse } from './types.js';

export interface Issue {
  client: EmulatorClient;
  auth: ClientAuthMethod;
  resource: string;
  user?: UserRecord;
  /** Send an unsigned id_token (the request carried scope=openid). */
  idToken?: boolean;
  amr?: string[];
}

/** Mints the access token (and RT for user flows) and builds the v1 success response. */
export async function issueTokenResponse(ctx: RequestContext, i: Issue): Promise<EmulatorResponse> {
  const { state, minter } = ctx;
  const nowSeconds = Math.floor(state.nowMs() / 1000);
  const lifetime = Math.max(1, Math.round(state.tokenLifetimeSeconds));
  const t = minter.times(nowSeconds, lifetime);
  const accessToken = await minter.accessToken(
    {
      tenantId: state.tenantId,
      client: i.client,
      resource: i.resource,
      auth: i.auth,
      ...(i.user ? { user: i.user } : {}),
      ...(i.amr ? { amr: i.amr } : {}),
    },
    t,
  );
  const body: Record<string, string> = {
    token_type: 'Bearer',
    ...(i.user ? { scope: 'user_impersonation' } : {}),
    expires_in: String(lifetime),
    ext_expires_in: String(lifetime),
    expires_on: String(t.exp),
    not_before: String(t.nbf),
    resource: i.resource,
    access_token: accessToken,
  };
  if (i.user) {
    body['refresh_token'] = state.issueRefreshToken(i.client.clientId, i.user.username, i.resource);
    if (i.idToken) body['id_token'] = unsignedIdToken(state.tenantId, i.client.clientId, i.user, t, i.amr);
  }
  return json(200, body);
}

/** Did the request ask for an id_token (`scope` contains `openid`)? */
export function wantsIdToken(ctx: RequestContext): boolean {
  return (ctx.form['scope'] ?? '').split(/\s+/).includes('openid');
}
