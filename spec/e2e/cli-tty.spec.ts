// Device-code UX on a terminal (in-process main() with a TTY stderr): live countdown, and the
// clipboard/browser helpers skipped when switched off or under CI.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../lib/cli/main.js';
import type { CliIo } from '../../lib/cli/io.js';
import { startEmulator, type EmulatorHandle } from '../../lib/index.js';

describe('odata login on a TTY', () => {
  let emu: EmulatorHandle;
  let dir: string;
  before(async () => {
    emu = await startEmulator({ deviceCodeIntervalSeconds: 1, autoApproveDeviceCodeAfterSeconds: 2.5 });
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-tty-'));
  });
  after(async () => {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function login(env: Record<string, string>, flags: string[]) {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { write: (t) => void (stdout += t), isTTY: false },
      stderr: { write: (t) => void (stderr += t), isTTY: true },
      readStdin: async () => '',
      env: { D365FO_AUTH_CONFIG: join(dir, 'config.json'), PATH: '/nonexistent', ...env },
      platform: 'linux',
    };
    const code = await main(['odata', 'login', '--tenant', emu.tenantDomain, '--url', 'https://contoso.operations.dynamics.com', '--authority-host', emu.url, ...flags], io);
    return { code, stdout, stderr };
  }

  it('shows a countdown that ticks while waiting, then the token on stdout', async () => {
    const r = await login({}, ['--no-browser', '--no-clipboard']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Bearer ey/);
    const ticks = r.stderr.match(/\rWaiting for sign-in\.\.\. \d+:\d\d left /g) ?? [];
    assert.ok(ticks.length >= 2, `expected a ticking countdown, got ${JSON.stringify(r.stderr)}`);
    assert.match(ticks[0]!, / (4|5):\d\d left/, 'the countdown starts near the 5-minute default timeout');
    assert.doesNotMatch(r.stderr, /on your clipboard|in your browser/);
  });

  it('under CI: no countdown, no clipboard, no browser, even on a TTY', async () => {
    const r = await login({ CI: 'true' }, []);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /\r/);
    assert.match(r.stderr, /Waiting for sign-in\.\.\.\n/);
    assert.doesNotMatch(r.stderr, /on your clipboard|in your browser/);
  });
});
