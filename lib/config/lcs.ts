// The LCS section's rules as pure functions: what `lcs.set()` takes (settings or an AadToken) turned
// into checked changes, and applied to a section. No I/O.
import { checkClientId, checkSecret } from '../aad/input.js';
import { checkLcsApiUri, type LcsHostOptions } from '../d365/hosts.js';
import { InputError } from '../errors.js';
import { sessionFromLcsSection, sessionWithToken, lcsSectionWithSession } from '../session/records.js';
import { isAadToken, type AadToken } from '../token.js';

/** The saved LCS config: defaults for the LCS functions and the saved session (PowerShell key names). */
export interface LcsConfig {
  clientId?: string | undefined;
  lcsApiUri?: string | undefined;
  projectId?: number | undefined;
  /** The bare access token (no `Bearer ` prefix). Never printed: read it explicitly. */
  bearerToken?: string | undefined;
  /** Never printed: read it explicitly. */
  refreshToken?: string | undefined;
  /** The server's `expires_on`, epoch seconds (PowerShell's ActiveTokenExpiresOn). */
  activeTokenExpiresOn?: number | undefined;
  /** The local expiry, epoch milliseconds. */
  activeTokenExpiresAt?: number | undefined;
  /** The authority the session signed in with. */
  authorityHost?: string | undefined;
  tenant?: string | undefined;
  [key: string]: unknown;
}

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

/** The fields that describe one saved token; they go stale when the bearer token changes by hand. */
const TOKEN_DETAILS = ['activeTokenExpiresAt', 'tokenType', 'resource', 'scope', 'expiresIn', 'sentAt', 'notBefore', 'refreshRefused'] as const;

/** Changes to apply to the LCS section: a value sets the key, `undefined` removes it; or a whole new section. */
export type LcsChanges = { section: (current: Readonly<Record<string, unknown>>) => Record<string, unknown> };

/** A positive integer, given as a number or a string of digits. */
function checkPositiveInteger(value: unknown, option: string, what: string): number {
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) {
    throw new InputError(`${option} must be ${what} (a positive integer, as a number or a string of digits).`, 'ERR_INVALID_INPUT', option);
  }
  return number;
}

/** Validates `partial` (settings or an AadToken) and says how to change the section. Throws before anything is read or written. */
export function lcsChangesOf(partial: LcsSettings | AadToken, hostOptions: LcsHostOptions = {}): LcsChanges {
  // an AadToken this library made, or any object shaped like one (e.g. parsed from --json output)
  if (isAadToken(partial) || (typeof (partial as AadToken).accessToken === 'string' && typeof (partial as AadToken).expiresAt === 'number')) {
    const token = partial as AadToken;
    checkSecret(token.accessToken, 'accessToken');
    return { section: (current) => lcsSectionWithSession(current, sessionWithToken(sessionFromLcsSection(current), token)) };
  }
  if (typeof partial !== 'object' || partial === null) throw new InputError('lcs.set() needs an object of settings or an AadToken.');
  for (const key of Object.keys(partial)) {
    if (!(SETTABLE as readonly string[]).includes(key)) throw new InputError(`lcs.set() got an unknown key "${key}"; the keys are ${SETTABLE.join(', ')}.`, 'ERR_INVALID_INPUT', key);
  }
  const p = partial as Record<string, unknown>;
  const changes: Record<string, unknown> = {};
  const take = (key: (typeof SETTABLE)[number], check: (value: unknown) => unknown) => {
    const value = p[key];
    if (value !== undefined) changes[key] = value === null ? undefined : check(value);
  };
  take('clientId', (value) => checkClientId(value));
  take('lcsApiUri', (value) => checkLcsApiUri(value, hostOptions));
  take('projectId', (value) => checkPositiveInteger(value, 'projectId', 'the LCS project id'));
  take('bearerToken', (value) => checkSecret(typeof value === 'string' ? value.replace(/^\s*bearer(?:\s+|$)/i, '').trim() : value, 'bearerToken'));
  take('refreshToken', (value) => checkSecret(value, 'refreshToken'));
  take('activeTokenExpiresOn', (value) => checkPositiveInteger(value, 'activeTokenExpiresOn', 'epoch seconds'));
  // a bearer token or expiry set by hand describes another token than the saved details did
  if ('bearerToken' in changes || 'activeTokenExpiresOn' in changes) {
    for (const key of TOKEN_DETAILS) changes[key] = undefined;
  }
  if ('bearerToken' in changes && !('activeTokenExpiresOn' in changes)) changes['activeTokenExpiresOn'] = undefined;
  if ('refreshToken' in changes) changes['refreshRefused'] = undefined;
  return {
    section: (current) => {
      const out: Record<string, unknown> = { ...current };
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined) delete out[key];
        else out[key] = value;
      }
      return out;
    },
  };
}
