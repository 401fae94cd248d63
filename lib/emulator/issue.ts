// Shared by every grant: client authentication rules and the v1 success body (numbers as strings). No grant logic.
import { AADSTS, type AadError } from './errors.js';
import { json, type RequestContext } from './context.js';
import { sameSecret, type UserRecord } from './state.js';
import { unsignedIdToken } from './tokens.js';
import type { EmulatorClient, EmulatorResponse } from './types.js';

export type ClientCheck = { client: EmulatorClient; confidential: boolean } | { error: AadError };

/**
 * Finds and authenticates the client. User flows (`public`) accept a public client without a secret;
 * `confidential` (client_credentials) needs the secret. A secret sent by a secret-less client is refused.
 */
export function authenticateClient(ctx: RequestContext, mode: 'public' | 'confidential', tenantLabel: string): ClientCheck {
  const clientId = ctx.form['client_id'];
  if (!clientId) return { error: AADSTS.missingParameter(ctx.errors, 'client_id') };
  const client = ctx.state.findClient(clientId);
  if (!client) return { error: AADSTS.unknownClient(ctx.errors, clientId, tenantLabel) };
  const sent = ctx.form['client_secret'];
  if (sent !== undefined && sent !== '') {
    if (client.secret === undefined) return { error: AADSTS.publicClientWithSecret(ctx.errors) };
    if (!sameSecret(sent, client.secret)) return { error: AADSTS.wrongSecret(ctx.errors, client.clientId) };
    return { client, confidential: true };
  }
  if (mode === 'confidential' || !client.allowPublicClientFlows) return { error: AADSTS.secretRequired(ctx.errors) };
  return { client, confidential: false };
}

export interface Issue {
  client: EmulatorClient;
  confidential: boolean;
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
      confidential: i.confidential,
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
    if (i.idToken) body['id_token'] = unsignedIdToken(state.tenantId, i.client.clientId, i.user, t);
  }
  return json(200, body);
}

/** Did the request ask for an id_token (`scope` contains `openid`)? */
export function wantsIdToken(ctx: RequestContext): boolean {
  return (ctx.form['scope'] ?? '').split(/\s+/).includes('openid');
}
