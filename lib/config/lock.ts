// A cross-process exclusive lock file with retry, heartbeat and stale-lock recovery; it knows nothing of the config.
//
// Design. The lock is `<config>.lock`, holding JSON { pid, host, createdAt, nonce }, created
// atomically with its content (temp file hard-linked to the lock path; open(…, 'wx') + write where
// hard links are unsupported). While held, a heartbeat touches its mtime every staleMs/3, so
// a long critical section (a token refresh over a slow network) never looks stale. A lock is stale
// when its pid is dead on this host, or its mtime is older than staleMs (holder frozen or on another
// host and gone), or its content is unreadable (creator killed between create and write) and older
// than incompleteMs. Breaking a stale lock is serialised by a second lock, `<config>.lock.break`
// (also 'wx'): under it the lock is judged again and only then removed. So when two processes both see
// the same stale lock, the second one re-judges after the first has removed it and created its own
// fresh lock — and leaves that one alone. The break lock is held for a read and an unlink only; one
// older than breakStaleMs is removed unconditionally. Within one process, a promise chain per lock
// path queues callers so they do not poll each other.
import type { FileHandle } from 'node:fs/promises';
import { link, open, readFile, readdir, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { codeOf, ioError } from './atomic.js';

// taken, not imported: the ES module wrapper of an imported node:crypto reads its lazy exports,
// which load Web Crypto (the library never uses it)
const { randomBytes } = process.getBuiltinModule('node:crypto');

export interface LockOptions {
  /** Give up waiting after this long (ms). Default 10 000. */
  timeoutMs: number;
  /** A lock whose mtime is older than this (ms) is stale. Default 30 000. */
  staleMs: number;
  /** A lock without readable content older than this (ms) is stale. Default 2 000. */
  incompleteMs: number;
  /** A break lock older than this (ms) is removed. Default 5 000. */
  breakStaleMs: number;
}

export const DEFAULT_LOCK_OPTIONS: LockOptions = { timeoutMs: 10_000, staleMs: 30_000, incompleteMs: 2_000, breakStaleMs: 5_000 };

/** What a lock file says about its holder. */
export interface LockOwner {
  pid: number;
  host: string;
  createdAt: number;
  nonce: string;
}

interface LockState {
  owner: LockOwner | undefined;
  ageMs: number;
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `fn` while holding the lock at `lockPath`; releases it in every case. */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T> | T, options: Partial<LockOptions> = {}): Promise<T> {
  const opts = { ...DEFAULT_LOCK_OPTIONS, ...options };
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

/** Takes the lock (waiting with backoff up to timeoutMs); resolves to its release function. */
export async function acquireLock(lockPath: string, opts: LockOptions = DEFAULT_LOCK_OPTIONS): Promise<() => Promise<void>> {
  const deadline = Date.now() + opts.timeoutMs;
  let delay = 5;
  for (;;) {
    const owner: LockOwner = { pid: process.pid, host: os.hostname(), createdAt: Date.now(), nonce: randomBytes(8).toString('hex') };
    const handle = await tryCreate(lockPath, owner);
    if (handle !== undefined) {
      await removeOrphanLockTemps(lockPath, opts);
      return holding(lockPath, handle, owner, opts);
    }

    const state = await inspectLock(lockPath);
    if (state === undefined) continue; // released in between: try again at once
    if (isStale(state, opts)) {
      if (await breakStaleLock(lockPath, opts)) continue;
    }
    const now = Date.now();
    if (now >= deadline) throw timeoutError(lockPath, state, opts);
    await sleep(Math.min(deadline - now, delay * (0.5 + Math.random())));
    delay = Math.min(delay * 2, 100);
  }
}

/**
 * Creates the lock with its content in one step: the owner is written to a temp file that is then
 * hard-linked to the lock path (link fails with EEXIST when a lock exists), so a lock file is never
 * seen empty. Where hard links are not supported, falls back to open(…, 'wx') + write. The returned
 * handle is the lock's own inode, for the heartbeat.
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
    if (codeOf(error) === 'EEXIST') return undefined;
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
    throw ioError(`Cannot create the lock file ${lockPath}`, lockPath, error);
  }
  try {
    await handle.writeFile(content, 'utf8');
    return handle;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(lockPath).catch(() => undefined);
    throw ioError(`Cannot write the lock file ${lockPath}`, lockPath, error);
  }
}

/** Removes temp lock files of creators that died before linking (dead pid here, or older than incompleteMs). */
async function removeOrphanLockTemps(lockPath: string, opts: LockOptions): Promise<void> {
  const dir = path.dirname(lockPath);
  const prefix = `${path.basename(lockPath)}.`;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (match === null || Number(match[1]) === process.pid) continue;
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (info !== undefined && (Date.now() - info.mtimeMs > opts.incompleteMs || !isAlive(Number(match[1])))) {
      await unlink(file).catch(() => undefined);
    }
  }
}

function holding(lockPath: string, handle: FileHandle, owner: LockOwner, opts: LockOptions): () => Promise<void> {
  const heartbeat = setInterval(() => {
    const now = new Date();
    // touches this lock's inode, even if someone wrongly removed or replaced the path
    handle.utimes(now, now).catch(() => undefined);
  }, Math.max(10, Math.floor(opts.staleMs / 3)));
  heartbeat.unref();
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    await handle.close().catch(() => undefined);
    // remove the lock only if it is still ours (never another process's fresh lock)
    const state = await inspectLock(lockPath);
    if (state?.owner?.nonce === owner.nonce) await unlink(lockPath).catch(() => undefined);
  };
}

/** Who holds the lock and for how long since its last heartbeat; `undefined` when there is no lock. */
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

/** True when the lock's holder is gone: dead pid on this host, no heartbeat for staleMs, or never written. */
export function isStale(state: LockState, opts: LockOptions = DEFAULT_LOCK_OPTIONS): boolean {
  if (state.owner === undefined) return state.ageMs > opts.incompleteMs;
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
    if (codeOf(error) !== 'EEXIST') throw ioError(`Cannot create the lock file ${breakPath}`, breakPath, error);
    // another process is breaking the lock right now, or died doing so
    const info = await stat(breakPath).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > opts.breakStaleMs) await unlink(breakPath).catch(() => undefined);
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

function timeoutError(lockPath: string, state: LockState, opts: LockOptions): ConfigError {
  const seconds = Math.round(opts.timeoutMs / 100) / 10;
  const holder = state.owner
    ? `it is held by process ${state.owner.pid} on ${state.owner.host} since ${new Date(state.owner.createdAt).toISOString()}`
    : 'it is held by another process';
  return new ConfigError(
    `Timed out after ${seconds} s waiting for the config lock ${lockPath}: ${holder}. If no d365fo-auth process is running, delete ${lockPath}.`,
    lockPath,
    'ERR_CONFIG_IO',
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
