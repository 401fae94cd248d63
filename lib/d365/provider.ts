// The token provider over one saved session (the LCS session, or a named OData config) in any
// SessionStore: the cached token while it stays valid long enough, else one refresh for every
// concurrent caller in this process and, through the store's lock, in every process or machine
// sharing the store. The lock is taken before a request goes out, so a refresh token is never
// spent without a place to save its successor; a refresh token the authority refused for good is
// remembered, and answered with "sign in again" without another request.
import { systemClock } from '../clock.js';
import type { ClientAuthOptions } from '../aad/client-auth.js';
import { ConfigError, InputError, OAuthError } from '../errors.js';
import { clientCredentialsGrant } from '../grants/client-credentials.js';
import { refreshTokenGrant } from '../grants/refresh-token.js';
import { DEFAULT_TIMEOUT_MS } from '../http/transport.js';
import type { CommonOptions } from '../http/types.js';
import { openConfigStore, type ConfigStore } from '../config/store.js';
import type { ODataConfig } from '../config/odata.js';
import { plainSession, refreshTokenHash, sessionWithToken, tokenOfSession } from '../session/records.js';
import { odataSessionId, type SessionId, type SessionRecord, type SessionStore } from '../session/types.js';
import { bearer, type AadToken } from '../token.js';
import { DEFAULT_LCS_API_URI, lcsAuthorityHost } from './hosts.js';
import { certificateOf } from './certificate-files.js';
import { DEFAULT_INTERACTIVE_CLIENT_ID, odataResource } from './resource.js';

export interface TokenProviderOptions extends CommonOptions, ClientAuthOptions {
  /** Where the session lives (default: the config file). */
  store?: SessionStore | undefined;
  /** Where OData configs are read (default: `store` when it is a config store, else the default config file). */
  configStore?: ConfigStore | undefined;
  /** Which session: the LCS session (default) or a named OData config's. */
  session?: 'lcs' | { odata: string } | undefined;
  /** A token is used while it stays valid for at least this many seconds (default 300). */
  minValiditySeconds?: number | undefined;
  /** Passphrase of an OData config's encrypted key file. */
  keyPassphrase?: string | undefined;
  /** The longest wait for another process's refresh (default: what that refresh may take, from timeoutMs). */
  lockWaitMs?: number | undefined;
  /** Receives warnings of the default config store; default process.emitWarning. */
  onWarning?: ((message: string) => void) | undefined;
}

export interface TokenProvider {
  /** The saved token while it is valid for `minValiditySeconds` more, else a refreshed one (saved). */
  getToken(options?: { minValiditySeconds?: number | undefined }): Promise<AadToken>;
  /** `"Bearer <access token>"` of `getToken()`. */
  getBearer(options?: { minValiditySeconds?: number | undefined }): Promise<string>;
  /** Refreshes now and saves the result; a refresh another caller finished after this call began counts as this one. */
  refresh(): Promise<AadToken>;
  /**
   * Signs in with `acquire` while holding the session's lock (so the store is proven writable before
   * anything is sent) and saves the token as the session, with the LCS `settings` when given.
   */
  signIn(acquire: () => Promise<AadToken>, settings?: { clientId?: string | undefined; lcsApiUri?: string | undefined; projectId?: number | undefined }): Promise<AadToken>;
}

const isConfigStore = (store: SessionStore): store is ConfigStore => 'odata' in store && 'lcs' in store && 'path' in store;

