// The refresh_token grant (one exchange). invalid_grant / interaction_required come back as
// ERR_SIGN_IN_REQUIRED. Keeping the newest refresh token is the caller's (or provider's) job.
import { checkClientId, checkResource, checkSecret } from '../aad/input.js';
import { resolveAuthority, tokenUrl } from '../aad/endpoints.js';
import { checkCommon, postForm } from '../aad/exchange.js';
import { checkTokenExchange } from './token-response.js';
import type { CommonOptions } from '../http/types.js';
import type { AadToken } from '../token.js';

export interface RefreshTokenGrantOptions extends CommonOptions {
  clientId: string;
  refreshToken: string;
  /** Optional on v1: without it, the token is for the resource the refresh token was minted for. */
  resource?: string | undefined;
  /** Only for confidential clients. */
  clientSecret?: string | undefined;
}

export async function refreshTokenGrant(options: RefreshTokenGrantOptions): Promise<AadToken> {
  const clientId = checkClientId(options.clientId);
  const refreshToken = checkSecret(options.refreshToken, 'refreshToken', 'the refresh token of an earlier sign-in');
  const resource = options.resource === undefined ? undefined : checkResource(options.resource);
  const clientSecret = options.clientSecret === undefined ? undefined : checkSecret(options.clientSecret, 'clientSecret');
  checkCommon(options);
  const authority = resolveAuthority(options);
  const ex = await postForm(
    'token endpoint',
    tokenUrl(authority),
    { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken, resource, client_secret: clientSecret, scope: 'openid' },
    options,
    [refreshToken, clientSecret],
  );
  return checkTokenExchange(ex, { expectedResource: resource, refresh: true });
}
