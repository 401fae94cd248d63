// A fleet on one Redis session store, with a real redis-server and the emulator: 20 processes (and 20
// processes each with its own config file, standing in for machines) refresh an expiring session
// exactly once; a holder killed with SIGKILL frees the lock within lockTtlMs and the next caller
// refreshes; no secret is ever in Redis in plaintext.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { EMULATOR_DEMO, createRedisSessionStore, openConfigStore, startEmulator, type EmulatorHandle, type RedisSessionStore } from '../../lib/index.js';
import { keysHoldingSecrets, connectClient, type Client } from '../support/redis-client.js';
import { seedExpiringSession, startFleetWorker, type FleetWorker } from '../support/redis-fleet.js';
import { refreshIfExpiring } from '../support/redis-refresh.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const KEY = Buffer.alloc(32, 0x42).toString('base64');
const FLEET = 20;

describe('a fleet sharing one Redis session store', { timeout: 180_000 }, () => {
  let server: RedisServer;
  let emu: EmulatorHandle;
  let client: Client;
  let dir: string;
  let prefix: string;
  let count = 0;
  let secrets: Set<string | undefined>;
  const refreshes = () => emu.requests.filter((r) => r.form['grant_type'] === 'refresh_token').length;
  const open = (lockTtlMs?: number): RedisSessionStore => createRedisSessionStore({ client, keyPrefix: prefix, encryptionKey: KEY, lockTtlMs });
  const env = (extra: Record<string, string> = {}) => ({ REDIS_URL: server.url, REDIS_PREFIX: prefix, D365FO_SESSION_KEY: KEY, MODE: 'refresh', ...extra });

  before(async () => {
    server = await startRedisServer();
    emu = await startEmulator();
    client = await connectClient(server.url);
    dir = await mkdtemp(path.join(os.tmpdir(), 'd365fo-auth-fleet-'));
  });
  after(async () => {
    client.destroy();
    await emu.stop();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    prefix = `fleet${++count}:`;
    secrets = new Set([EMULATOR_DEMO.user.password, EMULATOR_DEMO.confidentialClient.secret]);
  });
  afterEach(async () => {
    const saved = await open().readSession('lcs');
    secrets.add(saved?.accessToken).add(saved?.refreshToken);
    assert.deepEqual(await keysHoldingSecrets(client, secrets), [], 'a secret is stored in plaintext');
  });

  /** Starts the workers, waits until each is ready, lets them all go at once, and collects their results. */
  async function runFleet(workers: FleetWorker[]): Promise<Record<string, unknown>[]> {
    try {
      for (const worker of workers) assert.deepEqual(await worker.next(), { ready: true });
      for (const worker of workers) worker.go();
      return await Promise.all(workers.map((worker) => worker.next()));
    } finally {
      await Promise.all(workers.map((worker) => worker.kill()));
    }
  }

  async function seed(store: RedisSessionStore): Promise<void> {
    const token = await seedExpiringSession(store, emu.url);
    secrets.add(token.accessToken).add(token.refreshToken);
  }

  it(`${FLEET} processes on an expiring session → exactly 1 refresh, and all of them use its token`, async () => {
    await seed(open());
    const before = refreshes();
    const results = await runFleet(Array.from({ length: FLEET }, () => startFleetWorker(env())));
    assert.equal(refreshes() - before, 1);
    assert.equal(results.filter((r) => r['refreshed'] === true).length, 1);
    assert.equal(new Set(results.map((r) => r['expiresAt'])).size, 1, 'every process ended with the same session');
    const saved = await open().readSession('lcs');
    assert.equal(saved?.expiresAt, results[0]!['expiresAt']);
  });

  it(`${FLEET} processes each with its own config file, sharing only Redis → exactly 1 refresh`, async () => {
    await seed(open());
    const workers: FleetWorker[] = [];
    for (let i = 0; i < FLEET; i++) {
      const home = path.join(dir, `${prefix}machine-${i}`);
      await mkdir(home, { recursive: true });
      const config = path.join(home, 'config.json');
      // each "machine" keeps its own settings; the session lives in Redis only
      await openConfigStore({ path: config }).lcs.set({ clientId: EMULATOR_DEMO.publicClient.clientId });
      workers.push(startFleetWorker(env({ D365FO_AUTH_CONFIG: config, HOME: home, TMPDIR: home, XDG_CONFIG_HOME: home })));
    }
    const before = refreshes();
    const results = await runFleet(workers);
    assert.equal(refreshes() - before, 1);
    assert.equal(results.filter((r) => r['refreshed'] === true).length, 1);
    assert.equal(new Set(results.map((r) => r['expiresAt'])).size, 1);
  });

  it('a holder killed with SIGKILL mid-refresh: its lock frees within lockTtlMs and the next caller refreshes', async () => {
    const lockTtlMs = 1500;
    await seed(open(lockTtlMs));
    const before = refreshes();
    const holder = startFleetWorker(env({ MODE: 'hold', LOCK_TTL_MS: String(lockTtlMs) }));
    let deadOwner = '';
    try {
      assert.deepEqual(await holder.next(), { ready: true });
      holder.go();
      assert.deepEqual(await holder.next(), { holding: true });
      // held past its TTL by the keep-alive while alive
      await new Promise((resolve) => setTimeout(resolve, lockTtlMs + 500));
      deadOwner = String(await client.sendCommand(['GET', `${prefix}{lcs}:lock`]));
      assert.match(deadOwner, /"pid":\d+/);
    } finally {
      await holder.kill();
    }
    const killedAt = Date.now();
    let freedAt = 0;
    const lockGone = (async () => {
      // freed: the dead holder's owner value is gone (the next caller's may already stand there)
      while (String(await client.sendCommand(['GET', `${prefix}{lcs}:lock`])) === deadOwner) await new Promise((resolve) => setTimeout(resolve, 20));
      freedAt = Date.now();
    })();
    let lockedAt = 0;
    const fn = refreshIfExpiring();
    const outcome = await open(lockTtlMs).updateSession('lcs', async (current) => {
      lockedAt = Date.now();
      return fn(current);
    });
    await lockGone;
    // the key expires at most lockTtlMs after the holder's last keep-alive, which came before the kill
    assert.ok(freedAt - killedAt <= lockTtlMs + 250, `the lock was freed ${freedAt - killedAt} ms after the kill`);
    assert.ok(lockedAt - killedAt <= lockTtlMs + 1000, `the next caller took the lock ${lockedAt - killedAt} ms after the kill`);
    assert.equal(outcome.refreshed, true);
    assert.equal(refreshes() - before, 1);
  });
});
