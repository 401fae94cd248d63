// The built package (dist/, as `npm test` builds it with scripts/build.mjs): what users import and
// run. The bundles must export what lib/index.ts exports, work end to end against the emulator,
// and keep the start-up promises of the build: importing the library loads no dependency, and the
// CLI is one file whose own code needs no package to print a saved token.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import * as source from '../../lib/index.js';
import { runCli } from '../support/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const INDEX = join(ROOT, 'dist/index.js');
const BIN = join(ROOT, 'dist/cli/bin.cjs');
const WATCH = fileURLToPath(new URL('../support/loaded-packages.cjs', import.meta.url));
const FLAGS = fileURLToPath(new URL('../support/v8-flags.cjs', import.meta.url));
type Lib = typeof source;

/** The files an ES module loads statically (relative imports followed), and the bare specifiers they name. */
function staticGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^(?:import|export)\s[^'"]*?from\s*["']([^'"]+)["'];?$|^import\s*["']([^'"]+)["'];?$/gm)) {
      const specifier = (match[1] ?? match[2])!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files: [...files], packages: [...packages] };
}

/** What spec/support/v8-flags.cjs (preloaded with -r) wrote to stderr at the process's exit. */
function v8Report(stderr: string): { flags: string[]; after: string[]; perfHooks: string | undefined } {
  const line = (label: string) => new RegExp(`\\n${label}: (.*)\\n`).exec(stderr)?.[1];
  return { flags: JSON.parse(line('v8 flags')!) as string[], after: JSON.parse(line('built-ins loaded after the flag')!) as string[], perfHooks: line('perf_hooks loaded') };
}

