// The known LCS API hosts and their clouds, and how an LCS host picks its authority.
// `authorityHost` always wins; an unknown host gets the public authority and a warning.
import { AUTHORITY_HOSTS, type Cloud } from '../aad/clouds.js';
import { InputError } from '../errors.js';

export interface LcsApiHost {
  uri: string;
  cloud: Cloud;
  region: string;
}

export const DEFAULT_LCS_API_URI = 'https://lcsapi.lcs.dynamics.com';

/** The LCS API hosts d365fo.tools knows, with the cloud whose authority signs their users in. */
export const LCS_API_URIS: readonly LcsApiHost[] = Object.freeze(
  [
    { uri: 'https://lcsapi.lcs.dynamics.com', cloud: 'public', region: 'global (US)' },
    { uri: 'https://lcsapi.eu.lcs.dynamics.com', cloud: 'public', region: 'Europe' },
    { uri: 'https://lcsapi.fr.lcs.dynamics.com', cloud: 'public', region: 'France' },
    { uri: 'https://lcsapi.sa.lcs.dynamics.com', cloud: 'public', region: 'Saudi Arabia' },
    { uri: 'https://lcsapi.uae.lcs.dynamics.com', cloud: 'public', region: 'United Arab Emirates' },
    { uri: 'https://lcsapi.ch.lcs.dynamics.com', cloud: 'public', region: 'Switzerland' },
    { uri: 'https://lcsapi.no.lcs.dynamics.com', cloud: 'public', region: 'Norway' },
    { uri: 'https://lcsapi.lcs.dynamics.cn', cloud: 'china', region: 'China (21Vianet)' },
    // GCC tenants live in the public Entra cloud; GCC High / DoD pass authorityHost explicitly.
    { uri: 'https://lcsapi.gov.lcs.microsoftdynamics.us', cloud: 'public', region: 'US Government Community Cloud (GCC)' },
  ].map((host) => Object.freeze(host as LcsApiHost)),
);

/** Checks an LCS API URI (an https origin) and returns it without a trailing slash. */
export function checkLcsApiUri(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(`lcsApiUri must be the LCS API URL, e.g. ${DEFAULT_LCS_API_URI}.`);
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new InputError(`lcsApiUri is not a valid URL; use one like ${DEFAULT_LCS_API_URI}.`);
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new InputError(`lcsApiUri must be an https origin without path or query, e.g. ${DEFAULT_LCS_API_URI}.`);
  }
  return url.origin;
}

/** The authority for an LCS host: the caller's `authorityHost`, else its cloud's (public when unknown). */
export function lcsAuthorityHost(lcsApiUri: string, authorityHost: string | undefined, warn: (message: string) => void): string {
  if (authorityHost !== undefined) return authorityHost;
  const known = LCS_API_URIS.find((host) => host.uri === lcsApiUri.toLowerCase());
  if (!known) {
    warn(`${lcsApiUri} is not a known LCS API host; signing in on the public authority ${AUTHORITY_HOSTS.public} (pass authorityHost to change it).`);
    return AUTHORITY_HOSTS.public;
  }
  return AUTHORITY_HOSTS[known.cloud];
}
