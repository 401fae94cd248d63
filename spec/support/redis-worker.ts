// Child process for the Redis fleet specs: opens the Redis session store, prints {"ready":true}, and
// on a line on stdin either refreshes the LCS session if it expires within 5 minutes (MODE=refresh),
// asks the token provider for a token (MODE=provider, SESSION=lcs or an OData config name), or
// takes the lock and hangs (MODE=hold, to be killed). Prints one JSON line per step. With
// D365FO_AUTH_CONFIG set, the client id comes from this process's own config file: Redis is then all
// the processes share.
import { once } from 'node:events';
import { createClient } from 'redis';
import { createRedisSessionStore, createTokenProvider, openConfigStore } from '../../lib/index.js';
import { refreshIfExpiring } from './redis-refresh.js';

const env = process.env;
const client = createClient({ url: env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', disableOfflineQueue: true, socket: { connectTimeout: 2_000 } });
client.on('error', () => undefined);
await client.connect();
const store = createRedisSessionStore({
  client,
  keyPrefix: env['REDIS_PREFIX'],
  encryptionKey: env['D365FO_SESSION_KEY'],
  lockTtlMs: Number(env['LOCK_TTL_MS'] ?? 30_000),
});
const ownClientId = env['D365FO_AUTH_CONFIG'] === undefined ? undefined : (await openConfigStore().lcs.get()).clientId;
await store.readSession('lcs'); // loads the store's implementation before the start, so "go" times the fleet, not module loading
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
await once(process.stdin, 'data');

const started = Date.now();
if (env['MODE'] === 'hold') {
  await store.updateSession('lcs', async () => {
    process.stdout.write(`${JSON.stringify({ holding: true })}\n`);
    return new Promise<never>(() => setInterval(() => undefined, 60_000)); // until SIGKILL
  });
}
if (env['MODE'] === 'provider') {
  const session = env['SESSION'] === undefined || env['SESSION'] === 'lcs' ? 'lcs' : { odata: env['SESSION'] };
  try {
    const token = await createTokenProvider({ store, session, lockWaitMs: 60_000 }).getToken();
    process.stdout.write(`${JSON.stringify({ expiresAt: token.expiresAt, ms: Date.now() - started })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ code: (error as { code?: string }).code, message: (error as Error).message })}\n`);
  }
  client.destroy();
  process.stdin.destroy();
  process.exit(0);
}
const outcome = await store.updateSession('lcs', refreshIfExpiring(ownClientId), { waitMs: 60_000 });
process.stdout.write(`${JSON.stringify({ ...outcome, ms: Date.now() - started })}\n`);
client.destroy();
process.stdin.destroy();
