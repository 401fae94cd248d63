// The Redis client as the session store sees it: a structural type (the library never imports
// `redis`), one bounded command call, and Redis failures turned into SessionStoreErrors with remedies.
import { SessionStoreError } from '../errors.js';

/**
 * What the store needs from a connected client of the official `redis` package (v4 or later):
 * `sendCommand(['SET', …])`. `isOpen` and `options` are read when present (a closed client is
 * refused; the address is shown in `location`).
 */
export interface RedisClientLike {
  sendCommand(args: string[], options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  readonly isOpen?: boolean | undefined;
  readonly options?: unknown;
}

/** A command runner bound to one client: every call settles within `timeoutMs` or on `signal`. */
export type RunCommand = (args: string[], what: string, signal?: AbortSignal) => Promise<unknown>;

/** Raised by `RunCommand` when the caller's signal ended the call (not a Redis failure). */
export class CommandAborted extends Error {}

export function commandRunner(client: RedisClientLike, location: string, timeoutMs: number): RunCommand {
  return async (args, what, signal) => {
    // a timer of our own, not AbortSignal.timeout(): that one is unref'd, and a caller awaiting a
    // command must keep the process alive until the command settles
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const abortSignal = signal === undefined ? timeout.signal : AbortSignal.any([signal, timeout.signal]);
    let onAbort: (() => void) | undefined;
    // the client's own abortSignal (v5+) drops a command still queued; the race settles on any version
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal?.aborted ? new CommandAborted('aborted') : timeoutError(what, location, timeoutMs));
      if (abortSignal.aborted) onAbort();
      else abortSignal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([client.sendCommand(args, { abortSignal }), aborted]);
    } catch (error) {
      if (error instanceof CommandAborted || error instanceof SessionStoreError) throw error;
      if (signal?.aborted) throw new CommandAborted('aborted');
      throw redisError(what, location, error);
    } finally {
      clearTimeout(timer);
      if (onAbort !== undefined) abortSignal.removeEventListener('abort', onAbort);
    }
  };
}

const UNREACHABLE =
  'Check that Redis is running and reachable from this machine; the client reconnects by itself and the next call works once it is back. Give the client socket.connectTimeout and disableOfflineQueue: true so a lost connection fails at once.';

/** [pattern on the error's first line, what it means, remedy] — first match wins. */
const KINDS: readonly [RegExp, string, string][] = [
  [/^(NOAUTH|WRONGPASS)\b/, 'Redis refused the connection\'s credentials', 'Give the client the right username and password (in its url, redis://user:password@host:port, or its options) before connect().'],
  [/^READONLY\b/, 'the client is connected to a read-only replica', 'Point the client at the primary (or at Sentinel, which follows failovers); a replica cannot hold locks or save sessions.'],
  [/^NOPERM\b/, 'the Redis user lacks a permission', 'Grant the ACL user GET, SET, DEL, HMGET, HSET, PTTL, PEXPIRE, EVAL and PING on the keys under the store\'s keyPrefix.'],
  [/^OOM\b/, 'Redis is out of memory (maxmemory reached)', 'Free memory or raise maxmemory; with an eviction policy, exclude the store\'s keys (volatile-* policies leave them alone).'],
  [/^MISCONF\b/, 'Redis refuses writes because it cannot persist', 'Fix the disk or persistence problem in the Redis log, then retry.'],
  [/^(LOADING|MASTERDOWN|TRYAGAIN|BUSY)\b/, 'Redis is not ready to serve', 'Retry in a moment; Redis is loading its data, failing over or running a long script.'],
  [/^(MOVED|ASK|CROSSSLOT|CLUSTERDOWN)\b/, 'the client talks to a Redis Cluster', 'Use a standalone Redis (or a primary with replicas); this store does not support Redis Cluster.'],
  [/client is closed/i, 'the Redis client is closed', 'Call `await client.connect()` before using the store and keep the client open while it is used.'],
  [
    /client is offline|socket closed unexpectedly|connection timeout|socket timeout|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE/i,
    'Redis cannot be reached',
    UNREACHABLE,
  ],
];

/** A Redis failure as a SessionStoreError (ERR_SESSION_STORE) saying what failed, why, and what to do. */
export function redisError(what: string, location: string, error: unknown): SessionStoreError {
  const line = firstLine(error);
  const code = typeof (error as { code?: unknown })?.code === 'string' ? String((error as { code: string }).code) : '';
  const found = KINDS.find(([pattern]) => pattern.test(line) || pattern.test(code));
  const meaning = found?.[1] ?? 'Redis answered with an error';
  return new SessionStoreError(`Redis session store ${location}: ${what} failed: ${meaning} (${line || code || 'no message'}).`, {
    cause: error,
    remedy: found?.[2] ?? 'Check the Redis server and the client\'s connection; the error above is Redis\'s own.',
  });
}

function timeoutError(what: string, location: string, timeoutMs: number): SessionStoreError {
  return new SessionStoreError(`Redis session store ${location}: ${what} failed: Redis did not answer within ${timeoutMs} ms.`, {
    remedy: `${UNREACHABLE} A slow but healthy Redis needs a larger commandTimeoutMs.`,
  });
}

/** The error's first line, at most 200 characters (Redis replies never carry the command's arguments). */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  return (message.split('\n')[0] ?? '').slice(0, 200);
}
