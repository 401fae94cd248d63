// A cross-process exclusive lock file: created atomically with its owner (pid, host, nonce), kept
// alive by a heartbeat, recovered when its holder is gone. It knows nothing of the config.
//
// A holder touches the lock's mtime every HEARTBEAT_MS. A waiter keeps waiting while the holder is
// alive and making progress (heartbeat fresh), bounded by its own `waitMs` and `signal`. The holder
// is gone when its pid is dead on this host (seen at once), or its heartbeat is older than staleMs
// (another host, a frozen process, or a reused pid). Removing a stale lock happens under a second
// lock (`.break`) after judging it again, so two waiters never remove each other's fresh lock.
import type { FileHandle } from 'node:fs/promises';
import { link, open, readFile, readdir, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, SessionStoreError } from '../errors.js';
import { codeOf, ioError } from './atomic.js';

export interface LockOptions {
  /** Give up waiting for a live holder after this long (ms). Default 30 000. */
  waitMs: number;
  /** Ends the wait early. */
  signal?: AbortSignal | undefined;
  /** A lock whose heartbeat is older than this (ms) is stale. Default 10 000. */
  staleMs: number;
  /** How often the holder touches the lock (ms). Default 1 000. */
  heartbeatMs: number;
}

export const DEFAULT_LOCK_OPTIONS: LockOptions = { waitMs: 30_000, staleMs: 10_000, heartbeatMs: 1_000 };
/** A lock file without readable content (its creator died between create and write) older than this is stale. */
const INCOMPLETE_MS = 2_000;
/** A `.break` lock older than this was left by a process that died while breaking: removed. */
const BREAK_STALE_MS = 5_000;

/** What a lock file says about its holder. */
export interface LockOwner {
  pid: number;
  host: string;
  createdAt: number;
  nonce: string;
}

interface LockState {
  owner: LockOwner | undefined;
  /** Milliseconds since the holder's last heartbeat. */
  ageMs: number;
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `fn` while holding the lock at `lockPath`; releases it in every case. */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T> | T, options: Partial<LockOptions> = {}): Promise<T> {
  const opts = { ...DEFAULT_LOCK_OPTIONS, ...options };
  // callers in this process queue up instead of polling each other
  const previous = queues.get(lockPath) ?? Promise.resolve();
  const run = previous.then(async () => {
    const release = await acquireLock(lockPath, opts);
    try {
      return await fn();
    } finally {
      await release();
    }
  });
  const tail = run.catch(() => undefined);
  queues.set(lockPath, tail);
  void tail.then(() => {
    if (queues.get(lockPath) === tail) queues.delete(lockPath);
  });
  return run;
}

/** Takes the lock, waiting while a live holder has it; resolves to its release function. */
export async function acquireLock(lockPath: string, opts: LockOptions = DEFAULT_LOCK_OPTIONS): Promise<() => Promise<void>> {
  const started = Date.now();
  let delay = 10;
  for (;;) {
    if (opts.signal?.aborted) throw new SessionStoreError(`Stopped waiting for the lock ${lockPath}: cancelled.`, { code: 'ERR_SESSION_LOCKED', cause: opts.signal.reason });
    const owner: LockOwner = { pid: process.pid, host: os.hostname(), createdAt: Date.now(), nonce: randomBytes(8).toString('hex') };
    const handle = await tryCreate(lockPath, owner);
    if (handle !== undefined) {
      await removeOrphanLockTemps(lockPath);
      return holding(lockPath, handle, owner, opts);
    }
    const state = await inspectLock(lockPath);
    if (state === undefined) continue; // released in between: try again at once
    if (isStale(state, opts) && (await breakStaleLock(lockPath, opts))) continue;
    if (Date.now() - started >= opts.waitMs) throw lockedError(lockPath, state, opts);
    await sleep(Math.min(delay * (0.5 + Math.random()), opts.waitMs), opts.signal);
    delay = Math.min(delay * 2, 250);
  }
}

/**
 * Creates the lock with its content in one step: the owner goes to a temp file hard-linked to the
 * lock path (fails with EEXIST when a lock exists), so a lock file is never seen empty. Where hard
 * links are not supported, open(…, 'wx') + write. Returns the lock's own handle, for the heartbeat.
 */
