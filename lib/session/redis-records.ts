// What the Redis session store keeps under each key: the key names, the checked shape of a session,
// and a session (or the LCS section) turned into a stored envelope and back. No Redis calls.
import * as v from 'valibot';
import { InputError } from '../errors.js';
import { describeIssue } from '../config/schema.js';
import type { Envelope, RecordPlace, SessionKey } from './redis-crypto.js';
import { open, seal } from './redis-crypto.js';
import { plainSession, sessionFromLcsSection } from './records.js';
import type { SessionId, SessionRecord } from './types.js';

/**
 * Keys of one session: `<prefix>{<id>}:session` (a hash: `version`, `record`) and `<prefix>{<id>}:lock`.
 * The braces are a Redis hash tag, so both keys of a session live on one node should the layout
 * ever meet a cluster.
 */
export function keysOf(prefix: string, id: SessionId): { session: string; lock: string } {
  return { session: `${prefix}{${id}}:session`, lock: `${prefix}{${id}}:lock` };
}

/** `lcs`, or `odata:` followed by a non-empty name without control characters. */
export function checkSessionId(id: unknown): SessionId {
  // eslint-disable-next-line no-control-regex
  if (id === 'lcs' || (typeof id === 'string' && /^odata:[^\u0000-\u001f\u007f]+$/.test(id) && id.trim() !== 'odata:')) return id as SessionId;
  throw new InputError('A session id is "lcs" or "odata:<config name>" (see odataSessionId()).', 'ERR_INVALID_INPUT', 'id');
}

const epoch = v.pipe(v.number(), v.finite());

/** A saved session as the store accepts it (unknown keys dropped). */
export const SessionRecordSchema = v.object({
  clientId: v.optional(v.string()),
  lcsApiUri: v.optional(v.string()),
  projectId: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  authorityHost: v.optional(v.string()),
  tenant: v.optional(v.string()),
  tokenType: v.optional(v.string()),
  accessToken: v.optional(v.string()),
  refreshToken: v.optional(v.string()),
  resource: v.optional(v.string()),
  scope: v.optional(v.string()),
  expiresIn: v.optional(epoch),
  expiresOn: v.optional(epoch),
  expiresAt: v.optional(epoch),
  sentAt: v.optional(epoch),
  notBefore: v.optional(epoch),
  refreshRefused: v.optional(
    v.object({ refreshTokenHash: v.string(), error: v.string(), aadsts: v.optional(v.string()), message: v.string(), at: epoch }),
  ),
});

/** What a stored value holds: the LCS section (PowerShell key names) for `lcs`, a SessionRecord for an OData session. */
export type StoredValue = Record<string, unknown>;

/** The session a stored value holds, checked; a stored value of the wrong shape is refused, never used. */
export function sessionOfValue(id: SessionId, value: StoredValue): SessionRecord | string {
  const record = id === 'lcs' ? sessionFromLcsSection(value) : value;
  const checked = v.safeParse(SessionRecordSchema, record);
  return checked.success ? plainSession(checked.output) : describeIssue(checked.issues[0]);
}

/** A session about to be written, checked (a caller's mistake is an InputError; the value is never echoed). */
export function checkSessionToWrite(record: unknown): SessionRecord {
  const checked = v.safeParse(SessionRecordSchema, record);
  if (!checked.success) throw new InputError(`The session to save is invalid: ${describeIssue(checked.issues[0])}.`);
  return plainSession(checked.output);
}

/** True when a value to store holds a token (LCS names or SessionRecord names). */
export function holdsSecret(value: StoredValue): boolean {
  return ['accessToken', 'refreshToken', 'bearerToken', 'clientSecret'].some((key) => value[key] !== undefined && value[key] !== '');
}

/** The text stored in the hash's `record` field: sealed with `key`, or plain JSON when there is none (allowPlaintext). */
export function encodeValue(id: SessionId, value: StoredValue, key: SessionKey | undefined): string {
  const envelope: Envelope = key === undefined ? { format: 1, alg: 'none', data: value } : seal(value, id, key);
  return JSON.stringify(envelope);
}

/** The stored value a `record` field holds; every failure is a SessionStoreError (see open()). */
export function decodeValue(text: string, place: RecordPlace, keys: readonly SessionKey[], allowPlaintext: boolean): unknown {
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    envelope = undefined; // open() says it is not a record this version wrote
  }
  return open(envelope, place, keys, allowPlaintext);
}
