// The per-session lock in Redis: SET NX PX with a random owner, kept alive by a compare-owner PEXPIRE
// while held, released by compare-and-delete; waiters poll, bounded by waitMs and signal. No session data.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { SessionStoreError } from '../errors.js';
import { CommandAborted, type RunCommand } from './redis-client.js';

/** PEXPIRE only while the caller still owns the lock: 1 extended, 0 lost. */
const EXTEND = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";
/** DEL only while the caller still owns the lock, never a later holder's. */
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

export interface LockSettings {
  run: RunCommand;
  lockTtlMs: number;
  /** What is locked, e.g. `the session "lcs"`, and where (the store's location), for messages. */
  label: string;
  location: string;
}

export interface HeldLock {
  /** The owner value stored in the lock key (compare it in scripts that write under the lock). */
  readonly owner: string;
  /** Stops the keep-alive and deletes the lock if it is still ours. */
  release(): Promise<void>;
}

/** What the owner value says (set by whoever took the lock): for the "locked by …" message only. */
interface OwnerInfo {
  pid?: unknown;
  host?: unknown;
  at?: unknown;
}

/**
 * Takes the lock at `lockKey`. While another owner holds it, tries SET NX again every 10 ms doubling
 * to 50 ms, jittered (a hand-off costs a waiter little; 20 waiters make about 400 cheap commands a
 * second), at most `waitMs` and while `signal` is not aborted; then ERR_SESSION_LOCKED. A Redis
 * failure rejects at once with ERR_SESSION_STORE.
 */
export async function acquireLock(settings: LockSettings, lockKey: string, waitMs: number, signal: AbortSignal | undefined): Promise<HeldLock> {
  const { run, lockTtlMs, label } = settings;
  const started = Date.now();
  const token = randomBytes(16).toString('base64url');
  let delay = 10;
  let lastChance = false;
  for (;;) {
    const owner = JSON.stringify({ token, pid: process.pid, host: hostname(), at: Date.now() });
    try {
      if (signal?.aborted) throw new CommandAborted('aborted');
      const reply = await run(['SET', lockKey, owner, 'NX', 'PX', String(lockTtlMs)], `taking the lock on ${label}`, signal).catch((error: unknown) => {
        // the SET may have reached Redis before the caller stopped waiting for its reply: undo it if so
        // (not awaited: when Redis is gone this would only delay the error)
        void run(['EVAL', RELEASE, '1', lockKey, owner], `releasing the lock on ${label}`).catch(() => undefined);
        throw error;
      });
      if (reply === 'OK') return holding(settings, lockKey, owner);
      const waited = Date.now() - started;
      if (waited >= waitMs || lastChance) {
        const holder = await run(['GET', lockKey], `reading the lock on ${label}`, signal);
        // released in between: one more try, then give up
        if (holder === null && !lastChance) {
          lastChance = true;
          continue;
        }
        throw lockedError(settings, lockKey, holder, waited, 'gave up');
      }
      await sleep(Math.min(delay * (0.5 + Math.random()), waitMs - waited), signal);
      delay = Math.min(delay * 2, 50);
    } catch (error) {
      if (!(error instanceof CommandAborted)) throw error;
      // who holds it, if Redis says so at once: the caller asked to stop
      const holder = await run(['GET', lockKey], `reading the lock on ${label}`, AbortSignal.timeout(250)).catch(() => undefined);
      throw lockedError(settings, lockKey, holder, Date.now() - started, 'stopped', signal?.reason);
    }
  }
}

function holding(settings: LockSettings, lockKey: string, owner: string): HeldLock {
  let extending = false;
  // a third of the TTL: two keep-alives can fail (a slow Redis) before a live holder's lock lapses
  const keepAlive = setInterval(
    () => {
      if (extending) return;
      extending = true;
      settings
        .run(['EVAL', EXTEND, '1', lockKey, owner, String(settings.lockTtlMs)], `keeping the lock on ${settings.label}`)
        .catch(() => undefined) // the write after fn checks ownership and reports a lost lock
        .finally(() => (extending = false));
    },
    Math.max(100, Math.floor(settings.lockTtlMs / 3)),
  );
  keepAlive.unref();
  let released = false;
  return {
    owner,
    async release() {
      if (released) return;
      released = true;
      clearInterval(keepAlive);
      await settings.run(['EVAL', RELEASE, '1', lockKey, owner], `releasing the lock on ${settings.label}`);
    },
  };
}

function lockedError(settings: LockSettings, lockKey: string, holder: unknown, waitedMs: number, how: 'gave up' | 'stopped', reason?: unknown): SessionStoreError {
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  // holder: the lock's owner value; null when it was free at the last look; undefined when unknown
  let state = holder !== null ? 'is locked by another process' : how === 'gave up' ? 'was not taken: other callers kept taking it first' : 'was not taken';
  if (typeof holder === 'string') {
    try {
      const info = JSON.parse(holder) as OwnerInfo;
      const age = typeof info.at === 'number' ? `, taken ${seconds(Math.max(0, Date.now() - info.at))} ago by that machine's clock` : '';
      state = `is locked by process ${String(info.pid)} on ${String(info.host)}${age}`;
    } catch {
      // an owner value another program wrote: say nothing more about it
    }
  }
  const why = how === 'gave up' ? `gave up after waiting ${seconds(waitedMs)}` : `stopped waiting after ${seconds(waitedMs)}: the caller's signal aborted`;
  return new SessionStoreError(`${capital(settings.label)} in ${settings.location} ${state}; ${why}.`, {
    code: 'ERR_SESSION_LOCKED',
    cause: reason,
    remedy: `A live holder is still refreshing: retry later or give a larger waitMs. A holder that died frees the lock by itself within lockTtlMs (${seconds(settings.lockTtlMs)}); to free it at once, make sure no process is refreshing, then DEL ${lockKey}.`,
  });
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CommandAborted('aborted'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CommandAborted('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
