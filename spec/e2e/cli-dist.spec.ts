// Running the CLI from a clone: `npm ci` builds dist/ (the "prepare" script), so `npx d365fo-auth`
// and `node dist/cli/bin.js` work at once; `npm run -s cli -- …` prints only the CLI's own output,
// so it is safe inside $(…). npm test builds dist/ before the specs (scripts/test.mjs).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string>; scripts: Record<string, string> };
const BIN = join(ROOT, 'dist/cli/bin.js');

describe('the CLI from a clone', () => {
  it('package.json builds dist/ on npm ci (prepare) and points the bin at the built file', () => {
    assert.equal(PKG.scripts.prepare, 'node scripts/build.mjs');
    assert.equal(PKG.bin['d365fo-auth'], './dist/cli/bin.js');
  });

  it('node dist/cli/bin.js --version prints the version and exits 0', async () => {
    const r = await runCli(['--version'], { node: [BIN] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${PKG.version}\n`);
    assert.equal(r.stderr, '');
  });

  it('node dist/cli/bin.js with an unknown command: one error line, a suggestion, exit 2', async () => {
    const r = await runCli(['lcs', 'tokn'], { node: [BIN] });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'error: unknown command "lcs tokn"\ndid you mean "lcs token"?\nRun "d365fo-auth help lcs" for its commands.\n');
  });

  it('npm run -s cli -- --version prints only the version (no npm banner in $(…))', async () => {
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
      const child = spawn('npm', ['run', '-s', 'cli', '--', '--version'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${PKG.version}\n`);
  });

  it('--session-store without the redis package installed: a usage error saying to install it (exit 2)', async () => {
    // an install as users get it: dist/ and the three runtime dependencies, no `redis`
    const app = mkdtempSync(join(tmpdir(), 'd365fo-auth-no-redis-'));
    try {
      cpSync(join(ROOT, 'dist'), join(app, 'dist'), { recursive: true });
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'd365fo-auth', type: 'module' }));
      mkdirSync(join(app, 'node_modules'));
      for (const dep of ['undici', 'jose', 'valibot']) symlinkSync(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep), 'dir');
      const r = await runCli(['lcs', 'token', '--session-store', 'redis://127.0.0.1:6379'], {
        node: [join(app, 'dist/cli/bin.js')],
        env: { D365FO_SESSION_KEY: Buffer.alloc(32, 1).toString('base64'), D365FO_AUTH_CONFIG: join(app, 'config.json') },
      });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^error: --session-store needs the `redis` package \(v4 or later\) beside d365fo-auth: `npm install redis`/);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});
