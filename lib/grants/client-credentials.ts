// The client_credentials grant (one exchange): app-only token, needs a tenant-specific authority.
import { checkClientId, checkResource, checkSecret } from '../aad/input.js';
import { resolveAuthority, tokenUrl } from '../aad/endpoints.js';
import { checkCommon, postForm } from '../aad/exchange.js';
import { checkTokenExchange } from './token-response.js';
import { InputError } from '../errors.js';
import type { CommonOptions } from '../http/types.js';
import type { AadToken } from '../token.js';

export interface ClientCredentialsGrantOptions extends CommonOptions {
  clientId: string;
  clientSecret: string;
  resource: string;
}

const NOT_A_TENANT = new Set(['common', 'organizations', 'consumers']);

export async function clientCredentialsGrant(options: ClientCredentialsGrantOptions): Promise<AadToken> {
  const clientId = checkClientId(options.clientId);
  const clientSecret = checkSecret(options.clientSecret, 'clientSecret', 'the client secret value of the app registration');
  const resource = checkResource(options.resource);
  checkCommon(options);
  if (options.tenant === undefined || NOT_A_TENANT.has(options.tenant.trim().toLowerCase())) {
    throw new InputError('tenant is required for client credentials and must be the tenant GUID or domain, not common or organizations.');
  }
  const authority = resolveAuthority(options);
  const ex = await postForm(
    'token endpoint',
    tokenUrl(authority),
    { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, resource },
    options,
    [clientSecret],
  );
  return checkTokenExchange(ex, { expectedResource: resource });
}
