// The Redis session store's implementation: read, locked
// read-modify-write with compare-and-set, and the LCS section's get/set. Options are checked in redis.ts.
import type { LcsConfig, LcsSettings } from '../config/lcs.js';
import { lcsChangesOf } from '../config/lcs.js';
import { InputError, SessionStoreError } from '../errors.js';
import type { AadToken } from '../token.js';
import { commandRunner, type RedisClientLike } from './redis-client.js';
import { sessionKey, type SessionKey } from './redis-crypto.js';
import { acquireLock, type HeldLock } from './redis-lock.js';
import type { StoredValue } from './redis-records.js';
import { checkSessionId, checkSessionToWrite, decodeValue, encodeValue, holdsSecret, keysOf, sessionOfValue } from './redis-records.js';
import { lcsConfigObject, lcsSectionWithSession, sessionFromLcsSection, sessionRecord, sessionWithoutTokens, tokenOfSession } from './records.js';
import type { SessionChange, SessionId, SessionRecord, SessionUpdateOptions } from './types.js';

/**
 * Writes only while the caller still owns the lock (KEYS[2] = ARGV[1]) and the stored version is the
 * one it read (ARGV[2]); an empty ARGV[3] deletes. Returns the new version, 0 deleted, -1 lock lost,
 * -2 a newer session was saved.
 */
const WRITE = `if redis.call('GET', KEYS[2]) ~= ARGV[1] then return -1 end
local version = redis.call('HGET', KEYS[1], 'version') or '0'
if version ~= ARGV[2] then return -2 end
if ARGV[3] == '' then redis.call('DEL', KEYS[1]) return 0 end
local written = tonumber(version) + 1
redis.call('HSET', KEYS[1], 'version', tostring(written), 'record', ARGV[3])
return written`;

/** Options as redis.ts checked them. */
export interface CheckedOptions {
  client: RedisClientLike;
  location: string;
  keyPrefix: string;
  encryptionKey: Uint8Array | undefined;
  previousKeys: readonly Uint8Array[];
  allowPlaintext: boolean;
  lockTtlMs: number;
  commandTimeoutMs: number;
  waitMs: number;
}

export interface RedisStoreImpl {
  readSession(id: SessionId): Promise<SessionRecord | undefined>;
  updateSession<T>(id: SessionId, fn: (current: SessionRecord | undefined) => Promise<SessionChange<T>>, options?: SessionUpdateOptions): Promise<T>;
  lcsGet(): Promise<LcsConfig>;
  lcsGetToken(): Promise<AadToken | undefined>;
  lcsSet(partial: LcsSettings | AadToken): Promise<LcsConfig>;
}

interface Stored {
  /** The hash's `version` ('0' when nothing is saved): what the write compares against. */
  version: string;
  /** The decrypted value: the LCS section for `lcs`, a SessionRecord for an OData session. */
  value: StoredValue | undefined;
  session: SessionRecord | undefined;
}

const PLAINTEXT_REFUSED =
  'this Redis session store has no encryptionKey, so it would save tokens in plaintext. Pass encryptionKey (32 random bytes, e.g. from `openssl rand -base64 32`), or allowPlaintext: true if plaintext tokens in Redis are really acceptable.';

