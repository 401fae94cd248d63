import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { acquireLock, DEFAULT_LOCK_OPTIONS, withFileLock } from '../../../lib/config/lock.js';
import { SessionStoreError } from '../../../lib/errors.js';
import { tempDirs } from '../../support/config-tmp.js';

const dirs = tempDirs();
after(() => dirs.cleanup());

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

async function lockIn(): Promise<string> {
  return path.join(await dirs.make(), 'config.json.lock');
}

async function writeLock(lockPath: string, owner: object | string, ageMs = 0): Promise<void> {
  await writeFile(lockPath, typeof owner === 'string' ? owner : JSON.stringify(owner));
  if (ageMs > 0) {
    const then = new Date(Date.now() - ageMs);
    await utimes(lockPath, then, then);
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

const fast = { ...DEFAULT_LOCK_OPTIONS, waitMs: 400 };

describe('the config lock', () => {
  it('holds pid, host and time in the lock file, and removes it on release', async () => {
    const lockPath = await lockIn();
    const release = await acquireLock(lockPath, fast);
    const owner = JSON.parse(await readFile(lockPath, 'utf8'));
    assert.equal(owner.pid, process.pid);
    assert.equal(owner.host, os.hostname());
    assert.equal(typeof owner.createdAt, 'number');
    await release();
    assert.equal(await exists(lockPath), false);
  });

  it('releases in every case, also when fn throws', async () => {
    const lockPath = await lockIn();
    await assert.rejects(withFileLock(lockPath, () => Promise.reject(new Error('boom')), fast), /boom/);
    assert.equal(await exists(lockPath), false);
    assert.equal(await withFileLock(lockPath, () => 7, fast), 7);
  });

  it('recovers a lock whose pid is dead on this host at once', async () => {
    const lockPath = await lockIn();
    await writeLock(lockPath, { pid: deadPid(), host: os.hostname(), createdAt: Date.now(), nonce: 'dead' });
    const started = Date.now();
    assert.equal(await withFileLock(lockPath, () => 'got it', fast), 'got it');
    assert.ok(Date.now() - started < 300);
  });

  it('recovers a lock without a heartbeat for longer than staleMs', async () => {
    const lockPath = await lockIn();
    await writeLock(lockPath, { pid: process.pid, host: 'another-host', createdAt: Date.now() - 60_000, nonce: 'old' }, 60_000);
    assert.equal(await withFileLock(lockPath, () => 'got it', fast), 'got it');
  });

  it('recovers a lock never written (creator killed) once older than incompleteMs, not before', async () => {
    const lockPath = await lockIn();
    await writeLock(lockPath, '', 0);
    await assert.rejects(withFileLock(lockPath, () => 'too early', { ...fast, waitMs: 150 }), SessionStoreError);
    await writeLock(lockPath, '{"pid": 12', 5_000);
    assert.equal(await withFileLock(lockPath, () => 'got it', fast), 'got it');
  });

  it('stops waiting for a live holder after waitMs with ERR_SESSION_LOCKED naming the lock file, its holder and what to do', async () => {
    const lockPath = await lockIn();
    const createdAt = Date.UTC(2024, 0, 2, 3, 4, 5);
    await writeLock(lockPath, { pid: 4242, host: 'build-agent-7', createdAt, nonce: 'live' });
    const started = Date.now();
    await assert.rejects(withFileLock(lockPath, () => 'never', fast), (error: unknown) => {
      assert.ok(error instanceof SessionStoreError);
      assert.equal(error.code, 'ERR_SESSION_LOCKED');
      assert.equal(
        error.message,
        `Waited 0.4 s for the lock ${lockPath}: process 4242 on build-agent-7 has held it since 2024-01-02T03:04:05.000Z and is still working (its heartbeat is fresh).`,
      );
      assert.equal(error.remedy, `Wait for that process to finish; if no d365fo-auth process is running there, delete ${lockPath}.`);
      return true;
    });
    assert.ok(Date.now() - started >= 400);
    assert.equal(JSON.parse(await readFile(lockPath, 'utf8')).nonce, 'live');
  });

  it('keeps a long-held lock fresh with a heartbeat, so it is never taken as stale', async () => {
    const lockPath = await lockIn();
    const opts = { ...DEFAULT_LOCK_OPTIONS, staleMs: 150, heartbeatMs: 40, waitMs: 500 };
    const release = await acquireLock(lockPath, opts);
    // another host's waiter cannot judge by pid, only by the heartbeat
    const owner = JSON.parse(await readFile(lockPath, 'utf8'));
    await writeFile(lockPath, JSON.stringify({ ...owner, host: 'elsewhere' }));
    await assert.rejects(acquireLock(lockPath, opts), { code: 'ERR_SESSION_LOCKED' });
    await release();
  });

  it('never removes a lock that is not its own on release', async () => {
    const lockPath = await lockIn();
    const release = await acquireLock(lockPath, fast);
    await writeLock(lockPath, { pid: process.pid, host: os.hostname(), createdAt: Date.now(), nonce: 'someone-else' });
    await release();
    assert.equal(JSON.parse(await readFile(lockPath, 'utf8')).nonce, 'someone-else');
  });

  it('removes a break lock left behind by a process that died while breaking', async () => {
    const lockPath = await lockIn();
    await writeLock(lockPath, { pid: deadPid(), host: os.hostname(), createdAt: Date.now(), nonce: 'dead' });
    await writeLock(`${lockPath}.break`, '', 60_000);
    assert.equal(await withFileLock(lockPath, () => 'got it', { ...fast, waitMs: 2000 }), 'got it');
    assert.equal(await exists(`${lockPath}.break`), false);
  });

  it('removes temp lock files of creators that died before linking them', async () => {
    const lockPath = await lockIn();
    const orphan = `${lockPath}.${deadPid()}.0123456789ab.tmp`;
    const old = `${lockPath}.${process.pid + 1}.ba9876543210.tmp`;
    await writeLock(orphan, { pid: 1 });
    await writeLock(old, { pid: 1 }, 10_000);
    const release = await acquireLock(lockPath, fast);
    await release();
    assert.equal(await exists(orphan), false);
    assert.equal(await exists(old), false);
  });

  it('lets only one of many contenders through when all of them find the same stale lock', async () => {
    const lockPath = await lockIn();
    await writeLock(lockPath, { pid: deadPid(), host: os.hostname(), createdAt: Date.now(), nonce: 'dead' });
    let holders = 0;
    let most = 0;
    let done = 0;
    // acquireLock directly: no in-process queue, every contender goes through the file system
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        const release = await acquireLock(lockPath, { ...DEFAULT_LOCK_OPTIONS, waitMs: 5000 });
        holders += 1;
        most = Math.max(most, holders);
        await new Promise((resolve) => setTimeout(resolve, 5));
        holders -= 1;
        done += 1;
        await release();
      }),
    );
    assert.equal(done, 12);
    assert.equal(most, 1);
  });
});
