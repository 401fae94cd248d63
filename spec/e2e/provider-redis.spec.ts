// The token provider on the Redis session store, with a real redis-server and the emulator: 20
// processes asking for a token on an expiring LCS session refresh it once; an app's OData token is
// acquired once for the fleet; Redis down or a wrong key stops the provider before a refresh token
// is spent; no secret is ever in Redis in plaintext.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { EMULATOR_DEMO, createRedisSessionStore, createTokenProvider, openConfigStore, startEmulator, type EmulatorHandle, type RedisSessionStore } from '../../lib/index.js';
import { connectClient, keysHoldingSecrets, type Client } from '../support/redis-client.js';
import { seedExpiringSession, startFleetWorker, type FleetWorker } from '../support/redis-fleet.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const KEY = Buffer.alloc(32, 0x24).toString('base64');
const FLEET = 20;

describe('createTokenProvider() on a Redis session store', { timeout: 180_000 }, () => {
  let server: RedisServer;
  let emu: EmulatorHandle;
  let client: Client;
  let dir: string;
  let prefix: string;
  let count = 0;
  let secrets: Set<string | undefined>;
  const requests = (grant: string) => emu.requests.filter((r) => r.form['grant_type'] === grant).length;
  const open = (extra: Partial<Parameters<typeof createRedisSessionStore>[0]> = {}): RedisSessionStore => createRedisSessionStore({ client, keyPrefix: prefix, encryptionKey: KEY, ...extra });

  before(async () => {
    server = await startRedisServer();
    emu = await startEmulator();
    client = await connectClient(server.url);
    dir = await mkdtemp(path.join(os.tmpdir(), 'd365fo-auth-provider-redis-'));
  });
  after(async () => {
    client.destroy();
    await emu.stop();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    prefix = `provider${++count}:`;
    secrets = new Set([EMULATOR_DEMO.user.password, EMULATOR_DEMO.confidentialClient.secret]);
  });
  afterEach(async () => {
    for (const id of ['lcs', 'odata:app'] as const) {
      const saved = await open().readSession(id);
      secrets.add(saved?.accessToken).add(saved?.refreshToken);
    }
    assert.deepEqual(await keysHoldingSecrets(client, secrets), [], 'a secret is stored in plaintext');
  });

  async function runFleet(workers: FleetWorker[]): Promise<Record<string, unknown>[]> {
    try {
      for (const worker of workers) assert.deepEqual(await worker.next(), { ready: true });
      for (const worker of workers) worker.go();
      return await Promise.all(workers.map((worker) => worker.next()));
    } finally {
      await Promise.all(workers.map((worker) => worker.kill()));
    }
  }

  const env = (extra: Record<string, string> = {}) => ({ REDIS_URL: server.url, REDIS_PREFIX: prefix, D365FO_SESSION_KEY: KEY, MODE: 'provider', ...extra });

  it(`${FLEET} processes' providers on an expiring LCS session → exactly 1 refresh, at the saved authority`, async () => {
    const seeded = await seedExpiringSession(open(), emu.url);
    secrets.add(seeded.accessToken).add(seeded.refreshToken);
    const before = requests('refresh_token');
    const results = await runFleet(Array.from({ length: FLEET }, () => startFleetWorker(env())));
    assert.deepEqual(results.filter((r) => r['code'] !== undefined), []);
    assert.equal(requests('refresh_token') - before, 1);
    assert.equal(new Set(results.map((r) => r['expiresAt'])).size, 1);
  });

  it('an app\'s OData token (client credentials) is acquired once for the whole fleet', async () => {
    const file = path.join(dir, `config-${count}.json`);
    const config = openConfigStore({ path: file });
    const conf = EMULATOR_DEMO.confidentialClient;
    await config.odata.add('App', { tenant: emu.tenantDomain, url: 'https://contoso.operations.dynamics.com', clientId: conf.clientId, clientSecret: conf.secret, authorityHost: emu.url });
    const before = requests('client_credentials');
    const results = await runFleet(Array.from({ length: 8 }, () => startFleetWorker(env({ SESSION: 'App', D365FO_AUTH_CONFIG: file }))));
    assert.deepEqual(results.filter((r) => r['code'] !== undefined), []);
    assert.equal(requests('client_credentials') - before, 1);
    // and in this process, the provider takes the fleet's token from Redis
    const token = await createTokenProvider({ store: open(), configStore: config, session: { odata: 'app' } }).getToken();
    assert.equal(token.expiresAt, results[0]!['expiresAt']);
    assert.equal(requests('client_credentials') - before, 1);
  });

  it('a wrong encryption key: a clear store error, and no refresh token is spent', async () => {
    const seeded = await seedExpiringSession(open(), emu.url);
    secrets.add(seeded.accessToken).add(seeded.refreshToken);
    const before = requests('refresh_token');
    await assert.rejects(createTokenProvider({ store: open({ encryptionKey: Buffer.alloc(32, 0x77) }) }).getToken(), (error: { code?: string; remedy?: string }) => {
      assert.equal(error.code, 'ERR_SESSION_STORE');
      assert.ok(error.remedy);
      return true;
    });
    assert.equal(requests('refresh_token') - before, 0);
  });
});
