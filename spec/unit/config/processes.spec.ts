import assert from 'node:assert/strict';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openConfigStore } from '../../../lib/config/store.js';
import { blobOf } from '../../support/config-blob.js';
import { kill, runWorker, startWorker, tempDirs, waitForLine } from '../../support/config-tmp.js';
import { configFile } from '../../support/config-file.js';

const dirs = tempDirs();
after(() => dirs.cleanup());

/** The file must be complete JSON whose blob matches its generation: never torn, never mixed. */
async function assertWhole(file: string): Promise<number> {
  const text = await readFile(file, 'utf8');
  const config = JSON.parse(text) as { version: number; gen: number; blob: string };
  assert.equal(config.version, 1);
  assert.equal(typeof config.gen, 'number');
  assert.ok(config.blob === blobOf(config.gen), `blob of generation ${config.gen} is torn or mixed`);
  return config.gen;
}

describe('the config store across processes', () => {
  it('loses nothing when 20 processes write at once', async () => {
    const file = path.join(await dirs.make(), 'd365fo-auth', 'config.json');
    await Promise.all(Array.from({ length: 20 }, (_, i) => runWorker(['add', file, String(i)])));
    const saved = JSON.parse(await readFile(file, 'utf8'));
    assert.deepEqual(Object.keys(saved.odata.configs).sort(), Array.from({ length: 20 }, (_, i) => `cfg-${i}`).sort());
    assert.equal(saved.counter, 20);
    const store = openConfigStore({ path: file });
    assert.equal((await store.odata.get('CFG-7'))?.clientSecret, 'secret-7');
    assert.deepEqual(await readdir(path.dirname(file)), ['config.json']);
  });

  it('leaves the old or the new file, never a torn one, when a writer is killed mid-write; the next writer recovers its lock', async () => {
    const file = path.join(await dirs.make(), 'config.json');
    const store = openConfigStore({ path: file, lock: { waitMs: 5000 } });
    let leftLocks = 0;
    for (let round = 0; round < 6; round += 1) {
      const child = startWorker(['loop', file]);
      await waitForLine(child, 'wrote');
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 120));
      await kill(child);
      const gen = await assertWhole(file);
      if (await stat(`${file}.lock`).then(() => true, () => false)) leftLocks += 1;
      const started = Date.now();
      await configFile(store.path).update((draft) => {
        draft['gen'] = gen + 1;
        draft['blob'] = blobOf(gen + 1);
      });
      // a dead holder's lock is recovered at once, not after the stale timeout
      assert.ok(Date.now() - started < 2000, `recovery took ${Date.now() - started} ms`);
      assert.equal(await assertWhole(file), gen + 1);
      // the killed writer's temp file is gone too
      assert.deepEqual(await readdir(path.dirname(file)), ['config.json']);
    }
    // the loop holds the lock nearly all the time, so most kills leave it behind
    assert.ok(leftLocks >= 1, 'no kill left a lock behind');
  });

  it('recovers the lock of a process killed while holding it', async () => {
    const file = path.join(await dirs.make(), 'config.json');
    const child = startWorker(['hold', file]);
    await waitForLine(child, 'locked');
    await kill(child);
    const owner = JSON.parse(await readFile(`${file}.lock`, 'utf8'));
    assert.equal(owner.pid, child.pid);
    const store = openConfigStore({ path: file, lock: { waitMs: 2000 } });
    await store.lcs.set({ projectId: 9 });
    assert.equal((await store.lcs.get()).projectId, 9);
    assert.deepEqual(await readdir(path.dirname(file)), ['config.json']);
  });
});
