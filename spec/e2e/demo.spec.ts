// The README's first command (`npm start` = scripts/demo.ts) and `d365fo-auth emulator`, run as
// child processes: the demo report and the emulator's banner, URL and clean Ctrl-C.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createSelfSignedCertificate } from '../../lib/emulator/certificate.js';
import { describe, it } from 'node:test';

const DEMO = fileURLToPath(new URL('../../scripts/demo.ts', import.meta.url));
const BIN = fileURLToPath(new URL('../../lib/cli/bin.ts', import.meta.url));

describe('the demo and the emulator command', () => {
  it('npm start: all six flows against the built-in emulator, then how to use a real tenant', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', DEMO], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0, err);
    assert.match(out, /^d365fo-auth demo — AAD v1 emulator at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(out, /1\. LCS API: password grant[^\n]*\n {3}admin@contoso\.onmicrosoft\.com \| aud https:\/\/lcsapi\.lcs\.dynamics\.com \| expires in 59 min \| refresh token: yes/);
    assert.match(out, /2\. LCS API: refresh[^\n]*\n[^\n]*new refresh token: yes/);
    assert.match(out, /3\. OData: client credentials[^\n]*\n {3}app 7b1e2d3c-4a5f-4e6d-9c8b-0a1f2e3d4c5b \| aud https:\/\/contoso\.operations\.dynamics\.com \| expires in 59 min \| refresh token: no/);
    assert.match(out, /code [A-Z0-9]{8} at http:\/\/127\.0\.0\.1:\d+\/devicelogin/);
    assert.match(out, /approves by itself after 4 s/);
    assert.match(out, /5\. LCS API: an account under MFA[^\n]*\n {3}refused: AADSTS50076 \| what to do: Multi-factor authentication is required, which the password grant cannot do: use browser or device-code sign-in/);
    assert.match(out, /6\. LCS API: the same account signs in with the browser[^\n]*\n {3}mfa@contoso\.onmicrosoft\.com \| aud https:\/\/lcsapi\.lcs\.dynamics\.com \| expires in 59 min \| refresh token: yes \| sign-in methods: pwd,mfa/);
    assert.match(out, /All six flows worked\. Against a real tenant/);
  });

  it('d365fo-auth emulator: prints its URL and demo accounts, serves v1, and stops on Ctrl-C with exit 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'emulator', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c) => {
        out += c;
        const match = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
        if (match && out.includes('Ctrl-C')) resolve(match[1]!);
      });
      child.on('close', () => reject(new Error(`emulator exited early: ${out}`)));
    });
    assert.match(out, /listening on http:\/\/127\.0\.0\.1:\d+ \(loopback only\)/);
    assert.match(out, /demo user: +admin@contoso\.onmicrosoft\.com {2}password: /);
    assert.match(out, /confidential client: 7b1e2d3c-4a5f-4e6d-9c8b-0a1f2e3d4c5b {2}secret: /);
    const config = (await (await fetch(`${url}/contoso.onmicrosoft.com/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
    assert.match(config.token_endpoint, new RegExp(`^${url}/[\\w.-]+/oauth2/token$`));
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0);
  });

  it('d365fo-auth emulator --tls --clients FILE: https with a certificate made for the run, trusted through the printed NODE_EXTRA_CA_CERTS line; a client registered with a certificate file gets a token with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-emulator-tls-'));
    const app = createSelfSignedCertificate({ commonName: 'emulator client' });
    writeFileSync(join(dir, 'app.crt'), app.certificatePem);
    writeFileSync(join(dir, 'clients.json'), JSON.stringify([{ clientId: '0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f', certificates: ['app.crt'] }]));
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'emulator', '--port', '0', '--tls', '--clients', join(dir, 'clients.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    try {
      const [url, trust] = await new Promise<[string, string]>((resolve, reject) => {
        child.stdout.on('data', (c) => {
          out += c;
          const match = out.match(/listening on (https:\/\/127\.0\.0\.1:\d+)/);
          const line = out.match(/export NODE_EXTRA_CA_CERTS=(\S+)/);
          if (match && line) resolve([match[1]!, line[1]!]);
        });
        child.on('close', () => reject(new Error(`emulator exited early: ${out}`)));
      });
      // a client process that trusts nothing but the printed certificate file
      const script = `
        const lib = await import(${JSON.stringify(pathToFileURL(fileURLToPath(new URL('../../lib/index.ts', import.meta.url))).href)});
        const token = await lib.clientCredentialsGrant({ authorityHost: process.env.URL, tenant: 'contoso.onmicrosoft.com', clientId: '0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f', resource: 'https://contoso.operations.dynamics.com',
          clientCertificate: { privateKey: process.env.KEY, certificate: process.env.CERT } });
        process.stdout.write(lib.decodeClaims(token).appid);`;
      const client = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: trust, URL: url, KEY: app.privateKeyPem, CERT: app.certificatePem },
        encoding: 'utf8',
      });
      assert.equal(client.status, 0, client.stderr);
      assert.equal(client.stdout, '0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f');
      // without the trust line, the certificate is refused
      const untrusted = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { PATH: process.env.PATH, URL: url, KEY: app.privateKeyPem, CERT: app.certificatePem }, encoding: 'utf8' });
      assert.notEqual(untrusted.status, 0);
      child.kill('SIGINT');
      assert.equal(await new Promise((resolve) => child.on('close', resolve)), 0);
      assert.equal(existsSync(trust), false, 'the certificate file made for the run is removed');
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
