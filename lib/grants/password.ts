// The resource-owner password grant (one exchange): realm check, then grant_type=password, with the
// client's credentials when the app registration is a confidential client. No retries or caching here.
import { clientAuth, type ClientAuthOptions } from '../aad/client-auth.js';
import { resolveAuthority, tokenEndpoint, tokenUrl } from '../aad/endpoints.js';
import { checkCommon, newCorrelationId, postForm } from '../aad/exchange.js';
import { checkClientId, checkResource, checkSecret, checkUsername } from '../aad/input.js';
import { InputError } from '../errors.js';
import type { CommonOptions } from '../http/types.js';
import type { AadToken } from '../token.js';
import { checkTokenExchange } from './token-response.js';
import { discoverUserRealm, refuseFederated } from './user-realm.js';

export interface PasswordGrantOptions extends CommonOptions, ClientAuthOptions {
  clientId: string;
  username: string;
  password: string;
  resource: string;
  /** Default `openid` (which makes v1 return an id_token). */
  scope?: string | undefined;
  /** Skip user-realm discovery (then a federated account's password is sent to the token endpoint). */
  skipUserRealmDiscovery?: boolean | undefined;
}

export async function passwordGrant(options: PasswordGrantOptions): Promise<AadToken> {
  const clientId = checkClientId(options.clientId);
  const username = checkUsername(options.username);
  const password = checkSecret(options.password, 'password', 'the password of the account');
  if (password !== password.trim()) {
    throw new InputError('password has leading or trailing whitespace, which the password grant does not support; check how it was read.', 'ERR_INVALID_INPUT', 'password');
  }
  const resource = checkResource(options.resource);
  if (options.scope !== undefined && !/^[\x21-\x7e]+( [\x21-\x7e]+)*$/.test(options.scope)) {
    throw new InputError('scope must be space-separated printable words, e.g. "openid".', 'ERR_INVALID_INPUT', 'scope');
  }
  const client = clientAuth(clientId, options);
  checkCommon(options);
  const authority = resolveAuthority(options);
  // one correlation id for the realm lookup and the grant, as they are one sign-in
  const call = { ...options, correlationId: options.correlationId ?? newCorrelationId() };

  if (!options.skipUserRealmDiscovery && authority.tenant.toLowerCase() !== 'adfs') {
    refuseFederated(await discoverUserRealm(authority.host, username, call), username);
  }
  const ex = await postForm(
    {
      what: 'token endpoint',
      url: tokenUrl(authority),
      fields: { grant_type: 'password', client_id: clientId, resource, username, password, scope: options.scope ?? 'openid' },
      auth: { client, audience: tokenEndpoint(authority) },
      secrets: [password],
    },
    call,
  );
  return checkTokenExchange(ex, { expectedResource: resource, origin: { authorityHost: authority.host, tenant: authority.tenant } });
}