export function createRedisStoreImpl(options: CheckedOptions): RedisStoreImpl {
  const { location, keyPrefix, allowPlaintext, lockTtlMs, waitMs } = options;
  const run = commandRunner(options.client, location, options.commandTimeoutMs);
  const current: SessionKey | undefined = options.encryptionKey === undefined ? undefined : sessionKey(options.encryptionKey);
  const keyring = [...(current === undefined ? [] : [current]), ...options.previousKeys.map(sessionKey)];
  /** `the session "lcs"`: what a command is about (its errors name the location first). */
  const label = (id: SessionId, which = '') => `the ${which}session "${id}"`;

  async function read(id: SessionId): Promise<Stored> {
    const keys = keysOf(keyPrefix, id);
    const reply = await run(['HMGET', keys.session, 'version', 'record'], `reading ${label(id)}`);
    const [version, record] = Array.isArray(reply) ? reply.map(textOf) : [];
    if (record === undefined) return { version: version ?? '0', value: undefined, session: undefined };
    const place = { location, id, redisKey: keys.session };
    const value = decodeValue(record, place, keyring, allowPlaintext);
    const session = isObject(value) ? sessionOfValue(id, value) : 'the record should be an object';
    if (typeof session === 'string') {
      throw new SessionStoreError(`Cannot use ${label(id)} in ${location} (Redis key ${keys.session}): ${session}.`, {
        remedy: `Delete it (DEL ${keys.session}) and save the session again.`,
      });
    }
    return { version: version ?? '0', value: value as StoredValue, session };
  }

  async function save(id: SessionId, lock: HeldLock, stored: Stored, value: StoredValue | null): Promise<void> {
    const keys = keysOf(keyPrefix, id);
    if (value !== null && current === undefined && !allowPlaintext && holdsSecret(value)) {
      throw new InputError(`Refusing to save ${label(id)} in ${location}: ${PLAINTEXT_REFUSED}`, 'ERR_INVALID_INPUT', 'encryptionKey');
    }
    const text = value === null ? '' : encodeValue(id, value, current);
    const reply = await run(['EVAL', WRITE, '2', keys.session, keys.lock, lock.owner, stored.version, text], `saving ${label(id, 'new ')}`);
    if (reply === -1) {
      throw new SessionStoreError(
        `${capital(label(id, 'new '))} in ${location} could not be saved: this caller's lock on it lapsed (no keep-alive reached Redis within lockTtlMs, ${lockTtlMs} ms), so another holder may have saved a newer one.`,
        { remedy: 'Retry: the next call reads the newest session. If Redis was slow or the work took long, check Redis or raise lockTtlMs.' },
      );
    }
    if (reply === -2) {
      throw new SessionStoreError(`${capital(label(id, 'new '))} in ${location} could not be saved: a newer one was saved meanwhile (its version changed).`, {
        remedy: 'Retry: the next call reads the newest session. Check that nothing writes these keys without taking their lock.',
      });
    }
  }

  /** Takes the lock, reads, runs `body`, releases; a release failure never masks `body`'s outcome. */
  async function locked<T>(id: SessionId, call: SessionUpdateOptions, body: (stored: Stored, lock: HeldLock) => Promise<T>): Promise<T> {
    const lock = await acquireLock({ run, lockTtlMs, label: label(id), location }, keysOf(keyPrefix, id).lock, call.waitMs ?? waitMs, call.signal);
    try {
      return await body(await read(id), lock);
    } finally {
      // a lock we cannot delete lapses by itself within lockTtlMs
      await lock.release().catch(() => undefined);
    }
  }

  return {
    async readSession(id) {
      const stored = await read(checkSessionId(id));
      return stored.session === undefined ? undefined : sessionRecord(stored.session);
    },

    async updateSession(rawId, fn, call = {}) {
      const id = checkSessionId(rawId);
      if (typeof fn !== 'function') throw new InputError('updateSession() needs fn, a function (current session) => Promise<{ session?, result }>.', 'ERR_INVALID_INPUT', 'fn');
      checkUpdateOptions(call);
      // refused before the lock, so a refresh token is never spent on a session that could not be saved
      if (current === undefined && !allowPlaintext) throw new InputError(`updateSession() refused: ${PLAINTEXT_REFUSED}`, 'ERR_INVALID_INPUT', 'encryptionKey');
      return locked(id, call, async (stored, lock) => {
        const change = await fn(stored.session === undefined ? undefined : sessionRecord(stored.session));
        if (!isObject(change)) throw new InputError('updateSession(): fn must resolve to { session?, result }.', 'ERR_INVALID_INPUT', 'fn');
        // null forgets the session; the LCS section keeps its settings (client id, LCS host, project)
        if (change.session === null) await save(id, lock, stored, id === 'lcs' ? lcsSectionWithSession(stored.value ?? {}, sessionWithoutTokens(sessionFromLcsSection(stored.value ?? {}))) : null);
        else if (change.session !== undefined) {
          const record = checkSessionToWrite(change.session);
          await save(id, lock, stored, id === 'lcs' ? lcsSectionWithSession(stored.value ?? {}, record) : (record as StoredValue));
        }
        return change.result;
      });
    },

    async lcsGet() {
      return lcsConfigObject((await read('lcs')).value ?? {}) as LcsConfig;
    },

    async lcsGetToken() {
      return tokenOfSession(sessionFromLcsSection((await read('lcs')).value ?? {}));
    },

    async lcsSet(partial) {
      const changes = lcsChangesOf(partial);
      if (current === undefined && !allowPlaintext && holdsSecret(changes.section({}))) {
        throw new InputError(`lcs.set() refused: ${PLAINTEXT_REFUSED}`, 'ERR_INVALID_INPUT', 'encryptionKey');
      }
      return locked('lcs', {}, async (stored, lock) => {
        const section = changes.section(stored.value ?? {}) as StoredValue;
        await save('lcs', lock, stored, section);
        return lcsConfigObject(section) as LcsConfig;
      });
    },
  };
}

function checkUpdateOptions(call: SessionUpdateOptions): void {
  if (!isObject(call)) throw new InputError('updateSession() options must be an object: { signal?, waitMs? }.', 'ERR_INVALID_INPUT', 'options');
  const { waitMs, signal } = call;
  if (waitMs !== undefined && (typeof waitMs !== 'number' || !Number.isFinite(waitMs) || waitMs < 0)) {
    throw new InputError('waitMs must be a number of milliseconds, 0 or more.', 'ERR_INVALID_INPUT', 'waitMs');
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new InputError('signal must be an AbortSignal.', 'ERR_INVALID_INPUT', 'signal');
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A reply field as text (node-redis gives strings, or Buffers with a buffer type mapping); null → undefined. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return undefined;
}
