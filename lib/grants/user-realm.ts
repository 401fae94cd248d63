// User-realm discovery (GET /common/UserRealm/{upn}) before a password is sent: a federated
// account is refused here so its password never reaches the token endpoint. Results are cached
// per authority host and domain for the life of the process.
import { FederatedUserError } from '../errors.js';
import { parseShape, successJson } from '../aad/check.js';
import { getJson } from '../aad/exchange.js';
import { userRealmUrl } from '../aad/endpoints.js';
import { UserRealmSchema } from '../aad/schemas.js';
import type { CommonOptions } from '../http/types.js';
import { realmCache as cache } from './realm-cache.js';

export type AccountType = 'managed' | 'federated' | 'unknown';

export interface UserRealm {
  accountType: AccountType;
  domain: string;
  federationProtocol?: string | undefined;
  cloudInstanceName?: string | undefined;
}

export function discoverUserRealm(host: string, username: string, options: CommonOptions): Promise<UserRealm> {
  const domain = username.slice(username.lastIndexOf('@') + 1).toLowerCase();
  const key = `${host}|${domain}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = lookup(host, username, domain, options);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

async function lookup(host: string, username: string, domain: string, options: CommonOptions): Promise<UserRealm> {
  const ex = await getJson('user realm endpoint', userRealmUrl(host, username), options);
  const realm = parseShape(ex, UserRealmSchema, successJson(ex), 'user realm response');
  const type = realm.account_type.toLowerCase();
  return {
    accountType: type === 'managed' || type === 'federated' ? type : 'unknown',
    domain: realm.domain_name ?? domain,
    federationProtocol: realm.federation_protocol,
    cloudInstanceName: realm.cloud_instance_name,
  };
}

/** Throws FederatedUserError for a federated realm. */
export function refuseFederated(realm: UserRealm, username: string): void {
  if (realm.accountType !== 'federated') return;
  const protocol = realm.federationProtocol ? ` (${realm.federationProtocol})` : '';
  throw new FederatedUserError(
    `${username} belongs to the federated domain ${realm.domain}${protocol}: its password is checked by the ` +
      'federation server, so the password grant cannot sign it in and the password was not sent. ' +
      'Use device-code sign-in, or a cloud-only (managed) service account.',
    realm.domain,
    realm.federationProtocol,
  );
}
