// `--session-store redis://…`: the Redis session store for `lcs token` / `odata token`, over the
// `redis` package the user installs beside the CLI (the only place anything loads it, and only in
// this mode). The key comes from D365FO_SESSION_KEY (base64).
import { SessionStoreError, createRedisSessionStore, type RedisClientLike, type SessionStore } from '../index.js';
import { UsageError } from './errors.js';

const CONNECT_TIMEOUT_MS = 5_000;

interface RedisModule {
  createClient(options: object): RedisClientLike & {
    connect(): Promise<unknown>;
    destroy(): void;
    on(event: 'error', listener: (error: Error) => void): unknown;
  };
}

/** The URL without its credentials, for messages. */
function shown(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

/** Opens the store; `close()` ends the connection (the command calls it when done). */
export async function openSessionStore(value: string, key: string | undefined): Promise<{ store: SessionStore; close(): void }> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--session-store must be a redis:// or rediss:// URL (got something that is not a URL).`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new UsageError(`--session-store must be a redis:// or rediss:// URL (got ${url.protocol}//…).`);
  if (key === undefined || key === '') {
    throw new UsageError('--session-store needs the encryption key in D365FO_SESSION_KEY (32 random bytes, base64: `openssl rand -base64 32`), the same on every machine sharing the session.');
  }
  let redis: RedisModule;
  try {
    // `redis` is not a dependency of d365fo-auth: only this mode needs it
    redis = (await import('redis')) as unknown as RedisModule;
  } catch {
    throw new UsageError('--session-store needs the `redis` package (v4 or later) beside d365fo-auth: `npm install redis` (or `npm install -g redis` for a global d365fo-auth).');
  }
  const client = redis.createClient({ url: value, disableOfflineQueue: true, socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: false } });
  client.on('error', () => {});
  const connected = await Promise.race([
    client.connect().then(
      () => true,
      () => false,
    ),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), CONNECT_TIMEOUT_MS).unref()),
  ]);
  if (!connected) {
    client.destroy();
    throw new SessionStoreError(`Could not connect to the session store ${shown(url)} within ${CONNECT_TIMEOUT_MS / 1000} s.`, {
      remedy: 'Check the address, that Redis runs and is reachable from here, and the user and password in the URL.',
    });
  }
  return { store: createRedisSessionStore({ client, encryptionKey: key }), close: () => client.destroy() };
}
