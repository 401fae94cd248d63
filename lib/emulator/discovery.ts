// Read-only documents: UserRealm, openid-configuration, the JWKS and the /error page. No token logic.
import { json, html, esc, type RequestContext } from './context.js';
import type { EmulatorResponse } from './types.js';

/** GET /common/UserRealm/{upn}: Managed, Federated (user's `federated` flag) or Unknown (foreign domain). */
export function userRealm(ctx: RequestContext, upn: string): EmulatorResponse {
  const { state, origin } = ctx;
  const domain = upn.includes('@') ? upn.slice(upn.lastIndexOf('@') + 1) : '';
  const common = { ver: '1.0', cloud_instance_name: 'microsoftonline.com', cloud_audience_urn: 'urn:federation:MicrosoftOnline' };
  if (!domain || !state.knowsDomain(domain)) return json(200, { ver: '1.0', account_type: 'Unknown', cloud_instance_name: 'microsoftonline.com' });
  const user = state.findUser(upn);
  const sameDomain = state.users.filter((u) => u.username.toLowerCase().endsWith(`@${domain.toLowerCase()}`));
  const federated = user ? Boolean(user.federated) : sameDomain.length > 0 && sameDomain.every((u) => u.federated);
  if (!federated) return json(200, { ...common, account_type: 'Managed', domain_name: domain.toLowerCase() });
  return json(200, {
    ...common,
    account_type: 'Federated',
    domain_name: domain.toLowerCase(),
    federation_protocol: 'WSTrust',
    // Pointing at the emulator keeps every follow-up call on loopback (it answers 404: no WS-Trust here).
    federation_metadata_url: `${origin}/adfs/services/trust/mex`,
    federation_active_auth_url: `${origin}/adfs/services/trust/2005/usernamemixed`,
    federation_global_version: -1,
  });
}

/** GET /{tenant}/.well-known/openid-configuration (v1 shape). */
export function openidConfiguration(ctx: RequestContext, tenant: string, kind: 'tenant' | 'multi'): EmulatorResponse {
  const { origin, state } = ctx;
  const tid = kind === 'tenant' ? state.tenantId : '{tenantid}';
  const base = `${origin}/${tenant}`;
  return json(200, {
    token_endpoint: `${base}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${origin}/common/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: `https://sts.windows.net/${tid}/`,
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${base}/oauth2/authorize`,
    device_authorization_endpoint: `${base}/oauth2/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/logout`,
    claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'amr', 'nonce', 'email', 'given_name', 'family_name', 'nickname'],
    tenant_region_scope: 'NA',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
  });
}

/** GET /common/discovery/keys (and /{tenant}/discovery/keys). */
export function jwks(ctx: RequestContext): EmulatorResponse {
  return json(200, ctx.minter.jwks(), { 'cache-control': 'max-age=86400, private' });
}

/** GET /error?code=N: where error_uri points. */
export function errorPage(ctx: RequestContext): EmulatorResponse {
  const code = ctx.url.searchParams.get('code') ?? '';
  return html(200, `<!doctype html><html><head><title>Error ${esc(code)}</title></head><body><h1>AADSTS${esc(code)}</h1><p>This is the d365fo-auth AAD v1 emulator. See https://learn.microsoft.com/entra/identity-platform/reference-error-codes for the meaning of this code.</p></body></html>`);
}
