// The token provider over a saved session, against the emulator: cached while valid, one refresh for
// 200 concurrent callers and for processes sharing the config file (also when the authority is
// slow), the authority the session signed in with used for its refreshes, a refused refresh token
// remembered (no request again), nothing sent when the store cannot be written, and OData sessions.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  EMULATOR_DEMO,
  createTokenProvider,
  getLcsApiToken,
  getODataTokenInteractive,
  openConfigStore,
  startEmulator,
  type ConfigStore,
  type EmulatorHandle,
} from '../../lib/index.js';
import { configFile } from '../support/config-file.js';

const WORKER = fileURLToPath(new URL('../support/provider-worker.ts', import.meta.url));
const FO_URL = 'https://contoso.operations.dynamics.com';

type Line = { expiresAt?: number; code?: string; message?: string };

/** Starts `processes` workers at the same instant; resolves to every line they printed. */
async function workers(path: string, processes: number, mode = 'token', count = 1, timeoutMs = 5000, uid?: number): Promise<Line[]> {
  const goAt = String(Date.now() + 2500);
  const run = () =>
    new Promise<Line[]>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', WORKER, path, goAt, mode, String(count), String(timeoutMs)], { stdio: ['ignore', 'pipe', 'pipe'], ...(uid === undefined ? {} : { uid, gid: uid }) });
      let out = '';
      let err = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (err += c));
      child.on('close', (code) => (code === 0 ? resolve(out.trim().split('\n').map((line) => JSON.parse(line) as Line)) : reject(new Error(`worker exited ${code}: ${err}`))));
    });
  return (await Promise.all(Array.from({ length: processes }, run))).flat();
}

