// LCS API tokens: the password grant, the refresh grant, and interactive sign-in (browser or device
// code) for an LCS host, with defaults from the saved LCS config (as the PowerShell module's
// $Script: defaults). The saved config is read only when a value is missing. Nothing is saved here.
import type { ClientAuthOptions } from '../aad/client-auth.js';
import { openConfigStore, type ConfigStore } from '../config/store.js';
import { InputError } from '../errors.js';
import { passwordGrant } from '../grants/password.js';
import { refreshTokenGrant } from '../grants/refresh-token.js';
import type { CommonOptions } from '../http/types.js';
import type { AadToken } from '../token.js';
import { DEFAULT_LCS_API_URI, checkLcsApiUri, lcsAuthorityHost, type LcsHostOptions } from './hosts.js';
import { DEFAULT_INTERACTIVE_CLIENT_ID } from './resource.js';
import { signInInteractively, type InteractiveOptions } from './interactive.js';

export interface LcsOptions extends CommonOptions, ClientAuthOptions, LcsHostOptions {
  clientId?: string | undefined;
  lcsApiUri?: string | undefined;
  /** Where saved defaults come from (default: the default config file), read only when a value is missing. */
  store?: ConfigStore | undefined;
}

export interface GetLcsApiTokenOptions extends LcsOptions {
  username: string;
  password: string;
  skipUserRealmDiscovery?: boolean | undefined;
}

export interface RefreshLcsApiTokenOptions extends LcsOptions {
  refreshToken?: string | undefined;
}

export interface GetLcsApiTokenInteractiveOptions extends LcsOptions, InteractiveOptions {
  /** Default `browser` (works under MFA and Conditional Access); `device-code` for a terminal without a browser. */
  method?: 'browser' | 'device-code' | undefined;
}

interface Resolved {
  clientId: string | undefined;
  lcsApiUri: string;
  authorityHost: string;
  refreshToken: string | undefined;
}

async function resolve(options: LcsOptions & { refreshToken?: string | undefined }, needRefreshToken: boolean): Promise<Resolved> {
  let saved: { clientId?: unknown; lcsApiUri?: unknown; refreshToken?: unknown; authorityHost?: unknown } = {};
  const missing = options.clientId === undefined || options.lcsApiUri === undefined || (needRefreshToken && options.refreshToken === undefined);
  if (missing) saved = await (options.store ?? openConfigStore({ onWarning: options.onWarning })).lcs.get();
  const hostOptions = { allowUnknownHost: options.allowUnknownHost, onWarning: options.onWarning };
  // a saved host was accepted when it was saved
  const lcsApiUri =
    options.lcsApiUri !== undefined
      ? checkLcsApiUri(options.lcsApiUri, hostOptions)
      : typeof saved.lcsApiUri === 'string'
        ? checkLcsApiUri(saved.lcsApiUri, { ...hostOptions, allowUnknownHost: true }, 'the saved lcsApiUri')
        : DEFAULT_LCS_API_URI;
  const refreshToken = options.refreshToken ?? (typeof saved.refreshToken === 'string' ? saved.refreshToken : undefined);
  // the saved session's refreshes go to the authority it signed in with
  const savedAuthority = options.refreshToken === undefined && typeof saved.authorityHost === 'string' ? saved.authorityHost : undefined;
  return {
    clientId: options.clientId ?? (typeof saved.clientId === 'string' ? saved.clientId : undefined),
    lcsApiUri,
    authorityHost: options.authorityHost ?? (needRefreshToken ? savedAuthority : undefined) ?? lcsAuthorityHost(lcsApiUri, undefined),
    refreshToken,
  };
}

function requireClientId(clientId: string | undefined): string {
  if (clientId === undefined) {
    throw new InputError('clientId is required: pass it, or save it once with `d365fo-auth lcs config set --client-id <app id>`.', 'ERR_INVALID_INPUT', 'clientId');
  }
  return clientId;
}

/** Signs a service account in to the LCS API (password grant on tenant `common` of the host's cloud). */
export async function getLcsApiToken(options: GetLcsApiTokenOptions): Promise<AadToken> {
  const resolved = await resolve(options, false);
  return passwordGrant({
    ...options,
    clientId: requireClientId(resolved.clientId),
    authorityHost: resolved.authorityHost,
    tenant: options.tenant ?? 'common',
    resource: resolved.lcsApiUri,
    scope: 'openid',
  });
}

/** Refreshes an LCS API session; missing values come from the saved LCS config. */
export async function refreshLcsApiToken(options: RefreshLcsApiTokenOptions = {}): Promise<AadToken> {
  const resolved = await resolve(options, true);
  if (resolved.refreshToken === undefined) {
    throw new InputError('refreshToken is required: pass it, or sign in first with `d365fo-auth lcs login` so one is saved.', 'ERR_INVALID_INPUT', 'refreshToken');
  }
  return refreshTokenGrant({
    ...options,
    clientId: requireClientId(resolved.clientId),
    refreshToken: resolved.refreshToken,
    authorityHost: resolved.authorityHost,
    tenant: options.tenant ?? 'common',
    resource: resolved.lcsApiUri,
  });
}

/** Signs a person in to the LCS API interactively: browser (default; MFA and Conditional Access) or device code. */
export async function getLcsApiTokenInteractive(options: GetLcsApiTokenInteractiveOptions = {}): Promise<AadToken> {
  const resolved = await resolve(options, false);
  return signInInteractively(options.method ?? 'browser', {
    ...options,
    clientId: resolved.clientId ?? DEFAULT_INTERACTIVE_CLIENT_ID,
    authorityHost: resolved.authorityHost,
    tenant: options.tenant ?? 'common',
    resource: resolved.lcsApiUri,
  });
}
