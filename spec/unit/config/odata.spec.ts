import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openConfigStore } from '../../../lib/config/store.js';
import { InputError } from '../../../lib/errors.js';
import { tempDirs } from '../../support/config-tmp.js';
import { plain } from '../../support/tokens.js';

const dirs = tempDirs();
after(() => dirs.cleanup());

async function freshStore() {
  return openConfigStore({ path: path.join(await dirs.make(), 'config.json') });
}

const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const PROD = { tenant: 'contoso.onmicrosoft.com', url: 'https://prod.operations.dynamics.com/', clientId: CLIENT_ID, clientSecret: 'prod-secret-value' };
const TEST = { tenant: '72f988bf-86f1-41af-91ab-2d7cd011db47', url: 'https://test.sandbox.operations.dynamics.com', systemUrl: 'https://test-sys.sandbox.operations.dynamics.com//' };

function rejectsInput(promise: Promise<unknown>, message: string) {
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof InputError, String(error));
    assert.equal(error.code, message.includes('must use https') ? 'ERR_INSECURE_URL' : 'ERR_INVALID_INPUT');
    assert.equal(error.message, message);
    return true;
  });
}

describe('store.odata', () => {
  it('adds configs, trimming trailing slashes and defaulting systemUrl to url', async () => {
    const store = await freshStore();
    await store.odata.add('Prod', PROD);
    await store.odata.add('test', TEST);
    assert.deepEqual(plain(await store.odata.get('Prod')), {
      name: 'Prod',
      tenant: 'contoso.onmicrosoft.com',
      url: 'https://prod.operations.dynamics.com',
      systemUrl: 'https://prod.operations.dynamics.com',
      clientId: CLIENT_ID,
      clientSecret: 'prod-secret-value',
    });
    assert.deepEqual(plain(await store.odata.get('test')), {
      name: 'test',
      tenant: TEST.tenant,
      url: 'https://test.sandbox.operations.dynamics.com',
      systemUrl: 'https://test-sys.sandbox.operations.dynamics.com',
    });
    const file = JSON.parse(await readFile(store.path, 'utf8'));
    assert.deepEqual(Object.keys(file.odata.configs), ['Prod', 'test']);
  });

  it('lists configs without secrets, saying whether one is saved', async () => {
    const store = await freshStore();
    await store.odata.add('Prod', PROD);
    await store.odata.add('test', TEST);
    await store.odata.setActive('prod');
    const list = await store.odata.list();
    assert.deepEqual(list, [
      {
        name: 'Prod',
        tenant: 'contoso.onmicrosoft.com',
        url: 'https://prod.operations.dynamics.com',
        systemUrl: 'https://prod.operations.dynamics.com',
        clientId: CLIENT_ID,
        publicClient: false,
        hasClientSecret: true,
        hasSession: false,
        active: true,
        temporary: false,
      },
      {
        name: 'test',
        tenant: TEST.tenant,
        url: 'https://test.sandbox.operations.dynamics.com',
        systemUrl: 'https://test-sys.sandbox.operations.dynamics.com',
        publicClient: false,
        hasClientSecret: false,
        hasSession: false,
        active: false,
        temporary: false,
      },
    ]);
    assert.equal(JSON.stringify(list).includes('prod-secret-value'), false);
  });

  it('matches names case-insensitively and keeps them as given', async () => {
    const store = await freshStore();
    await store.odata.add('MyEnv', PROD);
    assert.equal((await store.odata.get('myenv'))?.name, 'MyEnv');
    assert.equal((await store.odata.get('MYENV'))?.name, 'MyEnv');
    assert.equal(await store.odata.get('other'), undefined);
    await rejectsInput(store.odata.add('MYENV', TEST), 'An OData config named "MyEnv" already exists; pass force to overwrite it.');
  });

  it('overwrites with force, under the new spelling, keeping it active', async () => {
    const store = await freshStore();
    await store.odata.add('MyEnv', PROD);
    await store.odata.setActive('MyEnv');
    await store.odata.add('MYENV', TEST, { force: true });
    const list = await store.odata.list();
    assert.deepEqual(list.map((c) => [c.name, c.url, c.active]), [['MYENV', 'https://test.sandbox.operations.dynamics.com', true]]);
    assert.equal((await store.odata.getActive())?.name, 'MYENV');
  });

  it('sets, reads and clears the active config', async () => {
    const store = await freshStore();
    assert.equal(await store.odata.getActive(), undefined);
    await store.odata.add('Prod', PROD);
    await store.odata.add('test', TEST);
    await store.odata.setActive('PROD');
    assert.equal((await store.odata.getActive())?.clientSecret, 'prod-secret-value');
    assert.equal(JSON.parse(await readFile(store.path, 'utf8')).odata.active, 'Prod');
    await store.odata.remove('test');
    assert.equal((await store.odata.getActive())?.name, 'Prod');
    await store.odata.remove('prod');
    assert.equal(await store.odata.getActive(), undefined);
    const file = JSON.parse(await readFile(store.path, 'utf8'));
    assert.deepEqual(file.odata, { configs: {} });
  });

  it('refuses an unknown name, listing the known ones', async () => {
    const store = await freshStore();
    await rejectsInput(store.odata.setActive('nope'), 'No OData config named "nope": none is saved. Add one first.');
    await store.odata.add('Prod', PROD);
    await store.odata.add('test', TEST);
    await rejectsInput(store.odata.setActive('nope'), 'No OData config named "nope". Known configs: Prod, test.');
    await rejectsInput(store.odata.remove('nope'), 'No OData config named "nope". Known configs: Prod, test.');
  });

  it('keeps temporary configs and a temporary active choice in this store only', async () => {
    const store = await freshStore();
    await store.odata.add('Prod', PROD);
    await store.odata.setActive('Prod');
    await store.odata.add('scratch', { ...TEST, clientId: CLIENT_ID, clientSecret: 'scratch-secret' }, { temporary: true });
    await store.odata.setActive('SCRATCH', { temporary: true });
    assert.equal((await store.odata.getActive())?.name, 'scratch');
    assert.deepEqual(
      (await store.odata.list()).map((c) => [c.name, c.active, c.temporary]),
      [['Prod', false, false], ['scratch', true, true]],
    );
    const text = await readFile(store.path, 'utf8');
    assert.equal(text.includes('scratch'), false);
    const other = openConfigStore({ path: store.path });
    assert.equal((await other.odata.getActive())?.name, 'Prod');
    assert.equal(await other.odata.get('scratch'), undefined);
    await rejectsInput(
      store.odata.setActive('scratch'),
      'The OData config "scratch" exists in this process only; make it active with temporary: true, or add it without temporary first.',
    );
    await rejectsInput(store.odata.add('Scratch', TEST, { temporary: true }), 'An OData config named "scratch" already exists; pass force to overwrite it.');
    await store.odata.remove('scratch');
    assert.equal(await store.odata.get('scratch'), undefined);
    assert.equal((await store.odata.getActive())?.name, 'Prod');
  });

  describe('rejects bad names and configs', () => {
    const cases: [string, string, Record<string, unknown>, string][] = [
      ['an empty name', '', PROD, 'An OData config name must not be empty.'],
      ['a blank name', '   ', PROD, 'An OData config name must not be empty.'],
      ['a name with *', 'prod*', PROD, 'The OData config name "prod*" must not contain "*".'],
      ['a lone *', '*', PROD, 'The OData config name "*" must not contain "*".'],
      [
        'a tenant with a path',
        'x',
        { ...PROD, tenant: 'contoso.com/oauth2?x=' },
        'OData config "x": tenant must be a tenant GUID, a domain such as contoso.onmicrosoft.com, or common/organizations; it may not contain \'/\', \'?\', \'#\', spaces or other URL characters.',
      ],
      ['a missing tenant', 'x', { url: PROD.url }, 'OData config "x": tenant is required: a tenant GUID or a domain such as contoso.onmicrosoft.com.'],
      [
        'an http url',
        'x',
        { ...PROD, url: 'http://prod.operations.dynamics.com' },
        'OData config "x": url must use https; plain http is only accepted for a loopback address (127.0.0.1, localhost, [::1]).',
      ],
      [
        'a url with credentials',
        'x',
        { ...PROD, url: 'https://user:pw@prod.operations.dynamics.com' },
        'OData config "x": url must not contain credentials.',
      ],
      [
        'a bad system url',
        'x',
        { ...PROD, systemUrl: 'not a url' },
        'OData config "x": systemUrl is not a valid URL; give one such as https://contoso.operations.dynamics.com.',
      ],
      ['a client id that is not a GUID', 'x', { ...PROD, clientId: 'abc' }, 'OData config "x": clientId must be a GUID like 00000000-0000-0000-0000-000000000000 (the application id of the app registration).'],
      ['an empty secret', 'x', { ...PROD, clientSecret: '' }, 'OData config "x": clientSecret is required.'],
    ];
    for (const [what, name, cfg, message] of cases) {
      it(`rejects ${what}`, async () => {
        const store = await freshStore();
        await rejectsInput(store.odata.add(name, cfg as never), message);
      });
    }

    it('accepts http on a loopback address (the emulator)', async () => {
      const store = await freshStore();
      await store.odata.add('local', { tenant: 'common', url: 'http://127.0.0.1:8080/' });
      assert.equal((await store.odata.get('local'))?.url, 'http://127.0.0.1:8080');
    });
  });
});
