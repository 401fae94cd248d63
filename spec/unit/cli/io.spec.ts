// The CLI's output path: straight to the file descriptor (no process.stdout to create), in order
// and complete for output larger than a pipe holds, and through the stream once a direct write fails.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const WORKER = fileURLToPath(new URL('../../support/io-worker.ts', import.meta.url));

function run(mode: string, { slowReader = false } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    if (slowReader) {
      // let the pipe fill up before reading anything
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 300);
    }
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('descriptorStream()', () => {
  it('writes output larger than a pipe holds completely and in order, to a reader that starts late', async () => {
    const r = await run('large', { slowReader: true });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${'a'.repeat(300_000)}${'b'.repeat(300_000)}${'c'.repeat(300_000)}\nend\n`);
  });

  it('hands a write that fails, and every later one, to the stream', async () => {
    const r = await run('closed');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'stream:first\nstream:second\n');
  });
});
