// `d365fo-auth emulator` through main(): --users/--clients files checked entry by entry with
// messages naming the flag, the file, the entry and the field; a taken port is a usage error
// (exit 2) in one line; the help shows how to point the CLI at it; users from a file sign in.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../lib/cli/main.js';
import type { CliIo } from '../../../lib/cli/io.js';
import { runMain } from '../../support/cli.js';

const CLIENT = '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

describe('d365fo-auth emulator', () => {
  let dir: string;
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-emulator-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the emulator command until it prints its URL, then `whileUp(url)`, then Ctrl-C. */
  async function runEmulator(argv: string[], whileUp: (url: string) => Promise<void>) {
    const controller = new AbortController();
    let stdout = '';
    let stderr = '';
    let up: Promise<void> | undefined;
    const io: CliIo = {
      stdout: {
        write: (text) => {
          stdout += text;
          const url = /listening on (http:\/\/[\d.:]+)/.exec(stdout)?.[1];
          if (url && !up) up = whileUp(url).finally(() => controller.abort());
        },
      },
      stderr: { write: (text) => void (stderr += text) },
      readStdin: async () => '',
      env: { CI: 'true' },
      signal: controller.signal,
      platform: process.platform,
    };
    const code = await main(['emulator', ...argv], io);
    await up;
    return { code, stdout, stderr };
  }

  it('users and clients from files: listed (no passwords or secrets), and a user from the file signs in', async () => {
    const users = file('users.json', [{ username: 'ops@fabrikam.onmicrosoft.com', password: 'Files-Passw0rd!' }, { username: 'mfa@fabrikam.onmicrosoft.com', password: 'x', mfaRequired: true }]);
    const clients = file('clients.json', [{ clientId: CLIENT, allowPublicClientFlows: true }]);
    let login: { code: number; stdout: string; stderr: string } | undefined;
    const r = await runEmulator(['--users', users, '--clients', clients], async (url) => {
      login = await runMain(['lcs', 'login', '--username', 'ops@fabrikam.onmicrosoft.com', '--password-stdin', '--client-id', CLIENT, '--authority-host', url, '--no-save'], {
        stdin: 'Files-Passw0rd!\n',
      });
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`\\n  users \\(${users.replace(/[.]/g, '\\.')}\\): ops@fabrikam\\.onmicrosoft\\.com, mfa@fabrikam\\.onmicrosoft\\.com\\n`));
    assert.match(r.stdout, new RegExp(`\\n  clients \\(.*clients\\.json\\): ${CLIENT} \\(public\\)\\n`));
    assert.match(r.stdout, /\nPoint the CLI at it with --authority-host http:\/\/127\.0\.0\.1:\d+ \(or D365FO_AUTHORITY_HOST=http:\/\/127\.0\.0\.1:\d+\); Ctrl-C stops it\.\n$/);
    assert.ok(!r.stdout.includes('Files-Passw0rd!'));
    assert.equal(r.stderr, 'Emulator stopped.\n');
    assert.equal(login?.code, 0, login?.stderr);
    assert.match(login!.stdout, /^Bearer eyJ/);
  });

  it('a bad entry is named by flag, file, entry number and field (exit 2, nothing started)', async () => {
    const cases: [string, unknown, string][] = [
      ['--users', [{ username: 'a@contoso.com', password: 'p' }, { username: 'b@contoso.com', password: 7 }], 'entry 2: "password" must be a string (not empty).'],
      ['--users', [{ username: 'a@contoso.com' }], 'entry 1: "password" is missing.'],
      ['--users', [{ username: 'a@contoso.com', pasword: 'p' }], 'entry 1: unknown field "pasword" (did you mean "password"?); a user has username, password, mfaRequired, locked, federated, displayName.'],
      ['--users', [{ username: 'nobody', password: 'p' }], 'entry 1: "username" must be a user principal name such as admin@contoso.onmicrosoft.com.'],
      ['--users', [{ username: 'a@contoso.com', password: 'p', locked: 'yes' }], 'entry 1: "locked" must be true or false.'],
      ['--users', [{ username: 'a@contoso.com', password: 'p' }, { username: 'A@contoso.com', password: 'q' }], 'entry 2: "username" repeats entry 1.'],
      ['--users', { username: 'a@contoso.com' }, 'must be a JSON array of users, e.g. [{ "username": "admin@contoso.onmicrosoft.com", "password": "…" }]'],
      ['--users', '[{"username": ', 'not valid JSON'],
      ['--clients', [{ clientId: 'not-a-guid' }], 'entry 1: "clientId" must be a GUID.'],
      ['--clients', [{ clientId: CLIENT, roles: 'Admin' }], 'entry 1: "roles" must be an array of strings.'],
      ['--clients', ['x'], 'entry 1: must be an object like { "clientId": "4e9c6a1b-52d3-4c8f-8a7e-1f2b3c4d5e6f", "allowPublicClientFlows": true }'],
    ];
    for (const [flag, content, message] of cases) {
      const path = file('entries.json', content);
      const r = await runMain(['emulator', flag, path]);
      assert.equal(r.code, 2, message);
      assert.equal(r.stdout, '');
      assert.ok(r.stderr.startsWith(`error: ${flag} ${path}: ${message}`), `${r.stderr} (expected ${message})`);
      assert.equal(r.stderr.split('\n').length, 2, 'one line');
    }
    const missing = await runMain(['emulator', '--users', join(dir, 'absent.json')]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, `error: --users ${join(dir, 'absent.json')}: cannot read it (ENOENT).\n`);
  });

  it('a taken port is a usage error in one line (exit 2), not a stack', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runMain(['emulator', '--port', String(port)]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `error: port ${port} on 127.0.0.1 is taken (EADDRINUSE): stop what uses it, or pick another with --port (--port 0 picks a free one).\n`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('--help shows how to point the CLI at it, copy-paste ready', async () => {
    const r = await runMain(['emulator', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /\n  # in one shell:\n  d365fo-auth emulator --port 8400\n  # in another, sign in as its demo user:\n  printf '%s\\n' 'Demo-Passw0rd!' \| d365fo-auth lcs login --authority-host http:\/\/127\.0\.0\.1:8400 --username admin@contoso\.onmicrosoft\.com --password-stdin/);
    assert.match(r.stdout, /\n  --users FILE +JSON array of users/);
    assert.match(r.stdout, /\n  --tls +serve https with a certificate made for this run/);
  });
});