describe('createTokenProvider() against the emulator', () => {
  let emu: EmulatorHandle;
  let dir: string;
  let store: ConfigStore;
  let path: string;
  const refreshes = (e: EmulatorHandle = emu) => e.requests.filter((r) => r.form['grant_type'] === 'refresh_token').length;

  before(async () => {
    emu = await startEmulator();
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-provider-'));
  });
  after(async () => {
    await emu.stop();
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    path = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
    store = openConfigStore({ path });
    await store.lcs.set({ clientId: EMULATOR_DEMO.publicClient.clientId });
    const token = await getLcsApiToken({ authorityHost: emu.url, store, username: EMULATOR_DEMO.user.username, password: EMULATOR_DEMO.user.password });
    await store.lcs.set(token);
  });

  async function expireSavedToken(file = path): Promise<void> {
    await configFile(file).update((draft) => {
      draft.lcs.activeTokenExpiresAt = Date.now() - 1000;
    });
  }

  it('saves the authority a session signed in with, and its refreshes go there without being told', async () => {
    assert.equal((await store.lcs.get()).authorityHost, emu.url);
    await expireSavedToken();
    const before = refreshes();
    // no authorityHost: the saved one (the emulator), not the public cloud
    const token = await createTokenProvider({ store }).getToken();
    assert.equal(refreshes() - before, 1);
    assert.equal(token.authorityHost, emu.url);
  });

  it('returns the saved token without any request while it is valid long enough', async () => {
    const before = emu.requests.length;
    const provider = createTokenProvider({ store });
    const saved = await store.lcs.getToken();
    const token = await provider.getToken();
    assert.equal(token.accessToken, saved!.accessToken);
    assert.match(await provider.getBearer(), /^Bearer ey/);
    assert.equal(emu.requests.length, before);
  });

  it('200 concurrent getToken() on an expired token → exactly one refresh, persisted with the new refresh token', async () => {
    await expireSavedToken();
    const provider = createTokenProvider({ store });
    const before = refreshes();
    const tokens = await Promise.all(Array.from({ length: 200 }, () => provider.getToken()));
    assert.equal(refreshes() - before, 1);
    assert.equal(new Set(tokens.map((t) => t.accessToken)).size, 1);
    const saved = await store.lcs.get();
    assert.equal(saved.bearerToken, tokens[0]!.accessToken);
    assert.equal(saved.refreshToken, tokens[0]!.refreshToken);
    await provider.getToken();
    assert.equal(refreshes() - before, 1);
  });

  it('minValiditySeconds larger than the remaining life forces a refresh', async () => {
    const before = refreshes();
    await createTokenProvider({ store }).getToken({ minValiditySeconds: 4000 });
    assert.equal(refreshes() - before, 1);
  });

  it('eight processes sharing the config file → one refresh, all with its token', async () => {
    await expireSavedToken();
    const before = refreshes();
    const lines = await workers(path, 8);
    assert.equal(refreshes() - before, 1);
    assert.equal(new Set(lines.map((line) => line.expiresAt)).size, 1, JSON.stringify(lines));
  });

  it('a slow authority (a refresh taking 12 s, longer than any fixed lock wait would): the other processes wait for its result', async () => {
    await expireSavedToken();
    emu.inject({ delayMs: 12_000, match: (r) => r.form['grant_type'] === 'refresh_token' }, 1);
    const before = refreshes();
    const lines = await workers(path, 3, 'token', 1, 20_000);
    assert.deepEqual(lines.filter((line) => line.code !== undefined), []);
    assert.equal(refreshes() - before, 1);
    assert.equal(new Set(lines.map((line) => line.expiresAt)).size, 1);
  });

  it('a throttled authority: every process reports the throttling itself, never a lock error', async () => {
    await expireSavedToken();
    // Retry-After longer than the workers' timeoutMs (5 s): not waited for, the 429 is the answer
    emu.inject({ status: 429, headers: { 'retry-after': '30' }, body: { error: 'temporarily_unavailable', error_description: 'AADSTS90055: throttled', error_codes: [90055] }, match: (r) => r.form['grant_type'] === 'refresh_token' }, 10);
    const lines = await workers(path, 3);
    emu.clearFaults();
    assert.deepEqual(lines.map((line) => line.code), ['ERR_OAUTH', 'ERR_OAUTH', 'ERR_OAUTH']);
    assert.ok(lines.every((line) => line.message?.includes('AADSTS90055')), JSON.stringify(lines));
  });

  it('ten concurrent refresh() calls from ten processes all succeed, each with a newest refresh token', async () => {
    const lines = await workers(path, 10, 'refresh');
    assert.deepEqual(lines.filter((line) => line.code !== undefined), []);
    assert.equal(lines.length, 10);
  });

  it('a refused refresh token is remembered: 4 processes × 5 calls after invalid_grant send one request, and all hear "sign in again"', async () => {
    await expireSavedToken();
    emu.revokeRefreshTokens();
    const before = refreshes();
    const lines = await workers(path, 4, 'token', 5);
    assert.equal(lines.length, 20);
    assert.ok(lines.every((line) => line.code === 'ERR_SIGN_IN_REQUIRED'), JSON.stringify(lines));
    assert.equal(refreshes() - before, 1);
    assert.equal((await store.readSession('lcs'))?.refreshRefused?.aadsts, 'AADSTS70008');
    // a new sign-in (a new refresh token) clears it
    await store.lcs.set(await getLcsApiToken({ authorityHost: emu.url, store, username: EMULATOR_DEMO.user.username, password: EMULATOR_DEMO.user.password }));
    await expireSavedToken();
    await createTokenProvider({ store }).getToken();
    assert.equal(refreshes() - before, 2);
  });

  it('an unwritable config folder: a config error naming the folder, and no request sent', { skip: process.platform === 'win32' }, async () => {
    const locked = join(dir, `locked-${Math.random().toString(36).slice(2)}`);
    mkdirSync(locked, { mode: 0o700 });
    const file = join(locked, 'config.json');
    const own = openConfigStore({ path: file });
    await own.lcs.set({ clientId: EMULATOR_DEMO.publicClient.clientId });
    await own.lcs.set(await getLcsApiToken({ authorityHost: emu.url, store: own, username: EMULATOR_DEMO.user.username, password: EMULATOR_DEMO.user.password }));
    await expireSavedToken(file);
    // root may write anywhere: then the worker runs as nobody, who owns the folder but cannot write to it
    const uid = process.getuid?.() === 0 ? 65534 : undefined;
    if (uid !== undefined) {
      chownSync(locked, uid, uid);
      chownSync(file, uid, uid);
      chmodSync(dir, 0o711);
    }
    chmodSync(locked, 0o500);
    try {
      const before = refreshes();
      const lines = await workers(file, 1, 'token', 1, 5000, uid);
      assert.equal(lines[0]?.code, 'ERR_CONFIG_IO', JSON.stringify(lines));
      assert.ok(lines[0]?.message?.includes(locked), lines[0]?.message);
      assert.match(lines[0]!.message!, /nothing was sent/);
      assert.equal(refreshes() - before, 0);
    } finally {
      chmodSync(locked, 0o700);
      chmodSync(dir, 0o700);
    }
  });

  it('no saved session is a config error telling to sign in', async () => {
    const empty = openConfigStore({ path: join(dir, 'empty.json') });
    await assert.rejects(createTokenProvider({ store: empty }).getToken(), {
      code: 'ERR_CONFIG',
      message: `No session to refresh is saved in ${empty.path}: sign in first with \`d365fo-auth lcs login\`.`,
    });
  });

  it('OData: an app config re-acquires client credentials once; a signed-in user is refreshed with the public client', async () => {
    const auto = await startEmulator({ autoApproveDeviceCodeAfterSeconds: 0.5, deviceCodeIntervalSeconds: 1 });
    try {
      const file = join(dir, `odata-${Math.random().toString(36).slice(2)}.json`);
      const odata = openConfigStore({ path: file });
      const conf = EMULATOR_DEMO.confidentialClient;
      await odata.odata.add('App', { tenant: auto.tenantDomain, url: FO_URL, clientId: conf.clientId, clientSecret: conf.secret, authorityHost: auto.url });
      await odata.odata.add('Person', { tenant: auto.tenantDomain, url: FO_URL, authorityHost: auto.url });
      const app = createTokenProvider({ store: odata, session: { odata: 'app' } });
      const tokens = await Promise.all(Array.from({ length: 20 }, () => app.getToken()));
      assert.equal(new Set(tokens.map((t) => t.accessToken)).size, 1);
      assert.equal(auto.requests.filter((r) => r.form['grant_type'] === 'client_credentials').length, 1);
      // a second provider (another process) takes the saved app token
      await createTokenProvider({ store: odata, session: { odata: 'APP' } }).getToken();
      assert.equal(auto.requests.filter((r) => r.form['grant_type'] === 'client_credentials').length, 1);

      const person = createTokenProvider({ store: odata, session: { odata: 'Person' } });
      await assert.rejects(person.getToken(), { code: 'ERR_CONFIG' });
      const signedIn = await person.signIn(() => getODataTokenInteractive({ store: odata, authorityHost: auto.url, tenant: auto.tenantDomain, url: FO_URL, timeoutSeconds: 20 }), {
        clientId: EMULATOR_DEMO.firstPartyPublicClientId,
      });
      assert.ok(signedIn.refreshToken);
      assert.equal((await odata.odata.list()).find((c) => c.name === 'Person')?.hasSession, true);
      const before = refreshes(auto);
      await person.getToken({ minValiditySeconds: 4000 });
      assert.equal(refreshes(auto) - before, 1);
      const refresh = auto.requests.filter((r) => r.form['grant_type'] === 'refresh_token').at(-1)!;
      assert.equal(refresh.form['client_id'], EMULATOR_DEMO.firstPartyPublicClientId);
      await odata.odata.clearSession('person');
      assert.equal((await odata.odata.list()).find((c) => c.name === 'Person')?.hasSession, false);
    } finally {
      await auto.stop();
    }
  });
});
