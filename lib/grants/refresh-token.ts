// The refresh_token grant (one exchange). invalid_grant / interaction_required come back as
// ERR_SIGN_IN_REQUIRED. When the server sends no new refresh token, the returned token carries the
// one that was redeemed (AAD keeps it valid), so `token = refresh(token)` never loses it.
import { clientAuth, type ClientAuthOptions } from '../aad/client-auth.js';
import { resolveAuthority, tokenEndpoint, tokenUrl } from '../aad/endpoints.js';
import { checkCommon, postForm } from '../aad/exchange.js';
import { checkClientId, checkResource, checkSecret } from '../aad/input.js';
import type { CommonOptions } from '../http/types.js';
import { withFields, type AadToken } from '../token.js';
import { checkTokenExchange } from './token-response.js';

export interface RefreshTokenGrantOptions extends CommonOptions, ClientAuthOptions {
  clientId: string;
  refreshToken: string;
  /** Optional on v1: without it, the token is for the resource the refresh token was minted for. */
  resource?: string | undefined;
}

export async function refreshTokenGrant(options: RefreshTokenGrantOptions): Promise<AadToken> {
  const clientId = checkClientId(options.clientId);
  const refreshToken = checkSecret(options.refreshToken, 'refreshToken', 'the refresh token of an earlier sign-in');
  const resource = options.resource === undefined ? undefined : checkResource(options.resource);
  const client = clientAuth(clientId, options);
  checkCommon(options);
  const authority = resolveAuthority(options);
  const ex = await postForm(
    {
      what: 'token endpoint',
      url: tokenUrl(authority),
      fields: { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken, resource, scope: 'openid' },
      auth: { client, audience: tokenEndpoint(authority) },
      secrets: [refreshToken],
    },
    options,
  );
  const token = checkTokenExchange(ex, { expectedResource: resource, refresh: true, origin: { authorityHost: authority.host, tenant: authority.tenant } });
  return token.refreshToken === undefined ? withFields(token, { refreshToken }) : token;
}
