// AAD v1 endpoint URLs. It checks what it puts into a URL, and sends nothing.
import { AUTHORITY_HOSTS } from './clouds.js';
import { checkAuthorityHost, checkTenant } from './input.js';

export const API_VERSION = '1.0';

/** An authority: a checked origin and tenant path segment. */
export interface Authority {
  host: string;
  tenant: string;
}

/** The authority from the options (public cloud and `fallbackTenant` by default), checked. */
export function resolveAuthority(options: { authorityHost?: string | undefined; tenant?: string | undefined }, fallbackTenant = 'common'): Authority {
  return { host: checkAuthorityHost(options.authorityHost ?? AUTHORITY_HOSTS.public), tenant: checkTenant(options.tenant ?? fallbackTenant) };
}

/** `{host}/{tenant}/oauth2/token`: the token endpoint, also the `aud` of a client assertion. */
export function tokenEndpoint(authority: Authority): string {
  return `${authority.host}/${encodeURIComponent(authority.tenant)}/oauth2/token`;
}

export function tokenUrl(authority: Authority): string {
  return `${tokenEndpoint(authority)}?api-version=${API_VERSION}`;
}

export function deviceCodeUrl(authority: Authority): string {
  return `${authority.host}/${encodeURIComponent(authority.tenant)}/oauth2/devicecode?api-version=${API_VERSION}`;
}

/** `{host}/{tenant}/oauth2/authorize` (the query is added by the caller). */
export function authorizeUrl(authority: Authority): string {
  return `${authority.host}/${encodeURIComponent(authority.tenant)}/oauth2/authorize`;
}

/** User-realm discovery always asks the `common` tenant. */
export function userRealmUrl(host: string, username: string): string {
  return `${host}/common/UserRealm/${encodeURIComponent(username)}?api-version=${API_VERSION}`;
}
