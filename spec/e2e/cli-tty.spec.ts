// The CLI on a terminal: the device-code UX (in-process main() with a TTY stderr: live countdown,
// what really happened with the browser, nothing under CI) and the hidden password prompt of
// `lcs login` (a fake TTY stdin driven key by key, and a real pseudo-terminal through script(1)).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { main } from '../../lib/cli/main.js';
import type { CliIo, TtyInput } from '../../lib/cli/io.js';
import { EMULATOR_DEMO, startEmulator, type EmulatorHandle } from '../../lib/index.js';

const USER = EMULATOR_DEMO.user;
const PUBLIC = EMULATOR_DEMO.publicClient.clientId;
const BIN = fileURLToPath(new URL('../../lib/cli/bin.ts', import.meta.url));

/** A terminal's stdin that a spec types into; it records raw mode. */
class FakeTty extends EventEmitter implements TtyInput {
  isTTY = true;
  rawModes: boolean[] = [];
  setRawMode(raw: boolean) {
    this.rawModes.push(raw);
    return this;
  }
  resume() {
    return this;
  }
  pause() {
    return this;
  }
}

describe('the CLI on a terminal', () => {
  let emu: EmulatorHandle;
  let dir: string;
  before(async () => {
    emu = await startEmulator({ deviceCodeIntervalSeconds: 1, autoApproveDeviceCodeAfterSeconds: 2.5 });
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-tty-'));
    for (const [folder, body] of [['opener-ok', 'exit 0'], ['opener-fails', 'exit 4']] as const) {
      mkdirSync(join(dir, folder));
      writeFileSync(join(dir, folder, 'xdg-open'), `#!/bin/sh\n${body}\n`);
      chmodSync(join(dir, folder, 'xdg-open'), 0o755);
    }
  });
  after(async () => {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** main() with a TTY stderr (and optionally a fake TTY stdin that `keys` are typed into once the prompt shows). */
  async function onTerminal(argv: string[], env: Record<string, string>, keys?: string[]) {
    let stdout = '';
    let stderr = '';
    const tty = keys ? new FakeTty() : undefined;
    const io: CliIo = {
      stdout: { write: (t) => void (stdout += t), isTTY: false },
      stderr: {
        write: (t) => {
          stderr += t;
          // type once the prompt is out, one chunk per tick, as a terminal delivers keys
          if (tty && keys && t.startsWith('Password for ')) keys.forEach((key, i) => setTimeout(() => tty.emit('data', Buffer.from(key)), 5 * (i + 1)));
        },
        isTTY: true,
      },
      readStdin: async () => '',
      tty,
      env: { D365FO_AUTH_CONFIG: join(dir, 'config.json'), PATH: '/nonexistent', ...env },
      platform: 'linux',
    };
    const code = await main(argv, io);
    return { code, stdout, stderr, tty };
  }

  describe('odata login (device code)', () => {
    const login = (env: Record<string, string>, flags: string[]) =>
      onTerminal(['odata', 'login', '--tenant', emu.tenantDomain, '--url', 'https://contoso.operations.dynamics.com', '--authority-host', emu.url, ...flags], env);

    it('shows a countdown that ticks while waiting, then the token on stdout', async () => {
      const r = await login({}, ['--no-browser', '--no-clipboard']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Bearer ey/);
      const ticks = r.stderr.match(/\rWaiting for sign-in\.\.\. \d+:\d\d left /g) ?? [];
      assert.ok(ticks.length >= 2, `expected a ticking countdown, got ${JSON.stringify(r.stderr)}`);
      assert.match(ticks[0]!, / (4|5):\d\d left/, 'the countdown starts near the 5-minute default timeout');
      assert.doesNotMatch(r.stderr, /on your clipboard|in your browser|Could not open/);
    });

    it('says it opened the page only when the opener ran and exited 0', async () => {
      const opened = await login({ PATH: join(dir, 'opener-ok') }, ['--no-clipboard']);
      assert.equal(opened.code, 0, opened.stderr);
      assert.match(opened.stderr, /\n\(Opened the sign-in page in your browser\.\)\n/);
      const failed = await login({ PATH: join(dir, 'opener-fails') }, ['--no-clipboard']);
      assert.equal(failed.code, 0, failed.stderr);
      assert.match(failed.stderr, new RegExp(`\\n\\(Could not open a browser: xdg-open exited with 4\\. Open ${emu.url.replace(/[.]/g, '\\.')}/devicelogin by hand\\.\\)\\n`));
      assert.doesNotMatch(failed.stderr, /Opened the sign-in page/);
      const missing = await login({}, ['--no-clipboard']);
      assert.match(missing.stderr, /\n\(Could not open a browser: xdg-open was not found\. Open http:\/\/127\.0\.0\.1:\d+\/devicelogin by hand\.\)\n/);
    });

    it('under CI: no countdown, no clipboard, no browser, even on a TTY', async () => {
      const r = await login({ CI: 'true', PATH: join(dir, 'opener-ok') }, []);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /\r/);
      assert.match(r.stderr, /Waiting for sign-in\.\.\.\n/);
      assert.doesNotMatch(r.stderr, /on your clipboard|in your browser|Could not open/);
    });
  });

  describe('lcs login: the hidden password prompt', () => {
    const lcsLogin = (keys: string[], env: Record<string, string> = {}) =>
      onTerminal(['lcs', 'login', '--username', USER.username, '--client-id', PUBLIC, '--authority-host', emu.url, '--no-save'], env, keys);

    it('prompts on stderr, reads in raw mode without echo; Backspace edits, arrow keys are ignored, Enter ends', async () => {
      const typo = `${USER.password.slice(0, -1)}x`;
      const r = await lcsLogin([typo, '\u007f', USER.password.slice(-1), '\u001b[D', '\r']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Bearer eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
      assert.equal(r.stderr, `Password for ${USER.username}: \n`);
      assert.deepEqual(r.tty!.rawModes, [true, false]);
    });

    it('Ctrl-C at the prompt cancels: exit 130, nothing on stdout', async () => {
      const r = await lcsLogin(['Dem', '\u0003']);
      assert.equal(r.code, 130);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `Password for ${USER.username}: \nCancelled.\n`);
      assert.deepEqual(r.tty!.rawModes, [true, false]);
    });

    it('Ctrl-D on an empty line is a usage error (exit 2)', async () => {
      const r = await lcsLogin(['\u0004']);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `Password for ${USER.username}: \nerror: no password was entered.\n`);
    });

    it('D365FO_PASSWORD wins over the prompt', async () => {
      const r = await lcsLogin([], { D365FO_PASSWORD: USER.password });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.deepEqual(r.tty!.rawModes, []);
    });
  });

  describe('lcs login on a real pseudo-terminal (script -qec)', () => {
    /** The CLI under script(1): its output (stdout and stderr, as the terminal shows them) and exit code. */
    function underScript(keys: string): Promise<{ code: number | null; output: string }> {
      return new Promise((resolve, reject) => {
        const command = ['node', '--import', 'tsx', BIN, 'lcs', 'login', '--username', USER.username, '--client-id', PUBLIC, '--authority-host', emu.url, '--no-save'].join(' ');
        const child = spawn('script', ['-qec', command, '/dev/null'], {
          cwd: fileURLToPath(new URL('../../', import.meta.url)),
          env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'dumb', NODE_NO_WARNINGS: '1', D365FO_AUTH_CONFIG: join(dir, 'pty.json') },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let output = '';
        let typed = false;
        child.stdout.on('data', (chunk) => {
          output += chunk;
          // type only once raw mode is on (the prompt is written just before): a cooked terminal would echo
          if (!typed && output.includes('Password for ')) {
            typed = true;
            setTimeout(() => child.stdin.write(keys), 200);
          }
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, output });
        });
      });
    }

    it('signs in with the typed password, which is never echoed', async () => {
      const r = await underScript(`${USER.password}\r`);
      assert.equal(r.code, 0, r.output);
      assert.match(r.output, new RegExp(`Password for ${USER.username.replace(/[.]/g, '\\.')}: `));
      assert.match(r.output, /Bearer eyJ[\w-]+\.[\w-]+\.[\w-]+/);
      assert.ok(!r.output.includes(USER.password), `the password was echoed: ${r.output}`);
    });

    it('Ctrl-C at the prompt exits 130', async () => {
      const r = await underScript('\u0003');
      assert.equal(r.code, 130, r.output);
      assert.match(r.output, /Cancelled\./);
      assert.doesNotMatch(r.output, /Bearer/);
    });
  });
});
