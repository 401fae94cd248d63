// LCS API tokens: the password grant and the refresh grant for an LCS host, with defaults from the
// saved LCS config (as the PowerShell module's $Script: defaults). Nothing is saved here.
import { InputError } from '../errors.js';
import { passwordGrant } from '../grants/password.js';
import { refreshTokenGrant } from '../grants/refresh-token.js';
import type { CommonOptions } from '../http/types.js';
import type { AadToken } from '../token.js';
import { openConfigStore } from '../config/open.js';
import type { ConfigStore } from '../config/store.js';
import { DEFAULT_LCS_API_URI, checkLcsApiUri, lcsAuthorityHost } from './hosts.js';

export interface LcsOptions extends CommonOptions {
  clientId?: string | undefined;
  lcsApiUri?: string | undefined;
  /** Where saved defaults come from (default: the default config file). */
  store?: ConfigStore | undefined;
  /** Receives warnings (e.g. an unknown LCS host); default process.emitWarning. */
  onWarning?: ((message: string) => void) | undefined;
}

export interface GetLcsApiTokenOptions extends LcsOptions {
  username: string;
  password: string;
  skipUserRealmDiscovery?: boolean | undefined;
}

export interface RefreshLcsApiTokenOptions extends LcsOptions {
  refreshToken?: string | undefined;
}

interface Resolved {
  clientId: string;
  lcsApiUri: string;
  authorityHost: string;
  refreshToken: string | undefined;
}

async function resolve(options: LcsOptions & { refreshToken?: string | undefined }, needRefreshToken: boolean): Promise<Resolved> {
  let saved: { clientId?: string | undefined; lcsApiUri?: string | undefined; refreshToken?: string | undefined } = {};
  if (options.clientId === undefined || options.lcsApiUri === undefined || (needRefreshToken && options.refreshToken === undefined)) {
    saved = await (options.store ?? openConfigStore()).lcs.get();
  }
  const clientId = options.clientId ?? saved.clientId;
  if (clientId === undefined) {
    throw new InputError('clientId is required: pass it, or save it once with `d365fo-auth lcs config set --client-id <app id>`.');
  }
  const lcsApiUri = checkLcsApiUri(options.lcsApiUri ?? saved.lcsApiUri ?? DEFAULT_LCS_API_URI);
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, 'D365foAuthWarning'));
  return {
    clientId,
    lcsApiUri,
    authorityHost: lcsAuthorityHost(lcsApiUri, options.authorityHost, warn),
    refreshToken: options.refreshToken ?? saved.refreshToken,
  };
}

/** Signs a service account in to the LCS API (password grant on tenant `common` of the host's cloud). */
export async function getLcsApiToken(options: GetLcsApiTokenOptions): Promise<AadToken> {
  const resolved = await resolve(options, false);
  return passwordGrant({
    ...options,
    clientId: resolved.clientId,
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
    throw new InputError('refreshToken is required: pass it, or sign in first with `d365fo-auth lcs login` so one is saved.');
  }
  return refreshTokenGrant({
    ...options,
    clientId: resolved.clientId,
    refreshToken: resolved.refreshToken,
    authorityHost: resolved.authorityHost,
    tenant: options.tenant ?? 'common',
    resource: resolved.lcsApiUri,
  });
}
