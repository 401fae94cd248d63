// The transport loads only the undici files it uses (request and the global dispatcher), not
// undici's main file with fetch, WebSocket, caches and mocks. This watches that the files are still
// where lib/http/undici.ts looks for them (a newer undici could move them: the fallback would keep
// working, but the heap and the start-up would grow again), and that a whole grant runs without the
// main file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { loadUndici } from '../../lib/http/undici.js';

const WORKER = fileURLToPath(new URL('../support/undici-worker.ts', import.meta.url));
const MOVED = fileURLToPath(new URL('../support/undici-moved.cjs', import.meta.url));

describe('the undici parts the transport loads', () => {
  it('come from undici files, not the fallback to its main file', async () => {
    assert.equal((await loadUndici()).from, 'files');
  });

  it('carry a whole grant against the emulator without loading undici\'s main file; with a proxy, or moved files, the main file does', () => {
    const run = (env: Record<string, string>, preload: string[] = []) => {
      const r = spawnSync(process.execPath, [...preload, '--import', 'tsx', WORKER], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { resource: string; mainLoaded: boolean; from: string };
    };
    assert.deepEqual(run({}), { resource: 'https://contoso.operations.dynamics.com', mainLoaded: false, from: 'files' });
    // a proxy that NO_PROXY bypasses: the proxy agent (which needs the main file) is still made
    assert.deepEqual(run({ HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1' }), { resource: 'https://contoso.operations.dynamics.com', mainLoaded: true, from: 'files' });
    // a newer undici that moved the files: the main file carries the grant
    assert.deepEqual(run({}, ['--require', MOVED]), { resource: 'https://contoso.operations.dynamics.com', mainLoaded: true, from: 'main' });
  });
});
