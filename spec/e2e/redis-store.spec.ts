// createRedisSessionStore() against a real redis-server (no mock): lcs.get/set as the config store
// takes them, updateSession's lock / compare-and-set / waiting, encryption at rest (wrong key, tampering,
// rotation, no plaintext anywhere), and Redis refusals (closed client, NOAUTH, READONLY) before fn runs.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { InputError, SessionStoreError } from '../../lib/errors.js';
import { createRedisSessionStore, type RedisSessionStore, type RedisSessionStoreOptions } from '../../lib/session/redis.js';
import { plainSession } from '../../lib/session/records.js';
import type { SessionRecord } from '../../lib/session/types.js';
import { connectClient, keysHoldingSecrets, type Client } from '../support/redis-client.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const KEY = Buffer.alloc(32, 0x11);
const OTHER_KEY = Buffer.alloc(32, 0x22);
const CLIENT_ID = '4e9c6a1b-52d3-4c8f-8a7e-1f2b3c4d5e6f';
const LOCKED = /^The session "lcs" in redis:\/\/127\.0\.0\.1:\d+ \(keys t\d+:\*\) is locked by process \d+ on [^,]+, taken \d+(\.\d)? s ago by that machine's clock; /;

describe('createRedisSessionStore() on a real Redis', () => {
  let server: RedisServer;
  let client: Client;
  let admin: Client;
  let prefix: string;
  let count = 0;
  /** Secret values a test saved: none may appear in any Redis value afterwards. */
  let secrets: Set<string>;

  const open = (options: Partial<RedisSessionStoreOptions> = {}): RedisSessionStore =>
    createRedisSessionStore({ client, keyPrefix: prefix, encryptionKey: KEY, ...options });
  const secret = (label: string): string => {
    const value = `${label}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
    secrets.add(value);
    return value;
  };
  const session = (accessToken: string, extra: Partial<SessionRecord> = {}): SessionRecord => ({
    clientId: CLIENT_ID,
    accessToken,
    refreshToken: secret('rt'),
    expiresAt: Date.now() + 3_600_000,
    ...extra,
  });
  const lockExists = async () => Number(await admin.sendCommand(['EXISTS', `${prefix}{lcs}:lock`])) === 1;
  const stored = async () => admin.sendCommand(['HGETALL', `${prefix}{lcs}:session`]) as Promise<Record<string, string>>;

  before(async () => {
    server = await startRedisServer();
    client = await connectClient(server.url);
    admin = await connectClient(server.url);
  });
  after(async () => {
    client.destroy();
    admin.destroy();
    await server.close();
  });
  beforeEach(() => {
    prefix = `t${++count}:`;
    secrets = new Set();
  });
  afterEach(async () => {
    assert.deepEqual(await keysHoldingSecrets(admin, secrets), [], 'a secret is stored in plaintext');
  });

  it('lcs.set()/get()/getToken() take the config store\'s keys and checks; secrets never print', async () => {
    const store = open();
    const bearer = secret('at');
    const refresh = secret('rt');
    const saved = await store.lcs.set({ clientId: CLIENT_ID, projectId: '1234', bearerToken: `Bearer ${bearer}`, refreshToken: refresh, activeTokenExpiresOn: 1_900_000_000 });
    assert.equal(saved.bearerToken, bearer);
    const read = await store.lcs.get();
    assert.deepEqual({ ...read }, { clientId: CLIENT_ID, projectId: 1234, activeTokenExpiresOn: 1_900_000_000 });
    assert.equal(read.refreshToken, refresh);
    for (const text of [inspect(read, { showHidden: true, depth: null }), JSON.stringify(read), inspect(await store.readSession('lcs'), { showHidden: true })]) {
      assert.ok(!text.includes(bearer) && !text.includes(refresh), text);
    }
    const token = await store.lcs.getToken();
    assert.equal(token?.accessToken, bearer);
    assert.equal(token?.expiresAt, 1_900_000_000_000);
    const record = await store.readSession('lcs');
    assert.equal(record?.accessToken, bearer);
    assert.equal(record?.expiresOn, 1_900_000_000);
    await assert.rejects(store.lcs.set({ clientid: 'x' } as never), {
      name: 'InputError',
      message: 'lcs.set() got an unknown key "clientid"; the keys are clientId, lcsApiUri, projectId, bearerToken, refreshToken, activeTokenExpiresOn.',
    });
    await assert.rejects(store.lcs.set({ clientId: 'nope' }), { name: 'InputError', message: 'clientId must be a GUID like 00000000-0000-0000-0000-000000000000 (the application id of the app registration).' });
    assert.equal(await store.readSession('odata:none'), undefined);
  });

  it('updateSession() hands fn the current session, writes what it returns with a new version, and returns its result', async () => {
    const store = open();
    await store.lcs.set({ clientId: CLIENT_ID, refreshToken: secret('rt') });
    assert.equal((await stored()).version, '1');
    const next = secret('at');
    const result = await store.updateSession('lcs', async (current) => {
      assert.equal(current?.clientId, CLIENT_ID);
      return { session: { ...plainSession(current!), accessToken: next, authorityHost: 'http://127.0.0.1:1' }, result: 'refreshed' };
    });
    assert.equal(result, 'refreshed');
    assert.equal((await stored()).version, '2');
    assert.equal((await store.lcs.get()).bearerToken, next);
    assert.equal((await store.readSession('lcs'))?.authorityHost, 'http://127.0.0.1:1');
    // undefined leaves it, null forgets the tokens (the LCS settings stay, as a logout does)
    assert.equal(await store.updateSession('lcs', async () => ({ result: 1 })), 1);
    assert.equal((await stored()).version, '2');
    await store.updateSession('lcs', async () => ({ session: null, result: 0 }));
    const forgotten = await store.readSession('lcs');
    assert.equal(forgotten?.accessToken, undefined);
    assert.equal(forgotten?.refreshToken, undefined);
    assert.equal(forgotten?.clientId, CLIENT_ID);
    assert.equal(await lockExists(), false);
  });

  it('an OData session is a SessionRecord under its own key', async () => {
    const store = open();
    const at = secret('at');
    await store.updateSession('odata:contoso', async (current) => ({ session: session(at, { tenant: 'contoso.onmicrosoft.com' }), result: current }));
    const record = await store.readSession('odata:contoso');
    assert.equal(record?.accessToken, at);
    assert.equal(record?.tenant, 'contoso.onmicrosoft.com');
    assert.equal(Number(await admin.sendCommand(['EXISTS', `${prefix}{odata:contoso}:session`])), 1);
    await assert.rejects(store.readSession('odata:' as never), { name: 'InputError', message: 'A session id is "lcs" or "odata:<config name>" (see odataSessionId()).' });
  });

  it("fn's error comes out unchanged, the lock is released and nothing is written", async () => {
    const store = open();
    await store.lcs.set({ clientId: CLIENT_ID });
    const before = await stored();
    const failure = new Error('refresh refused');
    await assert.rejects(store.updateSession('lcs', async () => Promise.reject(failure)), (error) => error === failure);
    assert.equal(await lockExists(), false);
    assert.deepEqual(await stored(), before);
  });

  it('a waiter waits for a live holder, then reads the session it saved', async () => {
    const holder = open();
    const waiter = open();
    const at = secret('at');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = holder.updateSession('lcs', async () => {
      await gate;
      return { session: session(at), result: 'first' };
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    let seen: string | undefined;
    const second = waiter.updateSession('lcs', async (current) => ((seen = current?.accessToken), { result: 'second' }));
    setTimeout(release, 300);
    assert.deepEqual(await Promise.all([first, second]), ['first', 'second']);
    assert.equal(seen, at);
  });

  it('a waiter gives up after waitMs, or at once on its signal, with ERR_SESSION_LOCKED naming the holder', async () => {
    const store = open();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const holding = store.updateSession('lcs', async () => (await gate, { result: undefined }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    let ran = false;
    const started = Date.now();
    await assert.rejects(store.updateSession('lcs', async () => ((ran = true), { result: 0 }), { waitMs: 300 }), (error: unknown) => {
      assert.ok(error instanceof SessionStoreError);
      assert.equal(error.code, 'ERR_SESSION_LOCKED');
      assert.match(error.message, LOCKED);
      assert.match(error.message, /gave up after waiting \d+(\.\d)? s\.$/);
      assert.equal(
        error.remedy,
        `A live holder is still refreshing: retry later or give a larger waitMs. A holder that died frees the lock by itself within lockTtlMs (30 s); to free it at once, make sure no process is refreshing, then DEL ${prefix}{lcs}:lock.`,
      );
      return true;
    });
    assert.ok(Date.now() - started >= 300 && Date.now() - started < 2000, `${Date.now() - started} ms`);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 100);
    await assert.rejects(store.updateSession('lcs', async () => ((ran = true), { result: 0 }), { signal: controller.signal }), (error: unknown) => {
      assert.ok(error instanceof SessionStoreError);
      assert.equal(error.code, 'ERR_SESSION_LOCKED');
      assert.match(error.message, LOCKED);
      assert.match(error.message, /stopped waiting after \d+(\.\d)? s: the caller's signal aborted\.$/);
      assert.equal((error.cause as Error).message, 'shutting down');
      return true;
    });
    assert.equal(ran, false);
    release();
    await holding;
    // a signal aborted before the call: nothing is taken, nothing runs
    await assert.rejects(store.updateSession('lcs', async () => ((ran = true), { result: 0 }), { signal: AbortSignal.abort() }), {
      code: 'ERR_SESSION_LOCKED',
      message: `The session "lcs" in ${store.location} was not taken; stopped waiting after 0 s: the caller's signal aborted.`,
    });
    assert.equal(ran, false);
    assert.equal(await lockExists(), false);
  });

  it('a live holder keeps its lock past lockTtlMs (keep-alive) and saves', async () => {
    const store = open({ lockTtlMs: 1000 });
    const at = secret('at');
    const holding = store.updateSession('lcs', async () => {
      await new Promise((resolve) => setTimeout(resolve, 2500));
      return { session: session(at), result: 'saved' };
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await assert.rejects(store.updateSession('lcs', async () => ({ result: 0 }), { waitMs: 1800 }), { code: 'ERR_SESSION_LOCKED' });
    assert.equal(await holding, 'saved');
    assert.equal((await store.readSession('lcs'))?.accessToken, at);
  });

  it('a holder that lost its lock, or finds a newer version, cannot overwrite: the new session is not saved', async () => {
    const store = open();
    await store.lcs.set({ clientId: CLIENT_ID });
    const lost = store.updateSession('lcs', async () => {
      await admin.sendCommand(['DEL', `${prefix}{lcs}:lock`]);
      return { session: session(secret('at')), result: 0 };
    });
    await assert.rejects(lost, (error: unknown) => {
      assert.ok(error instanceof SessionStoreError);
      assert.equal(error.code, 'ERR_SESSION_STORE');
      assert.match(error.message, /^The new session "lcs" in .* could not be saved: this caller's lock on it lapsed \(no keep-alive reached Redis within lockTtlMs, 30000 ms\), so another holder may have saved a newer one\.$/);
      assert.match(String(error.remedy), /^Retry: the next call reads the newest session\./);
      return true;
    });
    const newer = store.updateSession('lcs', async () => {
      await admin.sendCommand(['HINCRBY', `${prefix}{lcs}:session`, 'version', '1']);
      return { session: session(secret('at')), result: 0 };
    });
    await assert.rejects(newer, { code: 'ERR_SESSION_STORE', message: /could not be saved: a newer one was saved meanwhile \(its version changed\)\.$/ });
    assert.equal((await store.readSession('lcs'))?.accessToken, undefined);
  });

  it('without encryptionKey it refuses tokens before taking the lock; settings alone are fine; allowPlaintext is deliberate', async () => {
    const store = open({ encryptionKey: undefined });
    let ran = false;
    await assert.rejects(store.updateSession('lcs', async () => ((ran = true), { result: 0 })), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.option, 'encryptionKey');
      assert.match(error.message, /^updateSession\(\) refused: this Redis session store has no encryptionKey, so it would save tokens in plaintext\. Pass encryptionKey/);
      return true;
    });
    assert.equal(ran, false);
    assert.equal(await lockExists(), false);
    await assert.rejects(store.lcs.set({ refreshToken: secret('rt') }), { name: 'InputError', message: /^lcs\.set\(\) refused: this Redis session store has no encryptionKey/ });
    await store.lcs.set({ clientId: CLIENT_ID });
    assert.equal((await store.lcs.get()).clientId, CLIENT_ID);
    const plain = open({ encryptionKey: undefined, allowPlaintext: true });
    await plain.lcs.set({ refreshToken: 'visible-refresh-token' });
    assert.match((await stored()).record!, /"alg":"none".*visible-refresh-token/);
    // a store with a key does not trust a plaintext record
    await assert.rejects(open().readSession('lcs'), { code: 'ERR_SESSION_STORE', message: /it is stored in plaintext, but this store has an encryptionKey/ });
  });

  it('a wrong key is a clear error, and the record is never overwritten', async () => {
    const store = open();
    await store.lcs.set({ clientId: CLIENT_ID, refreshToken: secret('rt') });
    const before = await stored();
    const wrong = open({ encryptionKey: OTHER_KEY });
    const expected = { name: 'SessionStoreError', code: 'ERR_SESSION_STORE', message: /^Cannot decrypt the session "lcs" in .*: it was encrypted with the key whose id is [\w-]{11}, and this store's keys have the ids [\w-]{11}\.$/ };
    await assert.rejects(wrong.readSession('lcs'), expected);
    await assert.rejects(wrong.lcs.get(), expected);
    let ran = false;
    await assert.rejects(wrong.updateSession('lcs', async () => ((ran = true), { result: 0 })), expected);
    await assert.rejects(wrong.lcs.set({ projectId: 7 }), expected);
    assert.equal(ran, false);
    assert.deepEqual(await stored(), before);
    assert.equal(await lockExists(), false);
    for (const error of [await wrong.readSession('lcs').catch((e: unknown) => e)]) {
      const text = inspect(error, { showHidden: true, depth: null });
      assert.ok(!text.includes(KEY.toString('base64')) && !text.includes(OTHER_KEY.toString('base64')));
    }
  });

  it('a tampered record is refused, not used', async () => {
    const store = open();
    await store.lcs.set({ refreshToken: secret('rt') });
    const envelope = JSON.parse((await stored()).record!) as { data: string };
    envelope.data = `${envelope.data.startsWith('A') ? 'B' : 'A'}${envelope.data.slice(1)}`;
    await admin.sendCommand(['HSET', `${prefix}{lcs}:session`, 'record', JSON.stringify(envelope)]);
    await assert.rejects(store.readSession('lcs'), { code: 'ERR_SESSION_STORE', message: /it does not authenticate under the key with id [\w-]{11}, so it was altered or damaged\.$/ });
  });

  it('key rotation: previousKeys read old records; the next write uses the new key', async () => {
    const old = open();
    const rt = secret('rt');
    await old.lcs.set({ refreshToken: rt });
    const rotated = open({ encryptionKey: OTHER_KEY, previousKeys: [KEY.toString('base64')] });
    assert.equal((await rotated.lcs.get()).refreshToken, rt);
    const kidBefore = (JSON.parse((await stored()).record!) as { kid: string }).kid;
    await rotated.lcs.set({ projectId: 9 });
    const kidAfter = (JSON.parse((await stored()).record!) as { kid: string }).kid;
    assert.notEqual(kidAfter, kidBefore);
    assert.equal((await rotated.lcs.get()).refreshToken, rt);
    await assert.rejects(old.readSession('lcs'), { message: new RegExp(`encrypted with the key whose id is ${kidAfter.replace(/[-]/g, '\\-')}, and this store's keys have the ids ${kidBefore.replace(/[-]/g, '\\-')}\\.$`) });
  });

  it('a closed client is refused before fn runs', async () => {
    const closed = await connectClient(server.url);
    const store = createRedisSessionStore({ client: closed, keyPrefix: prefix, encryptionKey: KEY });
    closed.destroy();
    let ran = false;
    await assert.rejects(store.updateSession('lcs', async () => ((ran = true), { result: 0 })), (error: unknown) => {
      assert.ok(error instanceof SessionStoreError);
      assert.equal(error.code, 'ERR_SESSION_STORE');
      assert.match(error.message, /taking the lock on the session "lcs" failed: the Redis client is closed \(The client is closed\)\.$/);
      assert.equal(error.remedy, 'Call `await client.connect()` before using the store and keep the client open while it is used.');
      return true;
    });
    assert.equal(ran, false);
  });

  it('NOAUTH: a connection that lost its authentication is refused before fn runs, with what to do', async () => {
    const anonymous = await connectClient(server.url);
    await admin.sendCommand(['CONFIG', 'SET', 'requirepass', 'spec-password-1']);
    try {
      // RESET drops the connection's authentication: what a reconnect without the new password meets
      await anonymous.sendCommand(['RESET']);
      const store = createRedisSessionStore({ client: anonymous, keyPrefix: prefix, encryptionKey: KEY });
      let ran = false;
      await assert.rejects(store.updateSession('lcs', async () => ((ran = true), { result: 0 })), (error: unknown) => {
        assert.ok(error instanceof SessionStoreError);
        assert.match(error.message, /failed: Redis refused the connection's credentials \(NOAUTH Authentication required\.\)\.$/);
        assert.match(String(error.remedy), /^Give the client the right username and password/);
        return true;
      });
      assert.equal(ran, false);
    } finally {
      anonymous.destroy();
      await admin.sendCommand(['CONFIG', 'SET', 'requirepass', '']);
    }
  });

  it('READONLY: a store on a replica is refused before fn runs, pointing at the primary', async () => {
    const replica = await startRedisServer();
    try {
      const other = await connectClient(replica.url);
      await other.sendCommand(['REPLICAOF', '127.0.0.1', String(server.port)]);
      const store = createRedisSessionStore({ client: other, keyPrefix: prefix, encryptionKey: KEY });
      let ran = false;
      await assert.rejects(store.updateSession('lcs', async () => ((ran = true), { result: 0 })), (error: unknown) => {
        assert.ok(error instanceof SessionStoreError);
        assert.match(error.message, /taking the lock on the session "lcs" failed: the client is connected to a read-only replica \(READONLY /);
        assert.match(String(error.remedy), /^Point the client at the primary/);
        return true;
      });
      assert.equal(ran, false);
      other.destroy();
    } finally {
      await replica.close();
    }
  });

  it('prints neither its key nor its client', () => {
    const store = open({ previousKeys: [OTHER_KEY] });
    const text = [inspect(store, { showHidden: true, depth: null }), inspect(store, { customInspect: false, showHidden: true, depth: null }), JSON.stringify(store)].join('\n');
    for (const key of [KEY, OTHER_KEY]) assert.ok(!text.includes(key.toString('base64')) && !text.includes(key.toString('hex')));
    assert.ok(!text.includes('sendCommand'));
  });
});
