// AES-256-GCM sealing of session records: round trip, fresh nonce per write, wrong key, tampering,
// a record moved to another session, rotation, plaintext records; every failure a SessionStoreError.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionStoreError } from '../../../lib/errors.js';
import { open, seal, sessionKey, type Envelope } from '../../../lib/session/redis-crypto.js';

const KEY_A = sessionKey(Buffer.alloc(32, 1));
const KEY_B = sessionKey(Buffer.alloc(32, 2));
const PLACE = { location: 'redis://127.0.0.1:6379 (keys d365fo-auth:*)', id: 'lcs', redisKey: 'd365fo-auth:{lcs}:session' };
const VALUE = { bearerToken: 'eyJ0eXAi.access-token-value', refreshToken: 'refresh-token-value', activeTokenExpiresOn: 1_900_000_000 };
const WHERE = 'the session "lcs" in redis://127.0.0.1:6379 (keys d365fo-auth:*) (Redis key d365fo-auth:{lcs}:session)';
const RESET = 'If its key is lost, delete it (DEL d365fo-auth:{lcs}:session) and sign in again.';

function fails(run: () => unknown, message: string, remedy: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof SessionStoreError);
    assert.equal(error.code, 'ERR_SESSION_STORE');
    assert.equal(error.message, message);
    assert.equal(error.remedy, remedy);
    return true;
  });
}

describe('Redis session record encryption', () => {
  it('round-trips, with a fresh nonce per write and nothing readable in the envelope', () => {
    const first = seal(VALUE, 'lcs', KEY_A);
    const second = seal(VALUE, 'lcs', KEY_A);
    assert.deepEqual(open(first, PLACE, [KEY_A], false), VALUE);
    assert.equal(first.alg, 'A256GCM');
    assert.notEqual(first.alg === 'A256GCM' && first.iv, second.alg === 'A256GCM' && second.iv);
    const text = JSON.stringify(first);
    for (const secret of [VALUE.bearerToken, VALUE.refreshToken, 'access-token', 'refresh-token']) assert.ok(!text.includes(secret));
  });

  it('the key id is the base64url of the first 8 bytes of SHA-256(key)', async () => {
    const { createHash } = await import('node:crypto');
    assert.equal(KEY_A.id, createHash('sha256').update(Buffer.alloc(32, 1)).digest().subarray(0, 8).toString('base64url'));
    assert.equal(KEY_A.id.length, 11);
  });

  it('a wrong key is a clear error naming both key ids, not garbage', () => {
    fails(
      () => open(seal(VALUE, 'lcs', KEY_A), PLACE, [KEY_B], false),
      `Cannot decrypt ${WHERE}: it was encrypted with the key whose id is ${KEY_A.id}, and this store's keys have the ids ${KEY_B.id}.`,
      `Pass the key it was written with as encryptionKey (or in previousKeys while rotating). ${RESET}`,
    );
    fails(
      () => open(seal(VALUE, 'lcs', KEY_A), PLACE, [], false),
      `Cannot decrypt ${WHERE}: it was encrypted with the key whose id is ${KEY_A.id}, and this store has no encryptionKey.`,
      `Pass the key it was written with as encryptionKey (or in previousKeys while rotating). ${RESET}`,
    );
  });

  it('a tampered ciphertext, tag or nonce, or a record moved to another session, does not open', () => {
    const sealed = seal(VALUE, 'lcs', KEY_A) as Extract<Envelope, { alg: 'A256GCM' }>;
    const flip = (text: string) => (text[5] === 'A' ? `${text.slice(0, 5)}B${text.slice(6)}` : `${text.slice(0, 5)}A${text.slice(6)}`);
    const message = `Cannot decrypt ${WHERE}: it does not authenticate under the key with id ${KEY_A.id}, so it was altered or damaged.`;
    const remedy = 'Nothing of it is used. Find out what wrote to this key; then delete it (DEL d365fo-auth:{lcs}:session) and sign in again.';
    fails(() => open({ ...sealed, data: flip(sealed.data) }, PLACE, [KEY_A], false), message, remedy);
    fails(() => open({ ...sealed, tag: flip(sealed.tag) }, PLACE, [KEY_A], false), message, remedy);
    fails(() => open({ ...sealed, iv: flip(sealed.iv) }, PLACE, [KEY_A], false), message, remedy);
    fails(() => open({ ...sealed, tag: sealed.tag.slice(0, 8) }, PLACE, [KEY_A], false), message, remedy);
    const moved = seal(VALUE, 'odata:contoso', KEY_A);
    fails(() => open(moved, PLACE, [KEY_A], false), message, remedy);
  });

  it('rotation: a record of a previous key opens; the current key is tried by id, not in turn', () => {
    assert.deepEqual(open(seal(VALUE, 'lcs', KEY_A), PLACE, [KEY_B, KEY_A], false), VALUE);
  });

  it('a malformed envelope or an unknown format is refused', () => {
    fails(() => open({ format: 1, alg: 'A256GCM', kid: KEY_A.id }, PLACE, [KEY_A], false), `Cannot read ${WHERE}: its encryption envelope is malformed.`, RESET);
    const unknown = `Cannot read ${WHERE}: it is not a record this version of d365fo-auth wrote.`;
    const unknownRemedy = `Check that no other program writes under this keyPrefix, or upgrade d365fo-auth. ${RESET}`;
    fails(() => open(undefined, PLACE, [KEY_A], false), unknown, unknownRemedy);
    fails(() => open({ format: 2, alg: 'none', data: {} }, PLACE, [KEY_A], false), unknown, unknownRemedy);
  });

  it('a plaintext record is read only by a store without key, or with allowPlaintext', () => {
    const plain = { format: 1, alg: 'none', data: VALUE };
    assert.deepEqual(open(plain, PLACE, [], false), VALUE);
    assert.deepEqual(open(plain, PLACE, [KEY_A], true), VALUE);
    fails(
      () => open(plain, PLACE, [KEY_A], false),
      `Refusing ${WHERE}: it is stored in plaintext, but this store has an encryptionKey, so it must be encrypted.`,
      'Delete it (DEL d365fo-auth:{lcs}:session) and save the session again; or pass allowPlaintext: true once to read it, and the next write encrypts it.',
    );
  });
});