export function createTokenProvider(options: TokenProviderOptions = {}): TokenProvider {
  const store = options.store ?? openConfigStore({ onWarning: options.onWarning });
  const configStore = options.configStore ?? (isConfigStore(store) ? store : undefined);
  const clock = options.clock ?? systemClock;
  const defaultMin = options.minValiditySeconds ?? 300;
  if (!(typeof defaultMin === 'number' && defaultMin >= 0 && Number.isFinite(defaultMin))) {
    throw new InputError('minValiditySeconds must be a number of seconds, 0 or more.', 'ERR_INVALID_INPUT', 'minValiditySeconds');
  }
  const session = options.session ?? 'lcs';
  const id: SessionId = session === 'lcs' ? 'lcs' : odataSessionId(checkName(session));
  // a holder's refresh may take three requests and two waits, each bounded by timeoutMs
  const waitMs = options.lockWaitMs ?? 6 * (options.timeoutMs ?? DEFAULT_TIMEOUT_MS) + 1_000;
  const where = store.location;

  let cached: AadToken | undefined;
  let cachedPromise: Promise<AadToken> | undefined;
  let inflight: Promise<AadToken> | undefined;

  const fresh = (token: AadToken | undefined, min: number): token is AadToken => token !== undefined && token.expiresAt - min * 1000 > clock.now();

  async function odataConfig(): Promise<ODataConfig> {
    const name = id.slice('odata:'.length);
    const cfg = await (configStore ?? openConfigStore({ onWarning: options.onWarning })).odata.get(name);
    if (!cfg) throw new ConfigError(`No OData config named "${name}" is saved in ${configStore?.path ?? 'the config file'}: add it first (\`d365fo-auth odata config add ${name} …\`).`);
    return cfg;
  }

  /** One request for a new token for `saved` (the session as read under the lock). */
  async function renew(saved: SessionRecord | undefined): Promise<AadToken> {
    const common: CommonOptions = { ...options, authorityHost: undefined, tenant: undefined };
    if (id === 'lcs') {
      if (!saved?.refreshToken || !saved.clientId) throw notSignedIn();
      const lcsApiUri = saved.lcsApiUri ?? DEFAULT_LCS_API_URI;
      return refreshTokenGrant({
        ...common,
        clientSecret: options.clientSecret,
        clientCertificate: options.clientCertificate,
        clientId: saved.clientId,
        refreshToken: saved.refreshToken,
        resource: lcsApiUri,
        authorityHost: options.authorityHost ?? saved.authorityHost ?? lcsAuthorityHost(lcsApiUri, undefined),
        tenant: options.tenant ?? saved.tenant ?? 'common',
      });
    }
    const cfg = await odataConfig();
    const resource = odataResource(cfg.url);
    const authorityHost = options.authorityHost ?? saved?.authorityHost ?? cfg.authorityHost;
    if (cfg.clientSecret !== undefined || cfg.certificateFile !== undefined) {
      // an app: client credentials, re-acquired once for everyone sharing the store
      return clientCredentialsGrant({
        ...common,
        clientId: cfg.clientId!,
        clientSecret: cfg.clientSecret,
        clientCertificate: cfg.certificateFile === undefined ? undefined : await certificateOf(cfg, options.keyPassphrase),
        resource,
        tenant: options.tenant ?? cfg.tenant,
        authorityHost,
      });
    }
    if (!saved?.refreshToken) throw notSignedIn();
    return refreshTokenGrant({
      ...common,
      clientId: saved.clientId ?? (cfg.publicClient ? cfg.clientId : undefined) ?? DEFAULT_INTERACTIVE_CLIENT_ID,
      refreshToken: saved.refreshToken,
      resource,
      authorityHost,
      tenant: options.tenant ?? saved.tenant ?? cfg.tenant,
    });
  }

  function notSignedIn(): ConfigError {
    const how = id === 'lcs' ? '`d365fo-auth lcs login`' : `\`d365fo-auth odata login --config ${id.slice('odata:'.length)}\``;
    return new ConfigError(`No session to refresh is saved in ${where}: sign in first with ${how}.`, where);
  }

  /** The refusal recorded for the saved refresh token, as the error it was. */
  function knownRefusal(saved: SessionRecord | undefined): OAuthError | undefined {
    const refusal = saved?.refreshRefused;
    if (!refusal || !saved?.refreshToken || refusal.refreshTokenHash !== refreshTokenHash(saved.refreshToken)) return undefined;
    return new OAuthError(
      `${refusal.message} (refused ${new Date(refusal.at).toISOString()}; no request was sent again)`,
      { status: 400, error: refusal.error, errorCodes: refusal.aadsts ? [Number(refusal.aadsts.replace(/^AADSTS/, ''))] : [] },
      'ERR_SIGN_IN_REQUIRED',
    );
  }

  type Outcome = { token: AadToken } | { error: unknown };

  /** Under the lock: the saved token if `good` accepts it, else one renewal, saved (or its refusal recorded). */
  async function renewUnderLock(good: (saved: AadToken | undefined) => boolean): Promise<AadToken> {
    const outcome = await store.updateSession<Outcome>(
      id,
      async (current) => {
        const saved = current === undefined ? undefined : tokenOfSession(current);
        if (saved !== undefined && good(saved)) return { result: { token: saved } };
        const refused = knownRefusal(current);
        if (refused) return { result: { error: refused } };
        try {
          const token = await renew(current);
          return { session: sessionWithToken(current, token), result: { token } };
        } catch (error) {
          if (error instanceof OAuthError && error.code === 'ERR_SIGN_IN_REQUIRED' && current?.refreshToken) {
            const refreshRefused = { refreshTokenHash: refreshTokenHash(current.refreshToken), error: error.error, aadsts: error.aadsts, message: error.message, at: clock.now() };
            return { session: { ...plainSession(current), refreshRefused }, result: { error } };
          }
          return { result: { error } };
        }
      },
      { signal: options.signal, waitMs },
    );
    if ('error' in outcome) throw outcome.error;
    return outcome.token;
  }

  async function load(min: number): Promise<AadToken> {
    const current = await store.readSession(id);
    const saved = current === undefined ? undefined : tokenOfSession(current);
    if (fresh(saved, min)) return saved;
    const refused = knownRefusal(current);
    if (refused) throw refused;
    // another process may refresh while we wait for the lock: then its token is taken
    return renewUnderLock((token) => fresh(token, min));
  }

  function remember(token: AadToken): AadToken {
    cached = token;
    cachedPromise = Promise.resolve(token);
    return token;
  }

  function single(start: () => Promise<AadToken>): Promise<AadToken> {
    inflight ??= start()
      .then(remember)
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  }

  function getToken(call?: { minValiditySeconds?: number | undefined }): Promise<AadToken> {
    const min = call?.minValiditySeconds ?? defaultMin;
    if (cachedPromise !== undefined && fresh(cached, min)) return cachedPromise;
    return single(() => load(min));
  }

  return {
    getToken,
    async getBearer(call) {
      return bearer(await getToken(call));
    },
    refresh() {
      const began = clock.now();
      return single(() => renewUnderLock((token) => token !== undefined && token.sentAt >= began && token.expiresAt > clock.now()));
    },
    async signIn(acquire, settings = {}) {
      {
        const outcome = await store.updateSession<Outcome>(
          id,
          async (current) => {
            try {
              const token = await acquire();
              const next: SessionRecord = { ...sessionWithToken(current, token) };
              if (settings.clientId !== undefined) next.clientId = settings.clientId;
              if (id === 'lcs' && settings.lcsApiUri !== undefined) next.lcsApiUri = settings.lcsApiUri;
              if (id === 'lcs' && settings.projectId !== undefined) next.projectId = settings.projectId;
              return { session: next, result: { token } };
            } catch (error) {
              return { result: { error } };
            }
          },
          { signal: options.signal, waitMs },
        );
        if ('error' in outcome) throw outcome.error;
        return remember(outcome.token);
      }
    },
  };
}

function checkName(session: unknown): string {
  const name = (session as { odata?: unknown } | undefined)?.odata;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InputError("session must be 'lcs' or { odata: '<config name>' }.", 'ERR_INVALID_INPUT', 'session');
  }
  return name;
}
