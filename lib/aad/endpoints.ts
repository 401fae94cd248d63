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

/** Resolves and checks the authority from options; the tenant falls back to `fallbackTenant`. */
export function resolveAuthority(options: { authorityHost?: string | undefined; tenant?: string | undefined }, fallbackTenant = 'common'): Authority {
  return {
    host: checkAuthorityHost(options.authorityHost ?? AUTHORITY_HOSTS.public),
    tenant: checkTenant(options.tenant ?? fallbackTenant),
  };
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
