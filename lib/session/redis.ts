// createRedisSessionStore(): checks every option at once and returns a SessionStore over a caller's
// connected `redis` client (the library never imports `redis`); the work is redis-store.ts's.
import type { LcsConfig, LcsSettings } from '../config/lcs.js';
import { InputError } from '../errors.js';
import type { AadToken } from '../token.js';
import type { RedisClientLike } from './redis-client.js';
import { createRedisStoreImpl, type CheckedOptions } from './redis-store.js';
import type { SessionStore } from './types.js';

export type { RedisClientLike } from './redis-client.js';

/** 32 bytes, or their base64 (or base64url) text. */
export type EncryptionKey = Uint8Array | string;

export interface RedisSessionStoreOptions {
  /** A connected client of the official `redis` package (v4 or later): `createClient(…)`, then `await client.connect()`. */
  client: RedisClientLike;
  /** Prefix of every key the store writes. Default `d365fo-auth:`. */
  keyPrefix?: string | undefined;
  /** Encrypts every session at rest (AES-256-GCM). Without it the store refuses to save tokens (see allowPlaintext). */
  encryptionKey?: EncryptionKey | undefined;
  /** Keys that older records may be encrypted with (key rotation): read with them, rewritten with encryptionKey. */
  previousKeys?: readonly EncryptionKey[] | undefined;
  /** Saves sessions in plaintext when there is no encryptionKey. Default false: only for throwaway test setups. */
  allowPlaintext?: boolean | undefined;
  /** A lock's lifetime without keep-alive: a crashed holder's lock frees itself after this. Default 30 000 (1 000 to 3 600 000). */
  lockTtlMs?: number | undefined;
  /** Each Redis command settles within this, whatever the client does. Default 5 000 (100 to 600 000). */
  commandTimeoutMs?: number | undefined;
  /** How long updateSession() waits for a live holder when the call says nothing. Default twice lockTtlMs, at least 10 000. */
  waitMs?: number | undefined;
}

export interface RedisLcsStore {
  /** The saved LCS section (PowerShell key names: bearerToken, activeTokenExpiresOn, …); its secrets print as `[redacted]`. */
  get(): Promise<LcsConfig>;
  /** The saved LCS session as an `AadToken`, or `undefined` when no bearer token is saved. */
  getToken(): Promise<AadToken | undefined>;
  /** Saves plain keys or an `AadToken`, with the same keys and checks as the config file store's `lcs.set()`. */
  set(partial: LcsSettings | AadToken): Promise<LcsConfig>;
}

export interface RedisSessionStore extends SessionStore {
  readonly lcs: RedisLcsStore;
}

const OPTIONS = ['client', 'keyPrefix', 'encryptionKey', 'previousKeys', 'allowPlaintext', 'lockTtlMs', 'commandTimeoutMs', 'waitMs'] as const;
const MAKE_KEY = 'make one with `openssl rand -base64 32` or `node -e "console.log(crypto.randomBytes(32).toString(\'base64\'))"`';

/** A SessionStore (plus `lcs.get()`/`lcs.set()`) in Redis, shared by every process and machine using the same Redis and keyPrefix. */
export function createRedisSessionStore(options: RedisSessionStoreOptions): RedisSessionStore {
  const checked = checkOptions(options);
  const impl = createRedisStoreImpl(checked);
  const describe = () => ({ location: checked.location });
  const lcs: RedisLcsStore = {
    get: () => impl.lcsGet(),
    getToken: () => impl.lcsGetToken(),
    set: (partial) => impl.lcsSet(partial),
  };
  const store: RedisSessionStore & Record<symbol | 'toJSON', unknown> = {
    location: checked.location,
    readSession: (id) => impl.readSession(id),
    updateSession: (id, fn, call) => impl.updateSession(id, fn, call),
    lcs: Object.freeze(lcs),
    // the client (whose options may hold a password) and the keys live in closures only
    [Symbol.for('nodejs.util.inspect.custom')]: () => `RedisSessionStore ${JSON.stringify(describe())}`,
    toJSON: describe,
  };
  return Object.freeze(store);
}

