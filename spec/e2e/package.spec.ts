// The built package (dist/, as `npm test` builds it with scripts/build.mjs): what users import and
// run. The bundles export what lib/index.ts exports and work end to end against the emulator.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import * as source from '../../lib/index.js';
import * as emulatorSource from '../../lib/emulator/index.js';
import { runCli } from '../support/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const INDEX = join(ROOT, 'dist/index.js');
const EMULATOR = join(ROOT, 'dist/emulator.js');
const BIN = join(ROOT, 'dist/cli/bin.js');
type Lib = typeof source;

describe('the built package (dist/)', () => {
  let lib: Lib;
  let emu: source.EmulatorHandle;
  let dir: string;

  before(async () => {
    assert.ok(existsSync(INDEX) && existsSync(BIN) && existsSync(EMULATOR), 'dist/ is missing: npm test builds it (node scripts/build.mjs)');
    lib = (await import(pathToFileURL(INDEX).href)) as Lib;
    emu = await lib.startEmulator();
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-package-'));
  });
  after(async () => {
    await emu?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('dist/index.js exports exactly what lib/index.ts exports, and d365fo-auth/emulator what lib/emulator/index.ts does', async () => {
    assert.deepEqual(Object.keys(lib).sort(), Object.keys(source).sort());
    const emulator = (await import(pathToFileURL(EMULATOR).href)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(emulator).sort(), Object.keys(emulatorSource).sort());
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { default: string }> };
    assert.equal(pkg.exports['./emulator']?.default, './dist/emulator.js');
  });

  it('the built library signs in against its own emulator, decodes the token and throws its own error classes', async () => {
    const demo = lib.EMULATOR_DEMO;
    const token = await lib.clientCredentialsGrant({
      authorityHost: emu.url,
      tenant: demo.tenantDomain,
      clientId: demo.confidentialClient.clientId,
      clientSecret: demo.confidentialClient.secret,
      resource: 'https://contoso.operations.dynamics.com',
    });
    assert.equal(lib.decodeClaims(token).aud, 'https://contoso.operations.dynamics.com');
    assert.equal(lib.decodeClaims(token).appid, demo.confidentialClient.clientId);
    await assert.rejects(
      lib.clientCredentialsGrant({ authorityHost: emu.url, tenant: demo.tenantDomain, clientId: demo.confidentialClient.clientId, clientSecret: 'wrong-secret-value', resource: 'https://contoso.operations.dynamics.com' }),
      (error: unknown) => error instanceof lib.OAuthError && error.aadsts === 'AADSTS7000215',
    );
    await assert.rejects(
      lib.passwordGrant({ authorityHost: emu.url, clientId: 'not-a-guid', username: demo.user.username, password: demo.user.password, resource: 'https://lcsapi.lcs.dynamics.com' }),
      (error: unknown) => error instanceof lib.InputError && lib.isD365AuthError(error, 'ERR_INVALID_INPUT'),
    );
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{ not json', { mode: 0o600 });
    await assert.rejects(lib.openConfigStore({ path: corrupt }).lcs.get(), (error: unknown) => error instanceof lib.ConfigError && error.message.includes(corrupt));
  });

  it('the built CLI signs in, prints the saved token, decodes it and reports its version', async () => {
    const demo = lib.EMULATOR_DEMO;
    const env = { D365FO_AUTH_CONFIG: join(dir, 'config.json'), D365FO_AUTHORITY_HOST: emu.url };
    const built = (argv: string[], extra: { stdin?: string } = {}) => runCli(argv, { node: [BIN], env, ...extra });
    const login = await built(['lcs', 'login', '--username', demo.user.username, '--password-stdin', '--client-id', demo.publicClient.clientId], { stdin: `${demo.user.password}\n` });
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /^Bearer eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const token = await built(['lcs', 'token']);
    assert.equal(token.code, 0, token.stderr);
    assert.equal(token.stdout, login.stdout);
    assert.equal(token.stderr, '');
    const decoded = await built(['decode', token.stdout.trim().slice('Bearer '.length)]);
    assert.equal(decoded.code, 0, decoded.stderr);
    assert.equal(JSON.parse(decoded.stdout).unique_name, demo.user.username);
    const version = await built(['--version']);
    assert.equal(version.stdout, `${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
  });

  it('the built CLI starts the emulator', async () => {
    const child = spawn(process.execPath, [BIN, 'emulator', '--port', '0'], { env: { PATH: process.env.PATH, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const url = await new Promise<string>((done, fail) => {
      const onData = (chunk: Buffer) => {
        out += chunk;
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match) done(match[1]!);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('close', (code) => fail(new Error(`emulator exited with ${code}: ${out}`)));
    });
    try {
      const res = await fetch(`${url}/common/discovery/keys`);
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { keys: unknown[] }).keys.length, 1);
    } finally {
      child.kill('SIGINT');
    }
  });
});
