// The token provider over a saved LCS session: the cached token while it stays valid long enough,
// else one refresh for all concurrent callers in this process (single flight) and across processes
// sharing the config file (lock, re-read, refresh only if still needed), persisted at once.
import { systemClock } from '../clock.js';
import { ConfigError } from '../errors.js';
import type { CommonOptions } from '../http/types.js';
import { bearer, type AadToken } from '../token.js';
import type { LcsConfig } from '../config/lcs.js';
import { openConfigStore } from '../config/open.js';
import type { ConfigStore } from '../config/store.js';
import { refreshLcsApiToken } from '../on-demand.js';

export interface TokenProviderOptions extends CommonOptions {
  /** The config file holding the session (default: the default config file). */
  store?: ConfigStore | undefined;
  /** A token is used while it stays valid for at least this many seconds (default 300). */
  minValiditySeconds?: number | undefined;
  /** How to refresh (default: the LCS refresh grant with the saved client id and LCS host). */
  refresh?: ((saved: LcsConfig, options: CommonOptions) => Promise<AadToken>) | undefined;
  onWarning?: ((message: string) => void) | undefined;
}

export interface TokenProvider {
  getToken(options?: { minValiditySeconds?: number | undefined }): Promise<AadToken>;
  /** `"Bearer <access token>"` of `getToken()`. */
  getBearer(options?: { minValiditySeconds?: number | undefined }): Promise<string>;
}

export function createTokenProvider(options: TokenProviderOptions = {}): TokenProvider {
  const store = options.store ?? openConfigStore();
  const clock = options.clock ?? systemClock;
  const defaultMin = options.minValiditySeconds ?? 300;
  const refresh =
    options.refresh ??
    ((saved: LcsConfig, common: CommonOptions) =>
      refreshLcsApiToken({ ...common, store, onWarning: options.onWarning, clientId: saved.clientId, lcsApiUri: saved.lcsApiUri, refreshToken: saved.refreshToken }));
  let cached: AadToken | undefined;
  /** `cached`, already resolved: the hot path hands out this one promise and allocates nothing. */
  let cachedPromise: Promise<AadToken> | undefined;
  let inflight: Promise<AadToken> | undefined;

  const fresh = (token: AadToken | undefined, min: number): token is AadToken => token !== undefined && token.expiresAt - min * 1000 > clock.now();

  async function load(min: number): Promise<AadToken> {
    const saved = await store.lcs.getToken();
    if (fresh(saved, min)) return saved;
    const { applyLcsChanges, lcsChangesOf, lcsTokenOf } = await import('../config/lcs.js');
    return store.update(async (draft) => {
      // another process may have refreshed while we waited for the lock
      const current = lcsTokenOf(draft.lcs);
      if (fresh(current, min)) return current;
      if (!draft.lcs.refreshToken) {
        throw new ConfigError(`No LCS session is saved in ${store.path}: sign in first with \`d365fo-auth lcs login\`.`, store.path);
      }
      const token = await refresh(draft.lcs, options);
      applyLcsChanges(draft.lcs, lcsChangesOf(token));
      return token;
    });
  }

  function getToken(call?: { minValiditySeconds?: number | undefined }): Promise<AadToken> {
    const min = call?.minValiditySeconds ?? defaultMin;
    if (cachedPromise !== undefined && fresh(cached, min)) return cachedPromise;
    inflight ??= load(min)
      .then((token) => {
        cached = token;
        cachedPromise = Promise.resolve(token);
        return token;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  }

  return {
    getToken,
    async getBearer(call) {
      return bearer(await getToken(call));
    },
  };
}
