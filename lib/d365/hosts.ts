// The known LCS API hosts and their clouds, and how an LCS host picks its authority.
// `authorityHost` always wins; an unknown host needs allowUnknownHost, then gets the public authority.
import { AUTHORITY_HOSTS, type Cloud } from '../aad/clouds.js';
import { InputError } from '../errors.js';
import { checkHttpsUrl } from '../aad/input.js';

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

const knownHost = (uri: string) => LCS_API_URIS.find((host) => host.uri === uri.toLowerCase());

export interface LcsHostOptions {
  /** Accept an LCS host that is not in LCS_API_URIS (new regions appear); a warning names the known ones. */
  allowUnknownHost?: boolean | undefined;
  /** Receives that warning (default: process.emitWarning). */
  onWarning?: ((message: string) => void) | undefined;
}

/**
 * Checks an LCS API URI (an https origin) and returns it without a trailing slash. An unknown host is
 * refused unless `allowUnknownHost`: a mistyped or hostile host would otherwise be asked for tokens.
 */
export function checkLcsApiUri(value: unknown, options: LcsHostOptions = {}, option = 'lcsApiUri'): string {
  const uri = checkHttpsUrl(value, option, { origin: true, example: DEFAULT_LCS_API_URI });
  if (!uri.startsWith('https:')) throw new InputError(`${option} must use https, e.g. ${DEFAULT_LCS_API_URI}.`, 'ERR_INSECURE_URL', option);
  if (knownHost(uri)) return uri;
  const known = LCS_API_URIS.map((host) => host.uri).join(', ');
  if (!options.allowUnknownHost) {
    throw new InputError(`${option} ${uri} is not a known LCS API host (known: ${known}); if it is a new LCS region, pass allowUnknownHost.`, 'ERR_INVALID_INPUT', option);
  }
  warn(options, `${uri} is not a known LCS API host (known: ${known}); its users sign in on the public authority ${AUTHORITY_HOSTS.public} unless authorityHost says otherwise.`);
  return uri;
}

function warn(options: LcsHostOptions, message: string): void {
  (options.onWarning ?? ((text: string) => process.emitWarning(text, 'D365foAuthWarning')))(message);
}

/** The authority for an LCS host: the caller's `authorityHost`, else its cloud's (public when unknown). */
export function lcsAuthorityHost(lcsApiUri: string, authorityHost: string | undefined): string {
  if (authorityHost !== undefined) return authorityHost;
  const known = knownHost(lcsApiUri);
  return known ? AUTHORITY_HOSTS[known.cloud] : AUTHORITY_HOSTS.public;
}

/** Whether the URI is one of LCS_API_URIS. */
export function isKnownLcsHost(uri: string): boolean {
  return knownHost(uri) !== undefined;
}
