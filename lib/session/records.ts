// Session records as objects that hide their secrets, and the mapping between a SessionRecord and the
// LCS section's PowerShell-style keys (bearerToken, activeTokenExpiresOn, …) that every store exposes
// through `lcs.get()`. Pure: no I/O.
import { secretKind } from '../secret-object.js';
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
