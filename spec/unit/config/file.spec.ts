import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openConfigStore } from '../../../lib/config/store.js';
import { ConfigError } from '../../../lib/errors.js';
import { makeToken } from '../../support/tokens.js';
import { tempDirs } from '../../support/config-tmp.js';
import { configFile } from '../../support/config-file.js';

const dirs = tempDirs();
after(() => dirs.cleanup());
const posix = process.platform !== 'win32';

const HOW_TO_FIX = 'Move it aside (e.g. rename it to config.json.bak) or fix it by hand; it is never overwritten while it is invalid.';

function isConfigError(code: 'ERR_CONFIG' | 'ERR_CONFIG_IO', message: string, file: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.message, message);
    assert.equal(error.path, file);
    return true;
  };
}

describe('config file', () => {
  it('creates the folder 0700 and the file 0600, and makes an existing file 0600 on write', { skip: !posix }, async () => {
    const root = await dirs.make();
    const file = path.join(root, 'nested', 'd365fo-auth', 'config.json');
    const store = openConfigStore({ path: file });
    await store.lcs.set({ projectId: 1 });
    assert.equal((await stat(path.dirname(file))).mode & 0o777, 0o700);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    await chmod(file, 0o644);
    await store.lcs.set({ projectId: 2 });
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  it('writes version 1 JSON and keeps keys it does not know', async () => {
    const file = path.join(await dirs.make(), 'config.json');
    await writeFile(file, JSON.stringify({ version: 1, future: { a: 1 }, lcs: { futureLcs: true }, odata: { configs: { A: { tenant: 'common', url: 'https://a.example', extra: 'x' } }, more: [1] } }));
    const store = openConfigStore({ path: file });
    await store.lcs.set({ projectId: 3 });
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), {
      version: 1,
      future: { a: 1 },
      lcs: { futureLcs: true, projectId: 3 },
      odata: { configs: { A: { tenant: 'common', url: 'https://a.example', extra: 'x' } }, more: [1] },
    });
  });

  it('treats a missing or blank file as empty', async () => {
    const dir = await dirs.make();
    assert.deepEqual(await configFile(path.join(dir, 'none.json')).read(), { version: 1, lcs: {}, odata: { configs: {} } });
    await writeFile(path.join(dir, 'blank.json'), '\n');
    assert.deepEqual(await configFile(path.join(dir, 'blank.json')).read(), { version: 1, lcs: {}, odata: { configs: {} } });
  });

  describe('a corrupt file', () => {
    const corrupt: [string, string, (file: string) => string][] = [
      ['bad JSON', '{"lcs": {"refreshToken": "rt-SECRET-in-file"', (file) => `The config file ${file} is not valid JSON. ${HOW_TO_FIX}`],
      ['an array', '[1, 2]', (file) => `The config file ${file} is invalid: the top level should be an object. ${HOW_TO_FIX}`],
      [
        'a mistyped field',
        '{"version": 1, "lcs": {"projectId": "abc", "refreshToken": "rt-SECRET-in-file"}}',
        (file) => `The config file ${file} is invalid: lcs.projectId should be number. ${HOW_TO_FIX}`,
      ],
      [
        'an OData config without url',
        '{"odata": {"configs": {"x": {"tenant": "common"}}}}',
        (file) => `The config file ${file} is invalid: odata.configs.x.url is missing. ${HOW_TO_FIX}`,
      ],
      [
        'an array for a section',
        '{"lcs": []}',
        (file) => `The config file ${file} is invalid: lcs should be an object. ${HOW_TO_FIX}`,
      ],
      [
        'null for an OData config',
        '{"odata": {"configs": {"x": null}}}',
        (file) => `The config file ${file} is invalid: odata.configs.x should be an object. ${HOW_TO_FIX}`,
      ],
    ];
    for (const [what, content, message] of corrupt) {
      it(`with ${what} is reported with its path and never overwritten`, async () => {
        const file = path.join(await dirs.make(), 'config.json');
        await writeFile(file, content);
        const store = openConfigStore({ path: file });
        await assert.rejects(configFile(store.path).read(), isConfigError('ERR_CONFIG', message(file), file));
        await assert.rejects(store.lcs.get(), isConfigError('ERR_CONFIG', message(file), file));
        await assert.rejects(store.lcs.set({ projectId: 1 }), isConfigError('ERR_CONFIG', message(file), file));
        await assert.rejects(store.odata.add('a', { tenant: 'common', url: 'https://a.example' }), isConfigError('ERR_CONFIG', message(file), file));
        let called = false;
        await assert.rejects(configFile(store.path).update(() => (called = true)), isConfigError('ERR_CONFIG', message(file), file));
        assert.equal(called, false);
        assert.equal(await readFile(file, 'utf8'), content);
        await assert.rejects(configFile(store.path).read(), (error: Error) => !error.message.includes('SECRET'));
      });
    }

    it('from a newer version is refused', async () => {
      const file = path.join(await dirs.make(), 'config.json');
      await writeFile(file, '{"version": 2}');
      await assert.rejects(
        openConfigStore({ path: file }).lcs.set({ projectId: 1 }),
        isConfigError(
          'ERR_CONFIG',
          `The config file ${file} has format version 2, written by a newer d365fo-auth; this version understands format 1. Upgrade d365fo-auth or use another file.`,
          file,
        ),
      );
      assert.equal(await readFile(file, 'utf8'), '{"version": 2}');
    });
  });

  it('reports an unreadable path as ERR_CONFIG_IO naming the file', async () => {
    const file = path.join(await dirs.make(), 'config.json');
    await mkdir(file);
    const store = openConfigStore({ path: file });
    await assert.rejects(configFile(store.path).read(), isConfigError('ERR_CONFIG_IO', `Cannot read the config file ${file} (EISDIR).`, file));
  });

  it('show() replaces every secret with [redacted]', async () => {
    const store = openConfigStore({ path: path.join(await dirs.make(), 'config.json') });
    const secrets = ['access-token-SECRET-1', 'refresh-token-SECRET-2', 'client-secret-SECRET-3', 'temp-secret-SECRET-4'];
    await store.lcs.set(makeToken({ token_type: 'Bearer', access_token: secrets[0]!, refresh_token: secrets[1]!, expires_in: 3599, resource: 'https://lcsapi.lcs.dynamics.com' }, 1_700_000_000_000));
    await store.lcs.set({ projectId: 12 });
    await store.odata.add('Prod', { tenant: 'common', url: 'https://prod.example', clientId: '1950a258-227b-4e31-a9cf-717495945fc2', clientSecret: secrets[2]! });
    await store.odata.add('tmp', { tenant: 'common', url: 'https://tmp.example', clientId: '1950a258-227b-4e31-a9cf-717495945fc2', clientSecret: secrets[3]! }, { temporary: true });
    const shown = await store.show();
    const json = JSON.stringify(shown);
    for (const secret of secrets) assert.equal(json.includes(secret), false, secret);
    const lcs = shown['lcs'] as Record<string, unknown>;
    assert.equal(lcs['bearerToken'], '[redacted]');
    assert.equal(lcs['refreshToken'], '[redacted]');
    assert.equal(lcs['projectId'], 12);
    assert.deepEqual(shown['odata'], {
      configs: { Prod: { tenant: 'common', url: 'https://prod.example', systemUrl: 'https://prod.example', clientId: '1950a258-227b-4e31-a9cf-717495945fc2', clientSecret: '[redacted]' } },
      active: 'Prod',
    });
  });
});

