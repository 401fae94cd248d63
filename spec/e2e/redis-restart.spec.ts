// Redis restarted or slow mid-run, with a real redis-server and the emulator: while it is down every call
// fails fast with ERR_SESSION_STORE and a remedy (with the advised client settings, and with node-redis's
// default offline queue bounded by commandTimeoutMs), fn never runs; a refresh whose save fails says
// the new session is not saved and leaves the old one; after the restart the same client and store work
// again; a Redis that stalls mid-refresh does not cost the holder its lock, nor the fleet a second refresh.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { EMULATOR_DEMO, SessionStoreError, createRedisSessionStore, startEmulator, type EmulatorHandle, type RedisSessionStore } from '../../lib/index.js';
import { connectClient, keysHoldingSecrets, type Client } from '../support/redis-client.js';
import { seedExpiringSession } from '../support/redis-fleet.js';
import { refreshIfExpiring } from '../support/redis-refresh.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const KEY = Buffer.alloc(32, 0x37);
const LOCK_TTL_MS = 2000;

describe('Redis restarted mid-run', { timeout: 120_000 }, () => {
  let server: RedisServer;
  let emu: EmulatorHandle;
  let advised: Client;
  let queued: Client;
  let fast: RedisSessionStore;
  let slow: RedisSessionStore;
  const secrets = new Set<string | undefined>([EMULATOR_DEMO.user.password]);
  const refreshes = () => emu.requests.filter((r) => r.form['grant_type'] === 'refresh_token').length;

  before(async () => {
    server = await startRedisServer();
    emu = await startEmulator();
    advised = await connectClient(server.url);
    queued = await connectClient(server.url, { offlineQueue: true });
    fast = createRedisSessionStore({ client: advised, encryptionKey: KEY, lockTtlMs: LOCK_TTL_MS });
    slow = createRedisSessionStore({ client: queued, encryptionKey: KEY, lockTtlMs: LOCK_TTL_MS, commandTimeoutMs: 1000 });
    const token = await seedExpiringSession(fast, emu.url);
    secrets.add(token.accessToken).add(token.refreshToken);
  });
  after(async () => {
    advised.destroy();
    queued.destroy();
    await emu.stop();
    await server.close();
  });
  afterEach(async () => {
    const saved = await fast.readSession('lcs').catch(() => undefined);
    secrets.add(saved?.accessToken).add(saved?.refreshToken);
    if (advised.isReady) assert.deepEqual(await keysHoldingSecrets(advised, secrets), []);
  });

  async function untilBack(store: RedisSessionStore): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        await store.readSession('lcs');
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  function storeDown(pattern: RegExp) {
    return (error: unknown) => {
      assert.ok(error instanceof SessionStoreError);
      assert.equal(error.code, 'ERR_SESSION_STORE');
      assert.match(error.message, pattern);
      assert.match(String(error.remedy), /^Check that Redis is running and reachable from this machine/);
      return true;
    };
  }

  it('while Redis is down: a clear ERR_SESSION_STORE at once, fn never runs; after the restart it works again', async () => {
    await server.stop({ save: true });
    let ran = false;
    const fn = async () => ((ran = true), { result: 0 });
    let started = Date.now();
    await assert.rejects(fast.updateSession('lcs', fn), storeDown(/^Redis session store redis:\/\/127\.0\.0\.1:\d+ \(keys d365fo-auth:\*\): taking the lock on the session "lcs" failed: Redis cannot be reached \(/));
    assert.ok(Date.now() - started < 1500, `advised client: ${Date.now() - started} ms`);
    // node-redis's default offline queue would wait for the reconnect: commandTimeoutMs bounds it
    started = Date.now();
    await assert.rejects(slow.updateSession('lcs', fn), storeDown(/taking the lock on the session "lcs" failed: Redis did not answer within 1000 ms\.$/));
    assert.ok(Date.now() - started < 2500, `offline-queue client: ${Date.now() - started} ms`);
    await assert.rejects(fast.readSession('lcs'), storeDown(/reading the session "lcs" failed: Redis cannot be reached/));
    assert.equal(ran, false);

    await server.start();
    await untilBack(fast);
    await untilBack(slow);
    const before = refreshes();
    assert.equal((await slow.updateSession('lcs', refreshIfExpiring())).refreshed, true);
    assert.equal((await fast.updateSession('lcs', refreshIfExpiring())).refreshed, false);
    assert.equal(refreshes() - before, 1);
  });

  it('Redis slow mid-refresh (CLIENT PAUSE past lockTtlMs/3): the lock holds, and a waiter does not refresh again', async () => {
    await fast.updateSession('lcs', async (current) => ({ session: { ...current!, accessToken: current!.accessToken, refreshToken: current!.refreshToken, expiresAt: Date.now() + 60_000 }, result: 0 }));
    const before = refreshes();
    const refresh = refreshIfExpiring();
    const holder = fast.updateSession('lcs', async (current) => {
      // every client's commands (keep-alives included) wait 800 ms, three times: the work outlasts lockTtlMs
      for (let i = 0; i < 3; i++) {
        await advised.sendCommand(['CLIENT', 'PAUSE', '800', 'ALL']);
        await new Promise((resolve) => setTimeout(resolve, 900));
      }
      return refresh(current);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const other = createRedisSessionStore({ client: queued, encryptionKey: KEY, lockTtlMs: LOCK_TTL_MS });
    const waiter = other.updateSession('lcs', refreshIfExpiring(), { waitMs: 10_000 });
    const [first, second] = await Promise.all([holder, waiter]);
    assert.equal(first.refreshed, true);
    assert.equal(second.refreshed, false);
    assert.equal(second.expiresAt, first.expiresAt);
    assert.equal(refreshes() - before, 1);
  });

  it('Redis gone between the refresh and its save: the new session is reported not saved; the store recovers with the old one', async () => {
    await fast.updateSession('lcs', async (current) => ({ session: { ...current!, accessToken: current!.accessToken, refreshToken: current!.refreshToken, expiresAt: Date.now() + 60_000 }, result: 0 }));
    const old = await fast.readSession('lcs');
    const refresh = refreshIfExpiring();
    await assert.rejects(
      fast.updateSession('lcs', async (current) => {
        const change = await refresh(current);
        secrets.add(change.session?.accessToken).add(change.session?.refreshToken);
        await server.stop({ save: true }); // the snapshot keeps the lock, as a crash would
        return change;
      }),
      storeDown(/^Redis session store .*: saving the new session "lcs" failed: Redis cannot be reached \(/),
    );
    await server.start();
    await untilBack(fast);
    // the failed caller's lock lapses within lockTtlMs; the next caller sees the old session, never half a write
    // (whether its refresh token still works is the authority's business: AAD keeps a redeemed one valid)
    const started = Date.now();
    const seen = await fast.updateSession('lcs', async (current) => ({ result: current?.accessToken }));
    assert.ok(Date.now() - started <= LOCK_TTL_MS + 500, `took the lock after ${Date.now() - started} ms`);
    assert.equal(seen, old?.accessToken);
  });
});
