// POST /{tenant}/oauth2/token: dispatch by grant_type; password, refresh_token, client_credentials here. Device and auth code elsewhere.
import { AADSTS } from './errors.js';
import { fromAadError, type RequestContext } from './context.js';
import { authorizationCodeGrant } from './authcode-grant.js';
import { authenticateClient } from './client-auth.js';
import { issueTokenResponse, wantsIdToken } from './issue.js';
import { sameSecret } from './state.js';
import { pollDeviceCode } from './devicecode.js';
import type { EmulatorResponse } from './types.js';

const DEVICE_CODE_URN = 'urn:ietf:params:oauth:grant-type:device_code';

export async function tokenEndpoint(ctx: RequestContext, tenantSegment: string): Promise<EmulatorResponse> {
  const grant = ctx.form['grant_type'];
  if (!grant) return fromAadError(AADSTS.missingParameter(ctx.errors, 'grant_type'));
  switch (grant) {
    case 'password':
      return passwordGrant(ctx, tenantSegment);
    case 'refresh_token':
      return refreshTokenGrant(ctx, tenantSegment);
    case 'client_credentials':
      return clientCredentialsGrant(ctx, tenantSegment);
    case 'authorization_code':
      return authorizationCodeGrant(ctx, tenantSegment);
    case 'device_code':
    case DEVICE_CODE_URN:
      return pollDeviceCode(ctx, tenantSegment);
    default:
      return fromAadError(AADSTS.unsupportedGrant(ctx.errors, grant));
  }
}

async function passwordGrant(ctx: RequestContext, tenant: string): Promise<EmulatorResponse> {
  const { form, state, errors } = ctx;
  for (const name of ['client_id', 'resource', 'username', 'password'] as const) {
    if (!form[name]) return fromAadError(AADSTS.missingParameter(errors, name));
  }
  const auth = authenticateClient(ctx, 'public-flows', tenant);
  if ('error' in auth) return fromAadError(auth.error);
  const resource = form['resource']!;
  const user = state.findUser(form['username']!);
  if (!user) return fromAadError(AADSTS.unknownUser(errors, state.tenantDomain));
  if (user.locked) return fromAadError(AADSTS.locked(errors));
  // ESTS cannot check a federated user's password against the on-premises IdP: 50126, never a token.
  if (user.federated) return fromAadError(AADSTS.wrongPassword(errors));
  if (!sameSecret(form['password']!, user.password)) return fromAadError(AADSTS.wrongPassword(errors));
  if (user.mfaRequired) return fromAadError(AADSTS.mfaRequired(errors, resource));
  return issueTokenResponse(ctx, { ...auth, resource, user, idToken: wantsIdToken(ctx) });
}

async function refreshTokenGrant(ctx: RequestContext, tenant: string): Promise<EmulatorResponse> {
  const { form, state, errors } = ctx;
  if (!form['client_id']) return fromAadError(AADSTS.missingParameter(errors, 'client_id'));
  if (!form['refresh_token']) return fromAadError(AADSTS.missingParameter(errors, 'refresh_token'));
  const auth = authenticateClient(ctx, 'refresh', tenant);
  if ('error' in auth) return fromAadError(auth.error);
  const rt = state.findRefreshToken(form['refresh_token']!);
  if (!rt) return fromAadError(AADSTS.badGrant(errors));
  if (rt.status === 'inactive') return fromAadError(AADSTS.refreshInactive(errors, rt.issuedMs));
  if (rt.status !== 'active') return fromAadError(AADSTS.refreshRevoked(errors));
  if (rt.clientId.toLowerCase() !== auth.client.clientId.toLowerCase()) return fromAadError(AADSTS.badGrant(errors));
  const user = state.findUser(rt.username);
  if (!user) return fromAadError(AADSTS.unknownUser(errors, state.tenantDomain));
  if (user.locked) return fromAadError(AADSTS.locked(errors));
  // AAD keeps a redeemed refresh token valid; the strict option spends it (a reuse gets 70008).
  if (state.singleUseRefreshTokens) rt.status = 'redeemed';
  // Multi-resource: without `resource` the token is for the RT's original resource.
  const resource = form['resource'] || rt.resource;
  return issueTokenResponse(ctx, { ...auth, resource, user, idToken: wantsIdToken(ctx) });
}

async function clientCredentialsGrant(ctx: RequestContext, tenant: string): Promise<EmulatorResponse> {
  const { form, state, errors } = ctx;
  if (!form['client_id']) return fromAadError(AADSTS.missingParameter(errors, 'client_id'));
  if (state.resolveTenant(tenant) === 'multi') return fromAadError(AADSTS.noTenantInfo(errors));
  const auth = authenticateClient(ctx, 'confidential', tenant);
  if ('error' in auth) return fromAadError(auth.error);
  if (!form['resource']) return fromAadError(AADSTS.missingParameter(errors, 'resource'));
  return issueTokenResponse(ctx, { ...auth, resource: form['resource']! });
}
