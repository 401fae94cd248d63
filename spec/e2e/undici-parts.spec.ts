// The transport loads only the undici files it uses (request and the global dispatcher), not
// undici's main file with fetch, WebSocket, caches and mocks. This watches that the files are still
// where lib/http/undici.ts looks for them (a newer undici could move them: the fallback would keep
// working, but the heap and the start-up would grow again), that a whole grant runs without the
// main file, and that the parts send a request as the transport gives it and return its headers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { TransportError } from '../../lib/errors.js';
import { sendOnce } from '../../lib/http/transport.js';
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

  it('send the request as given (global dispatcher or the caller\'s) and return each header as one lower-cased string', async () => {
    const seen: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        res.setHeader('Set-Cookie', ['fpc=one; path=/', 'x-ms-gateway-slice=two; path=/']);
        res.setHeader('X-Ms-Request-Id', '0f0e0d0c-0b0a-4909-8807-060504030201');
        res.setHeader('Content-Type', 'application/json');
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/contoso.onmicrosoft.com/oauth2/token?api-version=1.0`;
    // the caller's dispatcher, counting what it is given
    const agent = new (class extends Agent {
      dispatched = 0;
      override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
        this.dispatched++;
        return super.dispatch(options, handler);
      }
    })();
    try {
      const request = { method: 'POST' as const, url, headers: { 'content-type': 'application/x-www-form-urlencoded', 'client-request-id': '6f9619ff-8b86-4011-b42d-00c04fc964ff' }, body: 'grant_type=client_credentials&client_id=x' };
      for (const options of [{}, { dispatcher: agent }]) {
        const response = await sendOnce(request, options);
        assert.equal(response.status, 200);
        assert.equal(response.body, '{"ok":true}');
        assert.equal(response.headers['set-cookie'], 'fpc=one; path=/, x-ms-gateway-slice=two; path=/');
        assert.equal(response.headers['x-ms-request-id'], '0f0e0d0c-0b0a-4909-8807-060504030201');
        assert.ok(Object.keys(response.headers).every((name) => name === name.toLowerCase()));
      }
      assert.equal(seen.length, 2);
      assert.equal(agent.dispatched, 1);
      for (const got of seen) {
        assert.equal(got.method, 'POST');
        assert.equal(got.url, '/contoso.onmicrosoft.com/oauth2/token?api-version=1.0');
        assert.equal(got.body, 'grant_type=client_credentials&client_id=x');
        assert.equal(got.headers['client-request-id'], '6f9619ff-8b86-4011-b42d-00c04fc964ff');
        assert.equal(got.headers['content-type'], 'application/x-www-form-urlencoded');
      }
    } finally {
      await agent.close();
      await new Promise((ok) => server.close(ok));
    }
  });

  it('leave the timing to timeoutMs on the library\'s dispatcher; a caller\'s dispatcher keeps its own timeouts', async () => {
    // answers after 2.5 s (undici checks its headers timer every half second: 150 ms fire within ~1 s)
    const server = createServer((_req, res) => void setTimeout(() => res.end('{}'), 2500));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const request = { method: 'GET' as const, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/common/discovery`, headers: {} };
    const previous = getGlobalDispatcher();
    const quick = () => new Agent({ headersTimeout: 150, bodyTimeout: 150 });
    const callers = quick();
    setGlobalDispatcher(quick());
    try {
      // undici's global dispatcher (here one whose own headers timeout is 150 ms): timeoutMs decides
      assert.equal((await sendOnce(request, { timeoutMs: 5000 })).status, 200);
      await assert.rejects(sendOnce(request, { timeoutMs: 200 }), (error: unknown) => error instanceof TransportError && error.code === 'ERR_TIMEOUT');
      // the caller's dispatcher: its 150 ms headers timeout still applies
      await assert.rejects(
        sendOnce(request, { timeoutMs: 5000, dispatcher: callers }),
        (error: unknown) => error instanceof TransportError && error.code === 'ERR_TRANSPORT' && error.reason === 'UND_ERR_HEADERS_TIMEOUT',
      );
    } finally {
      const ours = getGlobalDispatcher();
      setGlobalDispatcher(previous);
      await Promise.all([ours.close(), callers.close()]);
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    }
  });
});
