// Session records as objects that hide their secrets, and the mapping between a SessionRecord and the
// LCS section's PowerShell-style keys (bearerToken, activeTokenExpiresOn, …) that every store exposes
// through `lcs.get()`. Pure: no I/O.
import { createHash } from 'node:crypto';
import { secretKind } from '../secret-object.js';
import { restoreToken, type AadToken } from '../token.js';
import type { SessionRecord } from './types.js';

const SESSION_SECRETS = ['accessToken', 'refreshToken'] as const;
const sessionKind = secretKind<SessionRecord>('SessionRecord', SESSION_SECRETS);

/** A SessionRecord that prints its shape only (secrets readable through their properties). */
export function sessionRecord(fields: Readonly<SessionRecord>): SessionRecord {
  const { accessToken, refreshToken, ...rest } = fields;
  return sessionKind.create(rest, { accessToken, refreshToken });
}

/** A plain copy with the secrets as ordinary properties: for writing to a store, never for printing. */
export function plainSession(record: Readonly<SessionRecord>): SessionRecord {
  const out: SessionRecord = {};
  for (const key of SESSION_KEYS) {
    const value = record[key];
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** Every key of a SessionRecord (the order stores write them in). */
export const SESSION_KEYS = [
  'clientId',
  'lcsApiUri',
  'projectId',
  'authorityHost',
  'tenant',
  'tokenType',
  'accessToken',
  'refreshToken',
  'resource',
  'scope',
  'expiresIn',
  'expiresOn',
  'expiresAt',
  'sentAt',
  'notBefore',
  'refreshRefused',
] as const satisfies readonly (keyof SessionRecord)[];

/** SessionRecord key → LCS section key, where they differ (the LCS section keeps the PowerShell names). */
const LCS_NAMES: Readonly<Partial<Record<keyof SessionRecord, string>>> = {
  accessToken: 'bearerToken',
  expiresOn: 'activeTokenExpiresOn',
  expiresAt: 'activeTokenExpiresAt',
};

/** The LCS section's key for a SessionRecord key. */
export function lcsKeyOf(key: keyof SessionRecord): string {
  return LCS_NAMES[key] ?? key;
}

/** The session held by an LCS section (`bearerToken` → `accessToken`, …); unknown keys are left out. */
export function sessionFromLcsSection(section: Readonly<Record<string, unknown>>): SessionRecord {
  const out: Record<string, unknown> = {};
  for (const key of SESSION_KEYS) {
    const value = section[lcsKeyOf(key)];
    if (value !== undefined) out[key] = value;
  }
  return out as SessionRecord;
}

/**
 * An LCS section holding `record`, on top of `section` (keys it does not know are kept; every
 * SessionRecord key absent from `record` is removed).
 */
export function lcsSectionWithSession(section: Readonly<Record<string, unknown>>, record: Readonly<SessionRecord>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...section };
  for (const key of SESSION_KEYS) {
    const value = record[key];
    if (value === undefined) delete out[lcsKeyOf(key)];
    else out[lcsKeyOf(key)] = value;
  }
  return out;
}

const lcsKind = secretKind<Record<string, unknown>>('LcsConfig', ['bearerToken', 'refreshToken']);

/** An LCS section (what `lcs.get()` returns) that prints its shape only; `bearerToken`/`refreshToken` readable explicitly. */
export function lcsConfigObject(section: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { bearerToken, refreshToken, ...rest } = section;
  return lcsKind.create(rest, {
    bearerToken: typeof bearerToken === 'string' ? bearerToken : undefined,
    refreshToken: typeof refreshToken === 'string' ? refreshToken : undefined,
  });
}

/**
 * The saved token as an AadToken, or undefined without an access token. The local expiry is
 * `expiresAt`; a token saved by hand with only `expiresOn` falls back to the server's expiry, and
 * one with no expiry at all counts as expired.
 */
export function tokenOfSession(record: Readonly<SessionRecord>): AadToken | undefined {
  if (record.accessToken === undefined || record.accessToken === '') return undefined;
  const expiresAt = record.expiresAt ?? (record.expiresOn === undefined ? 0 : record.expiresOn * 1000);
  const sentAt = record.sentAt ?? expiresAt - (record.expiresIn ?? 0) * 1000;
  return restoreToken({
    tokenType: record.tokenType ?? 'Bearer',
    accessToken: record.accessToken,
    refreshToken: record.refreshToken,
    resource: record.resource,
    scope: record.scope,
    expiresIn: record.expiresIn ?? Math.max(0, Math.round((expiresAt - sentAt) / 1000)),
    expiresOn: record.expiresOn ?? Math.floor(expiresAt / 1000),
    notBefore: record.notBefore,
    sentAt,
    expiresAt,
    authorityHost: record.authorityHost,
    tenant: record.tenant,
  });
}

/**
 * `base` with `token` as its newest token: a token without a refresh token keeps the saved one, the
 * authority it came from is kept, and a recorded refusal goes (it was about an older refresh token).
 */
export function sessionWithToken(base: Readonly<SessionRecord> | undefined, token: AadToken): SessionRecord {
  const { refreshRefused: _dropped, ...rest } = base ? plainSession(base) : {};
  return {
    ...rest,
    authorityHost: token.authorityHost ?? base?.authorityHost,
    tenant: token.tenant ?? base?.tenant,
    tokenType: token.tokenType,
    accessToken: token.accessToken,
    refreshToken: token.refreshToken ?? base?.refreshToken,
    resource: token.resource,
    scope: token.scope,
    expiresIn: token.expiresIn,
    expiresOn: token.expiresOn,
    expiresAt: token.expiresAt,
    sentAt: token.sentAt,
    notBefore: token.notBefore,
  };
}

/** `base` without its tokens (a logout): settings and the authority stay. */
export function sessionWithoutTokens(base: Readonly<SessionRecord>): SessionRecord {
  const out = plainSession(base);
  for (const key of ['tokenType', 'accessToken', 'refreshToken', 'resource', 'scope', 'expiresIn', 'expiresOn', 'expiresAt', 'sentAt', 'notBefore', 'refreshRefused'] as const) {
    delete out[key];
  }
  return out;
}

/** The hash a refusal is recorded under (the refresh token itself is never repeated). */
export function refreshTokenHash(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('base64url');
}
