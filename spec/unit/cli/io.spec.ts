// The executable's output path (lib/cli/bin.ts): everything goes through process.stdout/stderr, and
// the process exits with main()'s code only after a piped stdout has taken all of it, even when the
// reader is slow; Ctrl-C ends a command promptly with 130 while a connection is still pending.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

const BIN = fileURLToPath(new URL('../../../lib/cli/bin.ts', import.meta.url));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The CLI as a child process, stdout a pipe; with `slowReader` nothing is read for the first 500 ms. */
function run(argv: string[], options: { stdin?: string; slowReader?: boolean; env?: Record<string, string>; interruptAfterMs?: number } = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...argv], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NODE_NO_WARNINGS: '1', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    if (options.slowReader) {
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 500);
    }
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    if (options.interruptAfterMs !== undefined) setTimeout(() => child.kill('SIGINT'), options.interruptAfterMs);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr, ms: Date.now() - started }));
    child.stdin.end(options.stdin ?? '');
  });
}

describe('d365fo-auth (bin): output and exit', () => {
  it('a slow reader of a piped stdout gets all of a large output (decode of a 1 MB token), then exit 0', async () => {
    const big = 'x'.repeat(1_000_000);
    const payload = Buffer.from(JSON.stringify({ upn: 'a@contoso.com', big, last: 'end' })).toString('base64url');
    const r = await run(['decode', '-'], { stdin: `eyJhbGciOiJub25lIn0.${payload}.`, slowReader: true });
    assert.equal(r.code, 0, r.stderr);
    const claims = JSON.parse(r.stdout) as { big: string; last: string };
    assert.equal(claims.big.length, 1_000_000);
    assert.equal(claims.last, 'end');
    assert.match(r.stdout, /\n}\n$/);
    assert.match(r.stderr, /not verified/);
  });

  it('--help through a pipe: the whole overview, exit 0; a bare group: its usage on stderr, exit 2', async () => {
    const help = await run(['--help'], { slowReader: true });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^d365fo-auth \d+\.\d+\.\d+: /);
    assert.match(help.stdout, /Run "d365fo-auth help COMMAND" \(or "d365fo-auth COMMAND --help"\) for a command's options and examples\.\n$/);
    assert.equal(help.stderr, '');
    const group = await run(['lcs']);
    assert.equal(group.code, 2);
    assert.equal(group.stdout, '');
    assert.match(group.stderr, /^Usage: d365fo-auth lcs <command> \[options\]\n/);
  });

  describe('Ctrl-C while a request is pending', () => {
    const sockets = new Set<Socket>();
    let connections = 0;
    // accepts connections and never answers
    const server = createServer((socket) => {
      connections++;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    before(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
    after(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('exits 130 at once, with the cancellation on stderr and nothing on stdout', async () => {
      const port = (server.address() as { port: number }).port;
      const r = await run(
        ['odata', 'token', '--tenant', 'contoso.onmicrosoft.com', '--url', 'https://contoso.operations.dynamics.com', '--client-id', '7b1e2d3c-4a5f-4e6d-9c8b-0a1f2e3d4c5b'],
        { env: { D365FO_CLIENT_SECRET: 'not-a-real-secret', D365FO_AUTHORITY_HOST: `http://127.0.0.1:${port}`, D365FO_AUTH_CONFIG: '/nonexistent/d365fo-auth.json' }, interruptAfterMs: 1500 },
      );
      assert.equal(r.code, 130, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /aborted|cancelled/);
      assert.ok(connections > 0, 'the request reached the silent server');
      assert.ok(r.ms < 5000, `took ${r.ms} ms`);
    });
  });
});
