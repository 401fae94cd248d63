// The CLI's --session-store (a Redis session store shared by machines), with a real redis-server and
// the emulator, the CLI as child processes each with its own config file: a pipeline seeds the
// session from a refresh token, five "machines" run `lcs token` on the expiring session and the
// authority sees one refresh; a missing key or an unreachable Redis is a clear error, nothing sent.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EMULATOR_DEMO, createRedisSessionStore, passwordGrant, startEmulator, type EmulatorHandle } from '../../lib/index.js';
import { plainSession } from '../../lib/session/records.js';
import { runCli } from '../support/cli.js';
import { connectClient, keysHoldingSecrets, type Client } from '../support/redis-client.js';
import { freePort, startRedisServer, type RedisServer } from '../support/redis-server.js';

const KEY = Buffer.alloc(32, 0x5a).toString('base64');
const CLIENT = EMULATOR_DEMO.publicClient.clientId;

describe('d365fo-auth --session-store redis://… (child processes, real Redis)', { timeout: 120_000 }, () => {
  let server: RedisServer;
  let emu: EmulatorHandle;
  let client: Client;
  let dir: string;
  const refreshes = () => emu.requests.filter((r) => r.form['grant_type'] === 'refresh_token').length;

  before(async () => {
    server = await startRedisServer();
    emu = await startEmulator();
    client = await connectClient(server.url);
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-cli-redis-'));
  });
  after(async () => {
    client.destroy();
    await emu.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const machine = (n: number, argv: string[], options: { stdin?: string; env?: Record<string, string> } = {}) =>
    runCli(argv, {
      ...options,
      env: { D365FO_AUTH_CONFIG: join(dir, `machine-${n}.json`), D365FO_AUTHORITY_HOST: emu.url, D365FO_SESSION_STORE: server.url, D365FO_SESSION_KEY: KEY, ...options.env },
    });

  it('a pipeline seeds the session from a refresh token; five machines share it and refresh it once', async () => {
    const start = await passwordGrant({ authorityHost: emu.url, clientId: CLIENT, username: EMULATOR_DEMO.user.username, password: EMULATOR_DEMO.user.password, resource: 'https://lcsapi.lcs.dynamics.com' });
    const seeded = await machine(0, ['lcs', 'login', '--refresh-token-stdin', '--client-id', CLIENT], { stdin: `${start.refreshToken}\n` });
    assert.equal(seeded.code, 0, seeded.stderr);
    assert.match(seeded.stderr, /session saved in redis:\/\/127\.0\.0\.1:\d+ \(keys d365fo-auth:\*\)/);
    assert.equal(existsSync(join(dir, 'machine-0.json')) && JSON.parse(readFileSync(join(dir, 'machine-0.json'), 'utf8')).lcs?.refreshToken !== undefined, false, 'not in the config file');
    // the session nears its expiry
    const store = createRedisSessionStore({ client, encryptionKey: KEY });
    await store.updateSession('lcs', async (current) => ({ session: { ...plainSession(current!), expiresAt: Date.now() + 60_000 }, result: undefined }));
    const before = refreshes();
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => machine(n, ['lcs', 'token', '--json'])));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    assert.equal(refreshes() - before, 1);
    assert.equal(new Set(results.map((r) => (JSON.parse(r.stdout) as { accessToken: string }).accessToken)).size, 1);
    const saved = await store.readSession('lcs');
    assert.deepEqual(await keysHoldingSecrets(client, [saved?.accessToken, saved?.refreshToken, start.refreshToken]), []);
    // doctor on a machine with no session of its own describes the shared one, no secret shown
    const doctor = await machine(9, ['doctor', '--lcs']);
    assert.equal(doctor.code, 0, doctor.stdout);
    assert.match(doctor.stdout, /^\[ok\] +session store +redis:\/\/127\.0\.0\.1:\d+ \(keys d365fo-auth:\*\): reachable$/m);
    assert.match(doctor.stdout, new RegExp(`^\\[ok\\] +lcs session +signed in at .*; client id ${CLIENT}; access token valid until .*; a refresh token is saved$`, 'm'));
    for (const secret of [saved?.accessToken, saved?.refreshToken]) assert.ok(!doctor.stdout.includes(String(secret)));
    // one machine signs the fleet out: the shared tokens go, the settings stay; the others must sign in again
    const out = await machine(8, ['lcs', 'logout']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /^Signed out: the LCS tokens are removed from redis:\/\/127\.0\.0\.1:\d+ \(keys d365fo-auth:\*\)/);
    const left = await store.readSession('lcs');
    assert.equal(left?.refreshToken, undefined);
    assert.equal(left?.accessToken, undefined);
    assert.equal(left?.clientId, CLIENT);
    const after = await machine(1, ['lcs', 'token']);
    assert.equal(after.code, 4, after.stderr);
    assert.equal(after.stdout, '');
  });

  it('no D365FO_SESSION_KEY: a usage error saying how to make one, nothing sent', async () => {
    const before = emu.requests.length;
    const r = await machine(6, ['lcs', 'token'], { env: { D365FO_SESSION_KEY: '' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: --session-store needs the encryption key in D365FO_SESSION_KEY \(32 random bytes, base64: `openssl rand -base64 32`\)/);
    assert.equal(emu.requests.length, before);
  });

  it('an unreachable Redis: a session-store error with what to check (exit 4), nothing sent', async () => {
    const before = emu.requests.length;
    const r = await machine(7, ['lcs', 'token'], { env: { D365FO_SESSION_STORE: `redis://127.0.0.1:${await freePort()}` } });
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /^error: Could not connect to the session store redis:\/\/127\.0\.0\.1:\d+ within 5 s\.\nwhat to do: Check the address/);
    assert.equal(emu.requests.length, before);
    // doctor says the same as a failed check, with what to do
    const doctor = await machine(7, ['doctor', '--lcs'], { env: { D365FO_SESSION_STORE: `redis://127.0.0.1:${await freePort()}` } });
    assert.equal(doctor.code, 1, doctor.stdout);
    assert.match(doctor.stdout, /^\[FAIL\] +session store +Could not connect to the session store redis:\/\/127\.0\.0\.1:\d+ within 5 s\.\n +what to do: Check the address/m);
  });
});
