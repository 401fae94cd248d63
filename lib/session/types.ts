// The SessionStore seam: what the token provider needs from wherever sessions live (the config
// file, Redis). Types only; the stores implement it, the provider depends on nothing else.

/** Which saved session: the LCS session, or the session of a named OData config (name lower-cased). */
export type SessionId = 'lcs' | `odata:${string}`;

/** The session id of a named OData config (names are case-insensitive). */
export function odataSessionId(name: string): SessionId {
  return `odata:${name.trim().toLowerCase()}`;
}

/** Why a saved refresh token is known to be dead: the authority refused it for good. */
export interface RefreshRefusal {
  /** base64url SHA-256 of the refused refresh token: the refusal holds while that token is saved. */
  refreshTokenHash: string;
  /** The OAuth error, e.g. `invalid_grant`. */
  error: string;
  /** e.g. `AADSTS700082`. */
  aadsts?: string | undefined;
  /** The refusal's message (already free of secrets). */
  message: string;
  /** Epoch milliseconds. */
  at: number;
}

/**
 * One saved session: plain data, secrets included. Objects a store returns hide `accessToken` and
 * `refreshToken` from every way of printing them (see secret-object.ts); read them explicitly.
 */
export interface SessionRecord {
  /** LCS settings kept with the LCS session (absent for OData sessions: their settings are the OData config). */
  clientId?: string | undefined;
  lcsApiUri?: string | undefined;
  projectId?: number | undefined;
  /** Where the session signed in; refreshes go there unless the caller overrides it. */
  authorityHost?: string | undefined;
  tenant?: string | undefined;
  /** The newest token (the AadToken fields that are worth keeping). */
  tokenType?: string | undefined;
  accessToken?: string | undefined;
  refreshToken?: string | undefined;
  resource?: string | undefined;
  scope?: string | undefined;
  expiresIn?: number | undefined;
  /** Server clock, epoch seconds (`expires_on`, PowerShell's ActiveTokenExpiresOn). */
  expiresOn?: number | undefined;
  /** Local clock, epoch milliseconds: send time + expires_in. Expiry decisions use this. */
  expiresAt?: number | undefined;
  /** Local clock, epoch milliseconds, when the request for this token was sent. */
  sentAt?: number | undefined;
  notBefore?: number | undefined;
  /** Set when the authority refused `refreshToken` for good; meaningless once the refresh token changes. */
  refreshRefused?: RefreshRefusal | undefined;
}

/**
 * What an update decides: `session` replaces the saved one (undefined: leave it; null: forget it —
 * for the LCS session, its tokens go and its settings stay), `result` is returned.
 */
export interface SessionChange<T> {
  session?: SessionRecord | null | undefined;
  result: T;
}

export interface SessionUpdateOptions {
  /** Ends the wait for the lock (and is passed on to nothing else). */
  signal?: AbortSignal | undefined;
  /**
   * The longest this caller waits for the lock while another holder is alive and making progress.
   * A dead holder's lock is recovered well before (same host: its pid; across hosts: its heartbeat or TTL).
   */
  waitMs?: number | undefined;
}

export interface SessionStore {
  /** Where sessions live, for messages: a file path, or a Redis address and key prefix. Never holds a secret. */
  readonly location: string;
  /** The saved session, or undefined when none is saved. */
  readSession(id: SessionId): Promise<SessionRecord | undefined>;
  /**
   * Read-modify-write under the exclusive lock on `id`, held across every process or machine sharing
   * the store. The lock is taken FIRST, which proves the store writable: when it cannot be taken
   * (unwritable folder, Redis down or read-only) this rejects before `fn` runs, so a refresh token is
   * never spent without a place to save its successor. Then the session is re-read and handed to
   * `fn`; the session `fn` returns is written (compare-and-set: never over a newer one) before the
   * lock is released. While another holder is alive the call waits for it (bounded by `signal` and
   * `waitMs`, then SessionStoreError ERR_SESSION_LOCKED); its error never masks `fn`'s own.
   */
  updateSession<T>(id: SessionId, fn: (current: SessionRecord | undefined) => Promise<SessionChange<T>>, options?: SessionUpdateOptions): Promise<T>;
}