describe('configFile(store.path).update()', () => {
  it('resolves to what fn returns and writes only when the draft changed', async () => {
    const file = path.join(await dirs.make(), 'config.json');
    const store = openConfigStore({ path: file });
    assert.equal(await configFile(store.path).update(() => 'nothing'), 'nothing');
    await assert.rejects(stat(file), { code: 'ENOENT' });
    assert.equal(
      await configFile(store.path).update(async (draft) => {
        draft.lcs.projectId = 5;
        return 'changed';
      }),
      'changed',
    );
    const before = await stat(file);
    await configFile(store.path).update((draft) => draft.lcs.projectId);
    assert.equal((await stat(file)).mtimeMs, before.mtimeMs);
  });

  it('refuses to write a draft of the wrong shape and leaves the file alone', async () => {
    const file = path.join(await dirs.make(), 'config.json');
    const store = openConfigStore({ path: file });
    await store.lcs.set({ projectId: 5 });
    const content = await readFile(file, 'utf8');
    await assert.rejects(
      configFile(store.path).update((draft) => {
        (draft.lcs as Record<string, unknown>)['projectId'] = 'five';
      }),
      isConfigError('ERR_CONFIG', `Refusing to write an invalid config to ${file}: lcs.projectId should be number.`, file),
    );
    assert.equal(await readFile(file, 'utf8'), content);
  });

  it('loses nothing when many updates of one process overlap', async () => {
    const file = path.join(await dirs.make(), 'config.json');
    const stores = [openConfigStore({ path: file }), openConfigStore({ path: file })];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? stores[i % 2]!.odata.add(`c${i}`, { tenant: 'common', url: `https://c${i}.example` })
          : configFile(stores[i % 2]!.path).update((draft) => {
              draft['n'] = (typeof draft['n'] === 'number' ? draft['n'] : 0) + 1;
            }),
      ),
    );
    const saved = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(Object.keys(saved.odata.configs).length, 20);
    assert.equal(saved.n, 20);
    assert.deepEqual((await readdir(path.dirname(file))).sort(), ['config.json']);
  });
});
