// The client_credentials grant (one exchange): an app-only token; needs a tenant-specific authority
// and the client's secret or certificate.
import { clientAuth, type ClientAuthOptions } from '../aad/client-auth.js';
import { resolveAuthority, tokenEndpoint, tokenUrl } from '../aad/endpoints.js';
import { checkCommon, postForm } from '../aad/exchange.js';
import { checkClientId, checkResource, checkSpecificTenant } from '../aad/input.js';
import type { CommonOptions } from '../http/types.js';
import type { AadToken } from '../token.js';
import { checkTokenExchange } from './token-response.js';

export interface ClientCredentialsGrantOptions extends CommonOptions, ClientAuthOptions {
  clientId: string;
  resource: string;
}

export async function clientCredentialsGrant(options: ClientCredentialsGrantOptions): Promise<AadToken> {
  const clientId = checkClientId(options.clientId);
  const resource = checkResource(options.resource);
  const client = clientAuth(clientId, options, true);
  checkCommon(options);
  const authority = resolveAuthority({ ...options, tenant: checkSpecificTenant(options.tenant) });
  const ex = await postForm(
    {
      what: 'token endpoint',
      url: tokenUrl(authority),
      fields: { grant_type: 'client_credentials', client_id: clientId, resource },
      auth: { client, audience: tokenEndpoint(authority) },
      secrets: [],
    },
    options,
  );
  return checkTokenExchange(ex, { expectedResource: resource, origin: { authorityHost: authority.host, tenant: authority.tenant } });
}