describe('the built package (dist/)', () => {
  let lib: Lib;
  let emu: source.EmulatorHandle;
  let dir: string;

  before(async () => {
    assert.ok(existsSync(INDEX) && existsSync(BIN), 'dist/ is missing: npm test builds it (node scripts/build.mjs)');
    lib = (await import(pathToFileURL(INDEX).href)) as Lib;
    emu = await lib.startEmulator();
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-package-'));
  });
  after(async () => {
    await emu?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('dist/index.js exports exactly what lib/index.ts exports', () => {
    assert.deepEqual(Object.keys(lib).sort(), Object.keys(source).sort());
  });

  it('importing the library imports no package and no built-in (undici, valibot, jose and node: modules wait for first use)', () => {
    const { files, packages } = staticGraph(INDEX);
    // a statically imported built-in costs the ES module loader a wrapper module at every import
    assert.deepEqual(packages, []);
    // each ES module costs start-up time: what the import runs is one file
    assert.deepEqual(files.map((file) => file.slice(join(ROOT, 'dist/').length)), ['index.js']);
  });

  it('the grants file loaded on the first request imports no built-in (each would cost a wrapper module)', () => {
    const { files, packages } = staticGraph(join(ROOT, 'dist/chunks/protocol.js'));
    assert.deepEqual(packages, ['valibot']);
    assert.ok(files.some((file) => file.endsWith('index.js')), files.join(', '));
  });

  it('a grant and a config save load no Web Crypto (an imported node:crypto would, through its lazy exports)', async () => {
    const demo = lib.EMULATOR_DEMO;
    const script = `
      const lib = await import(${JSON.stringify(pathToFileURL(INDEX).href)});
      const token = await lib.clientCredentialsGrant({ authorityHost: process.env.URL, tenant: process.env.TENANT, clientId: process.env.CLIENT, clientSecret: process.env.SECRET, resource: 'https://contoso.operations.dynamics.com' });
      await lib.openConfigStore({ path: process.env.FILE }).lcs.set(token);
      process.stdout.write(JSON.stringify(process.moduleLoadList.filter((name) => name.endsWith('/webcrypto'))));`;
    const env = { URL: emu.url, TENANT: demo.tenantDomain, CLIENT: demo.confidentialClient.clientId, SECRET: demo.confidentialClient.secret, FILE: join(dir, 'no-webcrypto.json') };
    const { code, stdout, stderr } = await runCli([], { node: ['--input-type=module', '-e', script], env });
    assert.equal(code, 0, stderr);
    assert.ok(readFileSync(env.FILE, 'utf8').includes('bearerToken'), 'the token was saved');
    assert.deepEqual(JSON.parse(stdout), []);
  });

  it('the lazy parts throw the entry\'s error classes and share its state (one copy of each)', async () => {
    const demo = lib.EMULATOR_DEMO;
    const authority = { authorityHost: emu.url, tenant: demo.tenantDomain };
    // an input check inside the grants (dist/chunks/protocol.js and its shared chunk)
    await assert.rejects(
      lib.passwordGrant({ ...authority, clientId: 'not-a-guid', username: demo.user.username, password: demo.user.password, resource: 'https://lcsapi.lcs.dynamics.com' }),
      (error: unknown) => error instanceof lib.InputError && error instanceof lib.D365AuthError && lib.isD365AuthError(error, 'ERR_INVALID_INPUT'),
    );
    // the config store (dist/chunks/store.js, schema and lock chunks) on a corrupt file
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{ not json', { mode: 0o600 });
    await assert.rejects(lib.openConfigStore({ path: corrupt }).lcs.get(), (error: unknown) => error instanceof lib.ConfigError && error.message.includes(corrupt));
    // the user-realm cache lives with the grants; the entry's clearUserRealmCache() reaches it
    const realmLookups = () => emu.requests.filter((request) => request.path.startsWith('/common/UserRealm/')).length;
    const signIn = () => lib.passwordGrant({ ...authority, clientId: demo.publicClient.clientId, username: demo.user.username, password: demo.user.password, resource: 'https://lcsapi.lcs.dynamics.com' });
    lib.clearUserRealmCache();
    const before = realmLookups();
    await signIn();
    await signIn();
    assert.equal(realmLookups(), before + 1);
    lib.clearUserRealmCache();
    await signIn();
    assert.equal(realmLookups(), before + 2);
  });

  it('the built library signs in against the emulator (from its own started emulator) and decodes the token', async () => {
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
    // the bundle's error classes are the ones its functions throw
    await assert.rejects(
      lib.clientCredentialsGrant({ authorityHost: emu.url, tenant: demo.tenantDomain, clientId: demo.confidentialClient.clientId, clientSecret: 'wrong-secret-value', resource: 'https://contoso.operations.dynamics.com' }),
      (error: unknown) => error instanceof lib.OAuthError && error.aadsts === 'AADSTS7000215',
    );
  });

  it('the built CLI signs in, prints the saved token, decodes it and reports its version', async () => {
    const demo = lib.EMULATOR_DEMO;
    const env = { D365FO_AUTH_CONFIG: join(dir, 'config.json'), D365FO_AUTHORITY_HOST: emu.url };
    const built = (argv: string[], extra: { node?: string[]; stdin?: string } = {}) => runCli(argv, { node: [BIN], env, ...extra });
    const login = await built(['lcs', 'login', '--username', demo.user.username, '--password-stdin', '--client-id', demo.publicClient.clientId], { stdin: `${demo.user.password}\n` });
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /^Bearer eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const token = await built(['lcs', 'token']);
    assert.equal(token.code, 0, token.stderr);
    assert.equal(token.stdout, login.stdout);
    assert.equal(token.stderr, '');
    // a valid saved token is printed without loading any package (undici, a CommonJS package,
    // would show in require.cache; the bin compiles in what it uses of valibot)
    const loaded = await built(['lcs', 'token'], { node: ['-r', WATCH, BIN] });
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.deepEqual(JSON.parse(loaded.stderr), []);
    const decoded = await built(['decode', token.stdout.trim().slice('Bearer '.length)]);
    assert.equal(decoded.code, 0, decoded.stderr);
    assert.equal(JSON.parse(decoded.stdout).unique_name, demo.user.username);
    const version = await built(['--version']);
    assert.equal(version.stdout, `${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
    // a command that sends requests keeps WebAssembly (undici's HTTP parser) on V8's baseline
    // compiler, after loading the built-ins an HTTPS request needs (a flag changed at run time
    // costs every built-in loaded later Node's compile cache); see lib/cli/bin.ts. The saved-token
    // path of lcs token leaves V8 alone.
    const refresh = await built(['lcs', 'refresh'], { node: ['-r', FLAGS, BIN] });
    assert.equal(refresh.code, 0, refresh.stderr);
    assert.match(refresh.stdout, /^Bearer eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const refreshed = v8Report(refresh.stderr);
    assert.deepEqual(refreshed.flags, [`--wasm-tiering-budget=${2 ** 31 - 1}`]);
    const https = ['net', 'tls', 'http', 'http2', 'crypto', 'stream', 'diagnostics_channel'];
    assert.deepEqual(refreshed.after.filter((name) => https.includes(name)), []);
    // the transport times a request without the global `performance` (which loads perf_hooks)
    assert.equal(refreshed.perfHooks, 'false');
    const saved = await built(['lcs', 'token'], { node: ['-r', FLAGS, BIN] });
    assert.equal(saved.stdout, refresh.stdout);
    assert.deepEqual(v8Report(saved.stderr).flags, []);
    // and the flag takes effect: with V8's compile trace on (it prints to stdout), the two requests
    // of `lcs login` compile undici's parser with the baseline compiler only (without the flag the
    // optimising compiler recompiles its hot function by the second response on Node 20 to 24)
    const traced = await built(['lcs', 'login', '--username', demo.user.username, '--password-stdin', '--client-id', demo.publicClient.clientId, '--no-save'], {
      node: ['--trace-wasm-compilation-times', BIN],
      stdin: `${demo.user.password}\n`,
    });
    assert.equal(traced.code, 0, traced.stderr);
    const compilers = [...traced.stdout.matchAll(/^Compiled function \S+ using (\w+),/gm)].map((match) => match[1]);
    assert.ok(compilers.length > 0, `no WebAssembly compile in the trace:\n${traced.stdout}`);
    assert.deepEqual([...new Set(compilers)], ['Liftoff']);
  });

  it('odata login, which idles while a person signs in, keeps V8 from running its memory reducer\'s full collections', async () => {
    // About 8 s into an idle wait V8's memory reducer runs two full collections ("Mark-Compact
    // (reduce)" in its GC trace, printed to stdout) in a plain Node process that waited the same way;
    // the CLI turns off incremental marking for this command, which stops them (lib/cli/bin.ts).
    // Both wait 11 s on a device code nobody approves (the emulator's interval is 5 s).
    const demo = lib.EMULATOR_DEMO;
    const waitSeconds = 11;
    const script = `
      const lib = await import(${JSON.stringify(pathToFileURL(INDEX).href)});
      const options = { authorityHost: process.env.URL, tenant: process.env.TENANT, clientId: '${demo.firstPartyPublicClientId}', resource: 'https://contoso.operations.dynamics.com' };
      const code = await lib.requestDeviceCode(options);
      await lib.pollDeviceCode(code, { ...options, timeoutSeconds: ${waitSeconds} }).catch((error) => process.stderr.write(error.code));`;
    const env = { URL: emu.url, TENANT: demo.tenantDomain };
    const plain = runCli([], { node: ['--trace-gc', '--input-type=module', '-e', script], env });
    const cli = runCli(['odata', 'login', '--tenant', demo.tenantDomain, '--url', 'https://contoso.operations.dynamics.com', '--timeout', String(waitSeconds), '--no-browser', '--no-clipboard'], {
      node: ['--trace-gc', '-r', FLAGS, BIN],
      env: { D365FO_AUTH_CONFIG: join(dir, 'idle-wait.json'), D365FO_AUTHORITY_HOST: emu.url },
    });
    const [control, login] = await Promise.all([plain, cli]);
    const reducerCollections = (trace: string) => trace.match(/Mark-Compact \(reduce\)/g)?.length ?? 0;
    assert.equal(control.stderr, 'ERR_DEVICE_CODE_TIMEOUT');
    assert.equal(login.code, 3, login.stderr);
    assert.match(login.stderr, /within 11 s/);
    assert.deepEqual(v8Report(login.stderr).flags, [`--wasm-tiering-budget=${2 ** 31 - 1}`, '--no-incremental-marking']);
    assert.equal(reducerCollections(login.stdout), 0, login.stdout);
    // the window is long enough: the plain process ran them (Node 24's V8 does not start the reducer
    // for a heap this small, so there the control has nothing to show)
    if (Number(process.versions.node.split('.')[0]) < 24) assert.ok(reducerCollections(control.stdout) > 0, control.stdout);
  });

  it('the built CLI starts the emulator from its own file', async () => {
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
