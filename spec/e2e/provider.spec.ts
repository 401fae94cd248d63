// The token provider over a saved LCS session, against the emulator: cached while valid, one
// refresh for 200 concurrent callers, one refresh for two processes sharing the config file,
// the newest refresh token persisted, and invalid_grant as "sign in again".
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  EMULATOR_DEMO,
  createTokenProvider,
  getLcsApiToken,
  openConfigStore,
  startEmulator,
  type ConfigStore,
  type EmulatorHandle,
} from '../../lib/index.js';

const WORKER = fileURLToPath(new URL('../support/provider-worker.ts', import.meta.url));

describe('createTokenProvider() against the emulator', () => {
  let emu: EmulatorHandle;
  let dir: string;
  let store: ConfigStore;
  let path: string;
  const refreshes = () => emu.requests.filter((r) => r.form['grant_type'] === 'refresh_token').length;

  before(async () => {
    emu = await startEmulator();
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-provider-'));
  });
  after(async () => {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    path = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
    store = openConfigStore({ path });
    await store.lcs.set({ clientId: EMULATOR_DEMO.publicClient.clientId });
    const token = await getLcsApiToken({
      authorityHost: emu.url,
      store,
      username: EMULATOR_DEMO.user.username,
      password: EMULATOR_DEMO.user.password,
    });
    await store.lcs.set(token);
  });

  async function expireSavedToken(): Promise<void> {
    await store.update((draft) => {
      draft.lcs.activeTokenExpiresAt = Date.now() - 1000;
    });
  }

  it('returns the saved token without any request while it is valid long enough', async () => {
    const before = emu.requests.length;
    const provider = createTokenProvider({ store, authorityHost: emu.url });
    const saved = await store.lcs.getToken();
    const token = await provider.getToken();
    assert.equal(token.accessToken, saved!.accessToken);
    assert.match(await provider.getBearer(), /^Bearer ey/);
    assert.equal(emu.requests.length, before);
  });

  it('200 concurrent getToken() on an expired token → exactly one refresh, persisted with the new refresh token', async () => {
    await expireSavedToken();
    const oldRefresh = (await store.lcs.get()).refreshToken;
    const provider = createTokenProvider({ store, authorityHost: emu.url });
    const before = refreshes();
    const tokens = await Promise.all(Array.from({ length: 200 }, () => provider.getToken()));
    assert.equal(refreshes() - before, 1);
    assert.equal(new Set(tokens.map((t) => t.accessToken)).size, 1);
    const saved = await store.lcs.get();
    assert.equal(saved.bearerToken, tokens[0]!.accessToken);
    assert.notEqual(saved.refreshToken, oldRefresh);
    assert.equal(saved.refreshToken, tokens[0]!.refreshToken);
    // and it is served from memory afterwards
    await provider.getToken();
    assert.equal(refreshes() - before, 1);
  });

  it('minValiditySeconds larger than the remaining life forces a refresh', async () => {
    const provider = createTokenProvider({ store, authorityHost: emu.url });
    const before = refreshes();
    await provider.getToken({ minValiditySeconds: 4000 });
    assert.equal(refreshes() - before, 1);
  });

  it('two processes sharing the config file → one refresh', async () => {
    await expireSavedToken();
    const before = refreshes();
    const goAt = String(Date.now() + 1500);
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', WORKER, path, emu.url, goAt], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (c) => (out += c));
        child.stderr.on('data', (c) => (err += c));
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`worker exited ${code}: ${err}`))));
      });
    const [a, b] = await Promise.all([run(), run()]);
    assert.equal(refreshes() - before, 1);
    assert.equal(JSON.parse(a).expiresAt, JSON.parse(b).expiresAt, 'the second process used the first one\'s token');
  });

  it('a revoked refresh token is a "sign in again" error with the AADSTS remedy', async () => {
    await expireSavedToken();
    emu.revokeRefreshTokens();
    const provider = createTokenProvider({ store, authorityHost: emu.url });
    await assert.rejects(provider.getToken(), (error: Record<string, unknown>) => {
      assert.equal(error.code, 'ERR_SIGN_IN_REQUIRED');
      assert.equal(error.aadsts, 'AADSTS70008');
      assert.match(String(error.remedy), /sign in again/);
      return true;
    });
  });

  it('no saved session is a config error telling to sign in', async () => {
    const empty = openConfigStore({ path: join(dir, 'empty.json') });
    await assert.rejects(createTokenProvider({ store: empty, authorityHost: emu.url }).getToken(), {
      code: 'ERR_CONFIG',
      message: `No LCS session is saved in ${empty.path}: sign in first with \`d365fo-auth lcs login\`.`,
    });
  });
});
