// Encryption at rest for the Redis session store: AES-256-GCM (node:crypto) with the caller's 32-byte
// key, a random 96-bit nonce per write, the key id in the record for rotation. No Redis, no I/O.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { SessionStoreError } from '../errors.js';

/** A key and its id: base64url of the first 8 bytes of SHA-256(key), safe to store and print. */
export interface SessionKey {
  readonly id: string;
  readonly key: Uint8Array;
}

export function sessionKey(key: Uint8Array): SessionKey {
  return { id: createHash('sha256').update(key).digest().subarray(0, 8).toString('base64url'), key };
}

/** The stored form of one session: ciphertext and what is needed to open it, or the plain JSON (allowPlaintext only). */
export type Envelope =
  | { format: 1; alg: 'A256GCM'; kid: string; iv: string; tag: string; data: string }
  | { format: 1; alg: 'none'; data: unknown };

/** Seals `value` (JSON-serialisable) for the session `id`; the id is authenticated, so a record moved to another session does not open. */
export function seal(value: unknown, id: string, key: SessionKey): Envelope {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(aadOf(id, key.id));
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { format: 1, alg: 'A256GCM', kid: key.id, iv: iv.toString('base64url'), tag: cipher.getAuthTag().toString('base64url'), data: data.toString('base64url') };
}

/** Where a record sits, for messages: the session id and its Redis key. */
export interface RecordPlace {
  location: string;
  id: string;
  redisKey: string;
}

/**
 * Opens an envelope with the current key or one of the previous ones (found by key id). Never
 * returns garbage: an unknown key id, a failed authentication or a malformed envelope is a
 * SessionStoreError naming the Redis key and what to do.
 */
export function open(envelope: unknown, place: RecordPlace, keys: readonly SessionKey[], allowPlaintext: boolean): unknown {
  const where = `the session "${place.id}" in ${place.location} (Redis key ${place.redisKey})`;
  const reset = `If its key is lost, delete it (DEL ${place.redisKey}) and sign in again.`;
  const e = envelope as Partial<Record<string, unknown>> | null;
  if (typeof e !== 'object' || e === null || e['format'] !== 1) {
    throw new SessionStoreError(`Cannot read ${where}: it is not a record this version of d365fo-auth wrote.`, {
      remedy: `Check that no other program writes under this keyPrefix, or upgrade d365fo-auth. ${reset}`,
    });
  }
  if (e['alg'] === 'none') {
    if (keys.length > 0 && !allowPlaintext) {
      throw new SessionStoreError(`Refusing ${where}: it is stored in plaintext, but this store has an encryptionKey, so it must be encrypted.`, {
        remedy: `Delete it (DEL ${place.redisKey}) and save the session again; or pass allowPlaintext: true once to read it, and the next write encrypts it.`,
      });
    }
    return e['data'];
  }
  const { kid, iv, tag, data } = e;
  if (e['alg'] !== 'A256GCM' || typeof kid !== 'string' || typeof iv !== 'string' || typeof tag !== 'string' || typeof data !== 'string') {
    throw new SessionStoreError(`Cannot read ${where}: its encryption envelope is malformed.`, { remedy: reset });
  }
  const key = keys.find((candidate) => candidate.id === kid);
  if (key === undefined) {
    const have = keys.length === 0 ? 'this store has no encryptionKey' : `this store's keys have the ids ${keys.map((k) => k.id).join(', ')}`;
    throw new SessionStoreError(`Cannot decrypt ${where}: it was encrypted with the key whose id is ${kid}, and ${have}.`, {
      remedy: `Pass the key it was written with as encryptionKey (or in previousKeys while rotating). ${reset}`,
    });
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
    decipher.setAAD(aadOf(place.id, kid));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    return JSON.parse(text) as unknown;
  } catch {
    // node's message ("Unsupported state or unable to authenticate data") adds nothing: not passed on
    throw new SessionStoreError(`Cannot decrypt ${where}: it does not authenticate under the key with id ${kid}, so it was altered or damaged.`, {
      remedy: `Nothing of it is used. Find out what wrote to this key; then delete it (DEL ${place.redisKey}) and sign in again.`,
    });
  }
}

function aadOf(id: string, kid: string): Buffer {
  return Buffer.from(`d365fo-auth session v1\0${id}\0${kid}`, 'utf8');
}
