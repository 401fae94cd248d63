// HTTP_PROXY / NO_PROXY are honoured by the undici transport: a forward proxy on loopback sees the
// token request, and NO_PROXY bypasses it. Each case runs in a child process with its own env.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../lib/index.js';
import { startForwardProxy, type ForwardProxy } from '../support/forward-proxy.js';

const WORKER = fileURLToPath(new URL('../support/proxy-worker.ts', import.meta.url));

describe('proxies from the environment', () => {
  let emu: EmulatorHandle;
  let proxy: ForwardProxy;
  let proxyUrl: string;
  let proxied: string[];

  before(async () => {
    emu = await startEmulator();
    proxy = await startForwardProxy();
    proxyUrl = proxy.url;
    proxied = proxy.seen;
  });
  after(async () => {
    await proxy.close();
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