function checkOptions(options: RedisSessionStoreOptions): CheckedOptions {
  if (typeof options !== 'object' || options === null) throw optionError('createRedisSessionStore() needs an options object with client.', 'options');
  for (const key of Object.keys(options)) {
    if (!(OPTIONS as readonly string[]).includes(key)) throw optionError(`createRedisSessionStore() got an unknown option "${key}"; the options are ${OPTIONS.join(', ')}.`, key);
  }
  const { client } = options;
  if (typeof client !== 'object' || client === null || typeof (client as { sendCommand?: unknown }).sendCommand !== 'function') {
    throw optionError('client must be a connected client of the `redis` package (v4 or later): `const client = createClient({ url }); await client.connect();`.', 'client');
  }
  if (client.isOpen === false) throw optionError('client is not connected: call `await client.connect()` before creating the store.', 'client');
  const keyPrefix = options.keyPrefix ?? 'd365fo-auth:';
  if (typeof keyPrefix !== 'string' || !/^[A-Za-z0-9_.:/-]{1,100}$/.test(keyPrefix)) {
    throw optionError("keyPrefix must be 1 to 100 letters, digits or _ . : / - (e.g. 'd365fo-auth:' or 'ci:d365fo-auth:').", 'keyPrefix');
  }
  const encryptionKey = options.encryptionKey === undefined ? undefined : keyBytes(options.encryptionKey, 'encryptionKey');
  const previous = options.previousKeys ?? [];
  if (!Array.isArray(previous) || previous.length > 10) throw optionError('previousKeys must be an array of at most 10 keys.', 'previousKeys');
  if (previous.length > 0 && encryptionKey === undefined) throw optionError('previousKeys needs encryptionKey: the key new records are written with.', 'previousKeys');
  const previousKeys = previous.map((key, index) => keyBytes(key, `previousKeys[${index}]`));
  const allowPlaintext = options.allowPlaintext ?? false;
  if (typeof allowPlaintext !== 'boolean') throw optionError('allowPlaintext must be true or false.', 'allowPlaintext');
  const lockTtlMs = integer(options.lockTtlMs, 'lockTtlMs', 30_000, 1_000, 3_600_000);
  const commandTimeoutMs = integer(options.commandTimeoutMs, 'commandTimeoutMs', 5_000, 100, 600_000);
  const waitMs = integer(options.waitMs, 'waitMs', Math.max(10_000, 2 * lockTtlMs), 0, 3_600_000);
  const location = `${addressOf(client)} (keys ${keyPrefix}*)`;
  return { client, location, keyPrefix, encryptionKey, previousKeys, allowPlaintext, lockTtlMs, commandTimeoutMs, waitMs };
}

/** 32 key bytes from a Uint8Array or base64/base64url text; the message never holds the value. */
function keyBytes(value: unknown, option: string): Uint8Array {
  if (value instanceof Uint8Array) {
    if (value.length !== 32) throw optionError(`${option} must be 32 bytes, not ${value.length}: ${MAKE_KEY}.`, option);
    return new Uint8Array(value); // a copy: the caller's buffer may be reused or wiped
  }
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined || !/^(?:[A-Za-z0-9+/]{43}=|[A-Za-z0-9_-]{43})$/.test(text)) {
    throw optionError(`${option} must be 32 bytes as a Uint8Array/Buffer or their base64 text (44 characters ending in =): ${MAKE_KEY}.`, option);
  }
  return new Uint8Array(Buffer.from(text, text.endsWith('=') ? 'base64' : 'base64url'));
}

function integer(value: unknown, option: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw optionError(`${option} must be a whole number of milliseconds from ${min} to ${max}.`, option);
  }
  return value;
}

function optionError(message: string, option: string): InputError {
  return new InputError(message, 'ERR_INVALID_INPUT', option);
}

/** `redis://host:port` (or `unix:/path`) from the client's options, credentials and query left out; `redis` when unknown. */
function addressOf(client: RedisClientLike): string {
  const options = client.options as { url?: unknown; socket?: { host?: unknown; port?: unknown; path?: unknown } } | undefined;
  if (typeof options?.url === 'string') {
    try {
      const url = new URL(options.url);
      return `${url.protocol}//${url.host}${url.pathname.length > 1 ? url.pathname : ''}`;
    } catch {
      return 'redis';
    }
  }
  const socket = options?.socket;
  if (typeof socket?.path === 'string') return `unix:${socket.path}`;
  if (socket !== undefined && (typeof socket.host === 'string' || typeof socket.port === 'number')) {
    return `redis://${typeof socket.host === 'string' ? socket.host : 'localhost'}:${typeof socket.port === 'number' ? socket.port : 6379}`;
  }
  return 'redis';
}
