// The LCS section's rules as pure functions: turning a partial or an AadToken into changes, rebuilding the token; no I/O.
import { InputError } from '../errors.js';
import type { AadToken } from '../token.js';
import { restoreToken } from '../token.js';
import type { LcsConfigOutput } from './schema.js';
import { checkEpochSeconds, checkGuid, checkProjectId, checkSecret, checkUrl } from './validate.js';

/** The saved LCS config: defaults for the LCS functions and the saved session. */
export type LcsConfig = LcsConfigOutput;

/** The keys `lcs.set()` takes (PowerShell `Set-D365LcsApiConfig`); `null` removes a key, `undefined` leaves it. */
export interface LcsSettings {
  clientId?: string | null | undefined;
  lcsApiUri?: string | null | undefined;
  projectId?: number | string | null | undefined;
  /** The access token; a leading `Bearer ` is removed, the bare token is saved. */
  bearerToken?: string | null | undefined;
  refreshToken?: string | null | undefined;
  /** The server's `expires_on`, epoch seconds. */
  activeTokenExpiresOn?: number | string | null | undefined;
}

const SETTABLE = ['clientId', 'lcsApiUri', 'projectId', 'bearerToken', 'refreshToken', 'activeTokenExpiresOn'] as const;

/** The fields that describe one saved token's timing; they go stale when the bearer token changes. */
const TOKEN_DETAILS = ['activeTokenExpiresAt', 'tokenType', 'resource', 'scope', 'expiresIn', 'sentAt', 'notBefore'] as const;

/** Changes to apply to the LCS section: a value sets the key, `undefined` removes it. */
export type LcsChanges = Record<string, unknown>;

/** True for an `AadToken` (has `accessToken` and a numeric `expiresAt`). */
export function isAadToken(value: unknown): value is AadToken {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { accessToken?: unknown }).accessToken === 'string' &&
    typeof (value as { expiresAt?: unknown }).expiresAt === 'number'
  );
}

/** Validates `partial` and says what to change. Throws InputError before anything is read or written. */
export function lcsChangesOf(partial: LcsSettings | AadToken): LcsChanges {
  if (isAadToken(partial)) return tokenChanges(partial);
  if (typeof partial !== 'object' || partial === null) throw new InputError('lcs.set() needs an object of settings or an AadToken.');
  const changes: LcsChanges = {};
  for (const key of Object.keys(partial)) {
    if (!(SETTABLE as readonly string[]).includes(key)) {
      throw new InputError(`lcs.set() got an unknown key "${key}"; the keys are ${SETTABLE.join(', ')}.`);
    }
  }
  const p = partial as Record<string, unknown>;
  const take = <T>(key: (typeof SETTABLE)[number], check: (value: unknown, label: string) => T) => {
    const value = p[key];
    if (value === undefined) return;
    changes[key] = value === null ? undefined : check(value, key);
  };
  take('clientId', checkGuid);
  take('lcsApiUri', checkUrl);
  take('projectId', checkProjectId);
  take('bearerToken', (value, label) => checkSecret(typeof value === 'string' ? value.replace(/^\s*bearer\s+/i, '') : value, label));
  take('refreshToken', checkSecret);
  take('activeTokenExpiresOn', checkEpochSeconds);
  // a bearer token or expiry set by hand describes another token than the saved details did
  if ('bearerToken' in changes || 'activeTokenExpiresOn' in changes) {
    for (const key of TOKEN_DETAILS) changes[key] = undefined;
  }
  if ('bearerToken' in changes && !('activeTokenExpiresOn' in changes)) changes['activeTokenExpiresOn'] = undefined;
  return changes;
}

function tokenChanges(token: AadToken): LcsChanges {
  const accessToken = checkSecret(token.accessToken.replace(/^\s*bearer\s+/i, ''), 'accessToken');
  const changes: LcsChanges = {
    bearerToken: accessToken,
    activeTokenExpiresOn: token.expiresOn,
    activeTokenExpiresAt: token.expiresAt,
    tokenType: token.tokenType,
    resource: token.resource,
    scope: token.scope,
    expiresIn: token.expiresIn,
    sentAt: token.sentAt,
    notBefore: token.notBefore,
  };
  // a refresh may or may not return a new refresh token: keep the saved one unless there is a newer
  if (typeof token.refreshToken === 'string' && token.refreshToken !== '') changes['refreshToken'] = token.refreshToken;
  return changes;
}

/** Applies `changes` to an LCS section in place. */
export function applyLcsChanges(lcs: Record<string, unknown>, changes: LcsChanges): void {
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete lcs[key];
    else lcs[key] = value;
  }
}

/**
 * The saved session as an `AadToken`, or `undefined` without a bearer token. The local expiry is
 * `activeTokenExpiresAt`; a token saved by hand with only `activeTokenExpiresOn` falls back to the
 * server's expiry, and one with no expiry at all counts as expired (expiresAt 0).
 */
export function lcsTokenOf(lcs: LcsConfig): AadToken | undefined {
  if (lcs.bearerToken === undefined || lcs.bearerToken === '') return undefined;
  const expiresAt = lcs.activeTokenExpiresAt ?? (lcs.activeTokenExpiresOn === undefined ? 0 : lcs.activeTokenExpiresOn * 1000);
  const sentAt = lcs.sentAt ?? expiresAt - (lcs.expiresIn ?? 0) * 1000;
  const expiresIn = lcs.expiresIn ?? Math.max(0, Math.round((expiresAt - sentAt) / 1000));
  return restoreToken({
    tokenType: lcs.tokenType ?? 'Bearer',
    accessToken: lcs.bearerToken,
    refreshToken: lcs.refreshToken,
    resource: lcs.resource,
    scope: lcs.scope,
    expiresIn,
    expiresOn: lcs.activeTokenExpiresOn ?? Math.floor(expiresAt / 1000),
    notBefore: lcs.notBefore,
    sentAt,
    expiresAt,
  });
}
