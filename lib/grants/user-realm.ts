// User-realm discovery (GET /common/UserRealm/{upn}) before a password is sent: a federated account
// is refused here so its password never reaches the token endpoint. Answers are cached per authority
// host and domain for the life of the process.
import { FederatedUserError } from '../errors.js';
import { parseShape, successJson } from '../aad/check.js';
import { resolveAuthority, userRealmUrl } from '../aad/endpoints.js';
import { getJson, checkCommon } from '../aad/exchange.js';
import { checkUsername } from '../aad/input.js';
import { UserRealmSchema } from '../aad/schemas.js';
import type { CommonOptions } from '../http/types.js';
import { printable } from '../redact.js';

export type AccountType = 'managed' | 'federated' | 'unknown';

export interface UserRealm {
  accountType: AccountType;
  domain: string;
  federationProtocol?: string | undefined;
  cloudInstanceName?: string | undefined;
}

const cache = new Map<string, UserRealm>();

/** Forgets cached user-realm answers (tests, or after a domain moved to or from federation). */
export function clearUserRealmCache(): void {
  cache.clear();
}

/** The realm of `username`'s domain at `host` (an origin already checked), cached once answered. */
export async function discoverUserRealm(host: string, username: string, options: CommonOptions): Promise<UserRealm> {
  const domain = username.slice(username.lastIndexOf('@') + 1).toLowerCase();
  const key = `${host}|${domain}`;
  const known = cache.get(key);
  if (known) return known;
  const ex = await getJson('user realm endpoint', userRealmUrl(host, username), options);
  const realm = parseShape(ex, UserRealmSchema, successJson(ex), 'user realm response');
  const type = realm.account_type.toLowerCase();
  const answer: UserRealm = {
    accountType: type === 'managed' || type === 'federated' ? type : 'unknown',
    domain: printable(realm.domain_name ?? domain),
    federationProtocol: realm.federation_protocol === undefined ? undefined : printable(realm.federation_protocol),
    cloudInstanceName: realm.cloud_instance_name === undefined ? undefined : printable(realm.cloud_instance_name),
  };
  cache.set(key, answer);
  return answer;
}

/** Whether `username` is a managed, federated or unknown account (what `doctor` reports). */
export function getUserRealm(options: CommonOptions & { username: string }): Promise<UserRealm> {
  const username = checkUsername(options.username);
  checkCommon(options);
  return discoverUserRealm(resolveAuthority(options).host, username, options);
}

/** Throws FederatedUserError for a federated realm. */
export function refuseFederated(realm: UserRealm, username: string): void {
  if (realm.accountType !== 'federated') return;
  const protocol = realm.federationProtocol ? ` (${realm.federationProtocol})` : '';
  throw new FederatedUserError(
    `${username} belongs to the federated domain ${realm.domain}${protocol}: its password is checked by the ` +
      'federation server, so the password grant cannot sign it in and the password was not sent. ' +
      'Use browser or device-code sign-in, or a cloud-only (managed) service account.',
    realm.domain,
    realm.federationProtocol,
  );
}