async function tryCreate(lockPath: string, owner: LockOwner): Promise<FileHandle | undefined> {
  const content = JSON.stringify(owner);
  const temp = `${lockPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx', 0o600);
    await handle.writeFile(content, 'utf8');
    await link(temp, lockPath);
    return handle;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    const code = codeOf(error);
    if (code === 'EEXIST') return undefined;
    if (handle === undefined) throw lockIoError(lockPath, error);
    return createExclusive(lockPath, content);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function createExclusive(lockPath: string, content: string): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(lockPath, 'wx', 0o600);
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return undefined;
    throw lockIoError(lockPath, error);
  }
  try {
    await handle.writeFile(content, 'utf8');
    return handle;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(lockPath).catch(() => undefined);
    throw lockIoError(lockPath, error);
  }
}

function lockIoError(lockPath: string, error: unknown): ConfigError {
  const dir = path.dirname(lockPath);
  const code = codeOf(error);
  const remedy =
    code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
      ? ` The folder ${dir} is not writable: make it writable for this user, or use another config file (--config-file / D365FO_AUTH_CONFIG).`
      : '';
  return new ConfigError(`Cannot create the lock file ${lockPath}${code ? ` (${code})` : ''}; nothing was sent.${remedy}`, lockPath, 'ERR_CONFIG_IO', { cause: error });
}

/** Removes temp lock files of creators that died before linking (dead pid here, or older than INCOMPLETE_MS). */
async function removeOrphanLockTemps(lockPath: string): Promise<void> {
  const dir = path.dirname(lockPath);
  const prefix = `${path.basename(lockPath)}.`;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (match === null || Number(match[1]) === process.pid) continue;
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (info !== undefined && (Date.now() - info.mtimeMs > INCOMPLETE_MS || !isAlive(Number(match[1])))) await unlink(file).catch(() => undefined);
  }
}

function holding(lockPath: string, handle: FileHandle, owner: LockOwner, opts: LockOptions): () => Promise<void> {
  const heartbeat = setInterval(() => {
    const now = new Date();
    // touches this lock's inode, even if someone wrongly removed or replaced the path
    handle.utimes(now, now).catch(() => undefined);
  }, opts.heartbeatMs);
  heartbeat.unref();
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    await handle.close().catch(() => undefined);
    // remove the lock only if it is still ours (never another process's fresh lock)
    const state = await inspectLock(lockPath).catch(() => undefined);
    if (state?.owner?.nonce === owner.nonce) await unlink(lockPath).catch(() => undefined);
  };
}

/** Who holds the lock and how long since its last heartbeat; `undefined` when there is no lock. */
export async function inspectLock(lockPath: string): Promise<LockState | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    return { owner: parseOwner(text), ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw ioError(`Cannot read the lock file ${lockPath}`, lockPath, error);
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { pid, host, createdAt, nonce } = value as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof host !== 'string' || typeof createdAt !== 'number' || typeof nonce !== 'string') return undefined;
    return { pid, host, createdAt, nonce };
  } catch {
    return undefined;
  }
}

/** True when the holder is gone: dead pid on this host, no heartbeat for staleMs, or never written. */
export function isStale(state: LockState, opts: Pick<LockOptions, 'staleMs'> = DEFAULT_LOCK_OPTIONS): boolean {
  if (state.owner === undefined) return state.ageMs > INCOMPLETE_MS;
  if (state.ageMs > opts.staleMs) return true;
  return state.owner.host === os.hostname() && !isAlive(state.owner.pid);
}

/** Whether a process with this pid exists on this host (EPERM: it exists, owned by someone else). */
export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === 'EPERM';
  }
}

/** Removes the lock if, judged again under the break lock, it is still stale. True when it was removed. */
async function breakStaleLock(lockPath: string, opts: LockOptions): Promise<boolean> {
  const breakPath = `${lockPath}.break`;
  let handle: FileHandle;
  try {
    handle = await open(breakPath, 'wx', 0o600);
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw lockIoError(breakPath, error);
    // another process is breaking the lock right now, or died doing so
    const info = await stat(breakPath).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > BREAK_STALE_MS) await unlink(breakPath).catch(() => undefined);
    return false;
  }
  try {
    const state = await inspectLock(lockPath);
    if (state === undefined) return true;
    if (!isStale(state, opts)) return false;
    await unlink(lockPath).catch((error: unknown) => {
      if (codeOf(error) !== 'ENOENT') throw error;
    });
    return true;
  } catch (error) {
    throw ioError(`Cannot remove the stale lock file ${lockPath}`, lockPath, error);
  } finally {
    await handle.close().catch(() => undefined);
    await unlink(breakPath).catch(() => undefined);
  }
}

function lockedError(lockPath: string, state: LockState, opts: LockOptions): SessionStoreError {
  const seconds = Math.round(opts.waitMs / 100) / 10;
  const holder = state.owner
    ? `process ${state.owner.pid} on ${state.owner.host} has held it since ${new Date(state.owner.createdAt).toISOString()} and is still working (its heartbeat is fresh)`
    : 'another process holds it';
  return new SessionStoreError(`Waited ${seconds} s for the lock ${lockPath}: ${holder}.`, {
    code: 'ERR_SESSION_LOCKED',
    remedy: `Wait for that process to finish; if no d365fo-auth process is running there, delete ${lockPath}.`,
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
