// AAD v1 endpoint URLs and the authority hosts of each cloud. It checks what it puts into a URL,
// and does not send anything.
import { checkAuthorityHost } from '../http/url-guard.js';
import { AUTHORITY_HOSTS } from './clouds.js';
import { checkTenant } from './input.js';

export { AUTHORITY_HOSTS, type Cloud } from './clouds.js';

export const API_VERSION = '1.0';

export interface Authority {
  host: string;
  tenant: string;
}

/** Authorities already checked (the checks are pure): a grant per request need not parse them again. */
const checked = new Map<string, Authority>();
const CHECKED_MAX = 64;

/** Resolves and checks the authority from options; the tenant falls back to `fallbackTenant`. */
export function resolveAuthority(options: { authorityHost?: string | undefined; tenant?: string | undefined }, fallbackTenant = 'common'): Authority {
  const host = options.authorityHost ?? AUTHORITY_HOSTS.public;
  const tenant = options.tenant ?? fallbackTenant;
  const key = typeof host === 'string' && typeof tenant === 'string' ? `${host}\n${tenant}` : undefined;
  const known = key === undefined ? undefined : checked.get(key);
  if (known) return known;
  const authority = Object.freeze({ host: checkAuthorityHost(host), tenant: checkTenant(tenant) });
  if (key !== undefined) {
    if (checked.size >= CHECKED_MAX) checked.clear();
    checked.set(key, authority);
  }
  return authority;
}

export function tokenUrl(authority: Authority): string {
  return `${authority.host}/${encodeURIComponent(authority.tenant)}/oauth2/token?api-version=${API_VERSION}`;
}

export function deviceCodeUrl(authority: Authority): string {
  return `${authority.host}/${encodeURIComponent(authority.tenant)}/oauth2/devicecode?api-version=${API_VERSION}`;
}

/** User-realm discovery always asks the `common` tenant. */
export function userRealmUrl(host: string, username: string): string {
  return `${host}/common/UserRealm/${encodeURIComponent(username)}?api-version=${API_VERSION}`;
}
