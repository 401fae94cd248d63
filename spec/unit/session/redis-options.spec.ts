// createRedisSessionStore()'s option checks, with a stand-in client object (no command is sent):
// one case per bad option, exact messages, and no key or password in any message or printed store.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { InputError } from '../../../lib/errors.js';
import { createRedisSessionStore, type RedisSessionStoreOptions } from '../../../lib/session/redis.js';

const KEY = Buffer.alloc(32, 0x5a);
const KEY_TEXT = KEY.toString('base64');
const MAKE_KEY = 'make one with `openssl rand -base64 32` or `node -e "console.log(crypto.randomBytes(32).toString(\'base64\'))"`';
const client = { sendCommand: async () => null, isOpen: true, options: { url: 'redis://app:hunter2-password@cache.example:6380/2?x=1' } };

function refused(options: unknown, option: string, message: string): void {
  assert.throws(
    () => createRedisSessionStore(options as RedisSessionStoreOptions),
    (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.code, 'ERR_INVALID_INPUT');
      assert.equal(error.option, option);
      assert.equal(error.message, message);
      assert.ok(!inspect(error, { showHidden: true, depth: null }).includes(KEY_TEXT));
      return true;
    },
  );
}

describe('createRedisSessionStore() options', () => {
  it('takes a client with defaults; location names the address and prefix, never the password', () => {
    const store = createRedisSessionStore({ client, encryptionKey: KEY });
    assert.equal(store.location, 'redis://cache.example:6380/2 (keys d365fo-auth:*)');
    for (const text of [inspect(store, { showHidden: true, depth: null }), inspect(store, { customInspect: false, showHidden: true }), JSON.stringify(store), String(store.location)]) {
      assert.ok(!text.includes('hunter2'), text);
      assert.ok(!text.includes(KEY_TEXT), text);
    }
    assert.equal(inspect(store), 'RedisSessionStore {"location":"redis://cache.example:6380/2 (keys d365fo-auth:*)"}');
  });

  it('reads the address from socket options too, and says "redis" when there is none', () => {
    assert.equal(createRedisSessionStore({ client: { sendCommand: client.sendCommand, options: { socket: { host: '10.0.0.5', port: 7000 } } } }).location, 'redis://10.0.0.5:7000 (keys d365fo-auth:*)');
    assert.equal(createRedisSessionStore({ client: { sendCommand: client.sendCommand }, keyPrefix: 'ci:' }).location, 'redis (keys ci:*)');
  });

  it('accepts the key as base64, base64url (with surrounding whitespace) or bytes', () => {
    createRedisSessionStore({ client, encryptionKey: `${KEY_TEXT}\n` });
    createRedisSessionStore({ client, encryptionKey: KEY.toString('base64url') });
    createRedisSessionStore({ client, encryptionKey: new Uint8Array(32), previousKeys: [KEY_TEXT] });
  });

  it('refuses what is not a connected redis client', () => {
    const how = 'client must be a connected client of the `redis` package (v4 or later): `const client = createClient({ url }); await client.connect();`.';
    refused({}, 'client', how);
    refused({ client: { get: () => null } }, 'client', how);
    refused({ client: { sendCommand: () => null, isOpen: false } }, 'client', 'client is not connected: call `await client.connect()` before creating the store.');
    refused(undefined, 'options', 'createRedisSessionStore() needs an options object with client.');
  });

  it('refuses an unknown option (a misspelt encryptionKey must not pass unnoticed)', () => {
    refused(
      { client, encryptionkey: KEY_TEXT },
      'encryptionkey',
      'createRedisSessionStore() got an unknown option "encryptionkey"; the options are client, keyPrefix, encryptionKey, previousKeys, allowPlaintext, lockTtlMs, commandTimeoutMs, waitMs.',
    );
  });

  it('refuses a key that is not 32 bytes, without echoing it', () => {
    refused({ client, encryptionKey: Buffer.alloc(16) }, 'encryptionKey', `encryptionKey must be 32 bytes, not 16: ${MAKE_KEY}.`);
    const text = `encryptionKey must be 32 bytes as a Uint8Array/Buffer or their base64 text (44 characters ending in =): ${MAKE_KEY}.`;
    refused({ client, encryptionKey: KEY.toString('hex') }, 'encryptionKey', text);
    refused({ client, encryptionKey: Buffer.alloc(24).toString('base64') }, 'encryptionKey', text);
    refused({ client, encryptionKey: `${KEY_TEXT.slice(0, 40)}!!!=` }, 'encryptionKey', text);
    refused({ client, encryptionKey: 42 }, 'encryptionKey', text);
    refused({ client, encryptionKey: KEY, previousKeys: [KEY, 'short'] }, 'previousKeys[1]', text.replace('encryptionKey', 'previousKeys[1]'));
  });

  it('refuses previousKeys without encryptionKey, or too many', () => {
    refused({ client, previousKeys: [KEY] }, 'previousKeys', 'previousKeys needs encryptionKey: the key new records are written with.');
    refused({ client, encryptionKey: KEY, previousKeys: Array(11).fill(KEY) }, 'previousKeys', 'previousKeys must be an array of at most 10 keys.');
  });

  it('refuses a keyPrefix with other characters, empty or too long', () => {
    const text = "keyPrefix must be 1 to 100 letters, digits or _ . : / - (e.g. 'd365fo-auth:' or 'ci:d365fo-auth:').";
    for (const keyPrefix of ['', 'a b', 'x{y}:', '*', 'a'.repeat(101), 7]) refused({ client, keyPrefix }, 'keyPrefix', text);
  });

  it('refuses times out of range', () => {
    refused({ client, lockTtlMs: 999 }, 'lockTtlMs', 'lockTtlMs must be a whole number of milliseconds from 1000 to 3600000.');
    refused({ client, lockTtlMs: 1500.5 }, 'lockTtlMs', 'lockTtlMs must be a whole number of milliseconds from 1000 to 3600000.');
    refused({ client, commandTimeoutMs: 0 }, 'commandTimeoutMs', 'commandTimeoutMs must be a whole number of milliseconds from 100 to 600000.');
    refused({ client, waitMs: -1 }, 'waitMs', 'waitMs must be a whole number of milliseconds from 0 to 3600000.');
    refused({ client, allowPlaintext: 'yes' }, 'allowPlaintext', 'allowPlaintext must be true or false.');
  });
});
