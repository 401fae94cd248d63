// node-redis clients for the Redis session store's specs, and a scan of every value under a Redis
// server (for the "no plaintext secret" checks). Asserts nothing.
import { createClient } from 'redis';

export type Client = ReturnType<typeof newClient>;

function newClient(url: string, offlineQueue: boolean) {
  return createClient({
    url,
    disableOfflineQueue: !offlineQueue,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 500) },
  });
}

/**
 * A connected client set up as the README advises for the store: a short connect timeout, no offline
 * queue (a lost connection fails at once instead of queueing), quick reconnects; errors are events the
 * caller's own commands see, so the emitter's are swallowed here.
 */
export async function connectClient(url: string, options: { offlineQueue?: boolean } = {}): Promise<Client> {
  const client = newClient(url, options.offlineQueue ?? false);
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Every key with its value(s) as text: strings with GET, hashes with HGETALL, anything else with DUMP. */
export async function allValues(client: Client): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = (await client.sendCommand(['SCAN', cursor, 'COUNT', '1000'])) as [string, string[]];
    cursor = next;
    for (const key of keys) {
      const type = String(await client.sendCommand(['TYPE', key]));
      const value = type === 'string' ? await client.sendCommand(['GET', key]) : type === 'hash' ? await client.sendCommand(['HGETALL', key]) : await client.sendCommand(['DUMP', key]);
      values.set(key, JSON.stringify(value));
    }
  } while (cursor !== '0');
  return values;
}

/** The keys whose value holds any of `secrets` (whole, or a 16-character slice of its middle). */
export async function keysHoldingSecrets(client: Client, secrets: Iterable<string | undefined>): Promise<string[]> {
  const needles: string[] = [];
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 8) continue;
    needles.push(secret);
    if (secret.length > 32) needles.push(secret.slice(Math.floor(secret.length / 2) - 8, Math.floor(secret.length / 2) + 8));
  }
  const found: string[] = [];
  for (const [key, value] of await allValues(client)) if (needles.some((needle) => value.includes(needle))) found.push(key);
  return found;
}
