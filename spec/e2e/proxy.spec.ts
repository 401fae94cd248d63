// HTTP_PROXY / NO_PROXY are honoured by the undici transport: a forward proxy on loopback sees the
// token request, and NO_PROXY bypasses it. Each case runs in a child process with its own env.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../lib/index.js';

const WORKER = fileURLToPath(new URL('../support/proxy-worker.ts', import.meta.url));

describe('proxies from the environment', () => {
  let emu: EmulatorHandle;
  let proxy: Server;
  let proxyUrl: string;
  const proxied: string[] = [];

  before(async () => {
    emu = await startEmulator();
    // a minimal forward proxy: absolute-form http requests and CONNECT tunnels
    proxy = createServer((req, res) => {
      proxied.push(`${req.method} ${req.url}`);
      const target = new URL(req.url!);
      const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    // undici tunnels through CONNECT, for http targets too
    proxy.on('connect', (req, client: Socket, head: Buffer) => {
      proxied.push(`CONNECT ${req.url}`);
      const [host, port] = req.url!.split(':') as [string, string];
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  after(async () => {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
    await emu.stop();
  });

  const run = (env: Record<string, string>) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', WORKER, emu.url, emu.tenantId], {
        env: { PATH: process.env.PATH, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (err += c));
      child.on('close', (code) => resolve({ code, out, err }));
    });

  it('HTTP_PROXY routes the token request through the proxy', async () => {
    const before = proxied.length;
    const result = await run({ HTTP_PROXY: proxyUrl });
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out, 'https://contoso.operations.dynamics.com');
    assert.deepEqual(proxied.slice(before), [`CONNECT ${new URL(emu.url).host}`]);
  });

  it('NO_PROXY bypasses it', async () => {
    const before = proxied.length;
    const result = await run({ HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' });
    assert.equal(result.code, 0, result.err);
    assert.equal(proxied.length, before);
  });
});
