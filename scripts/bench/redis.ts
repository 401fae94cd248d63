// The bench's Redis fleet row: N processes sharing only a Redis session store (a real redis-server on a
// free loopback port, the emulator over loopback HTTP) update an expiring LCS session at once, each
// refreshing only if it still expires within 5 minutes; the emulator counts the refreshes (budget: 1).
// The processes are the Redis specs' own workers (spec/support/redis-worker.ts, the library's source via tsx).
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { createRedisSessionStore, startEmulator } from '../../lib/index.js';
import { seedExpiringSession, startFleetWorker, type FleetWorker } from '../../spec/support/redis-fleet.js';
import { startRedisServer } from '../../spec/support/redis-server.js';
import type { Row } from './report.js';

export interface RedisFleetResult {
  processes: number;
  /** refresh_token grants the emulator received. */
  refreshes: number;
  pass: boolean;
  /** Wall time from "go" until every process had its token. */
  ms: number;
}

/** Runs the fleet once (default 20 processes) and tears everything down. */
export async function benchRedisFleet(options: { processes?: number } = {}): Promise<RedisFleetResult> {
  const processes = options.processes ?? 20;
  const server = await startRedisServer();
  const emulator = await startEmulator();
  const client = createClient({ url: server.url, disableOfflineQueue: true, socket: { connectTimeout: 2_000 } });
  client.on('error', () => undefined);
  const workers: FleetWorker[] = [];
  try {
    await client.connect();
    const encryptionKey = randomBytes(32).toString('base64');
    await seedExpiringSession(createRedisSessionStore({ client, encryptionKey }), emulator.url);
    for (let i = 0; i < processes; i++) {
      workers.push(startFleetWorker({ REDIS_URL: server.url, D365FO_SESSION_KEY: encryptionKey, MODE: 'refresh' }));
    }
    for (const worker of workers) await worker.next(); // {"ready":true}
    const started = performance.now();
    for (const worker of workers) worker.go();
    await Promise.all(workers.map((worker) => worker.next()));
    const ms = performance.now() - started;
    const refreshes = emulator.requests.filter((request) => request.form['grant_type'] === 'refresh_token').length;
    return { processes, refreshes, pass: refreshes === 1, ms: Math.round(ms) };
  } finally {
    await Promise.all(workers.map((worker) => worker.kill()));
    if (client.isOpen) client.destroy();
    await emulator.stop();
    await server.close();
  }
}

/** The result as a row of the bench's table. */
export function redisFleetRow(result: RedisFleetResult): Row {
  return {
    what: `${result.processes} processes sharing a Redis session (expiring token)`,
    measured: `${result.refreshes} refresh${result.refreshes === 1 ? '' : 'es'} (${result.ms} ms)`,
    budget: '1 refresh',
    pass: result.pass,
  };
}
