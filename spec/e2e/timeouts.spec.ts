// timeoutMs and the caller's signal end every phase of a request on time, against hostile peers on
// loopback: a proxy that never answers CONNECT, a peer that never finishes TLS, a server that never
// sends headers, a body that stalls; and the CLI leaves at once on Ctrl-C while connecting. Each
// case runs in a child process (its own proxy environment), which must also exit promptly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { EMULATOR_DEMO } from '../../lib/index.js';
import { runCli } from '../support/cli.js';

const WORKER = fileURLToPath(new URL('../support/timeout-worker.ts', import.meta.url));
const TIMEOUT_MS = 2000;
/** What "on time" allows beyond the bound: scheduling, a loaded 2-core machine. */
const SLACK_MS = 700;

interface Outcome {
  code: string;
  message?: string;
  /** When the call settled, from its start. */
  ms: number;
  /** The child's start-up before the call. */
  startupMs: number;
  /** When the whole child process exited, from its start. */
  processMs: number;
}

function run(authorityHost: string, env: Record<string, string> = {}, abortAfterMs?: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const args = ['--import', 'tsx', WORKER, authorityHost, String(TIMEOUT_MS), ...(abortAfterMs === undefined ? [] : [String(abortAfterMs)])];
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', () => {
      try {
        resolve({ ...(JSON.parse(out) as Omit<Outcome, 'processMs'>), processMs: Date.now() - started });
      } catch {
        reject(new Error(`worker printed ${out} ${err}`));
      }
    });
  });
}

/** A TCP server that accepts connections and never says a word (a silent proxy, a TLS black hole). */
async function silent(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

describe('every phase ends within timeoutMs, and at once on abort', () => {
  let peer: Awaited<ReturnType<typeof silent>>;
  let stalling: HttpServer;
  let stallingPort: number;

  before(async () => {
    peer = await silent();
    // answers headers, then never finishes the body
    stalling = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"token_type":"Bearer",');
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    stallingPort = (stalling.address() as AddressInfo).port;
  });
  after(async () => {
    for (const socket of peer.sockets) socket.destroy();
    peer.server.close();
    stalling.closeAllConnections();
    stalling.close();
  });

  const onTime = (outcome: Outcome, code: string, bound: number) => {
    assert.equal(outcome.code, code, JSON.stringify(outcome));
    assert.ok(outcome.ms >= bound - 50 && outcome.ms <= bound + SLACK_MS, `settled after ${outcome.ms} ms, expected about ${bound}`);
    // the process does not linger on a connection attempt either: whatever undici still holds ends
    // by the dispatcher's own timeouts (timeoutMs)
    const lingered = outcome.processMs - outcome.startupMs - outcome.ms;
    assert.ok(lingered <= TIMEOUT_MS + 1500, `the process lingered ${lingered} ms after the call settled`);
  };

  it('a proxy (HTTPS_PROXY) that never answers CONNECT: ERR_TIMEOUT after timeoutMs, saying so', async () => {
    const outcome = await run('https://login.microsoftonline.com', { HTTPS_PROXY: `http://127.0.0.1:${peer.port}` });
    onTime(outcome, 'ERR_TIMEOUT', TIMEOUT_MS);
    assert.match(outcome.message!, /within 2000 ms/);
  });

  it('the same proxy and the caller aborting after 500 ms: ERR_ABORTED at once', async () => {
    onTime(await run('https://login.microsoftonline.com', { HTTPS_PROXY: `http://127.0.0.1:${peer.port}` }, 500), 'ERR_ABORTED', 500);
  });

  it('an https peer that never finishes the TLS handshake: ERR_TIMEOUT after timeoutMs', async () => {
    onTime(await run(`https://127.0.0.1:${peer.port}`), 'ERR_TIMEOUT', TIMEOUT_MS);
  });

  it('the same peer and the caller aborting after 300 ms: ERR_ABORTED at once', async () => {
    onTime(await run(`https://127.0.0.1:${peer.port}`, {}, 300), 'ERR_ABORTED', 300);
  });

  it('a server that never sends headers: ERR_TIMEOUT after timeoutMs', async () => {
    onTime(await run(`http://127.0.0.1:${peer.port}`), 'ERR_TIMEOUT', TIMEOUT_MS);
  });

  it('a server whose body stalls half-way: ERR_TIMEOUT after timeoutMs', async () => {
    onTime(await run(`http://127.0.0.1:${stallingPort}`), 'ERR_TIMEOUT', TIMEOUT_MS);
  });

  it('the CLI leaves at once on Ctrl-C while a proxy keeps it connecting (exit 130)', async () => {
    const started = Date.now();
    const result = await runCli(
      ['odata', 'token', '--verbose', '--tenant', EMULATOR_DEMO.tenantDomain, '--url', 'https://contoso.operations.dynamics.com', '--client-id', EMULATOR_DEMO.confidentialClient.clientId],
      {
        env: { HTTPS_PROXY: `http://127.0.0.1:${peer.port}`, D365FO_CLIENT_SECRET: EMULATOR_DEMO.confidentialClient.secret, D365FO_AUTH_CONFIG: '/nonexistent/config.json' },
        // the request is on its way (logged before the connection is made): then Ctrl-C
        interruptWhen: (stderr) => stderr.includes('-> POST'),
      },
    );
    const interruptedAfter = Date.now() - started;
    assert.equal(result.code, 130, result.stderr);
    assert.match(result.stderr, /-> POST https:\/\/login\.microsoftonline\.com/);
    // the default timeoutMs is 30 s: leaving within a few seconds means Ctrl-C ended the connect phase
    assert.ok(interruptedAfter < 8000, `took ${interruptedAfter} ms`);
  });
});
