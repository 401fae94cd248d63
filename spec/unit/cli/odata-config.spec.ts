// odata config add / set / use through main() on a temporary config file: a secret is saved only
// with --client-secret-stdin (never from D365FO_CLIENT_SECRET), `use` prints the stored name,
// `set` edits an existing config keeping its name's case, unknown names get the nearest one.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runMain } from '../../support/cli.js';

const TENANT = 'contoso.onmicrosoft.com';
const URL_A = 'https://contoso.operations.dynamics.com';
const URL_B = 'https://contoso-test.sandbox.operations.dynamics.com';
const CLIENT = '7b1e2d3c-4a5f-4e6d-9c8b-0a1f2e3d4c5b';
const ENV_SECRET = 'env-secret-value-Zq7';
const STDIN_SECRET = 'stdin-secret-value-Wk3';

describe('odata config add / set / use', () => {
  let dir: string;
  let file: string;
  const cli = (argv: string[], options: { env?: Record<string, string>; stdin?: string } = {}) =>
    runMain(argv, { env: { D365FO_AUTH_CONFIG: file, ...options.env }, ...(options.stdin === undefined ? {} : { stdin: options.stdin }) });
  const list = async () => JSON.parse((await cli(['odata', 'config', 'list'])).stdout) as { name: string; url: string; systemUrl: string; tenant: string; clientId?: string; hasClientSecret: boolean; active: boolean }[];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-odata-config-'));
    file = join(dir, 'config.json');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('add does not save D365FO_CLIENT_SECRET from the environment, and says so', async () => {
    const r = await cli(['odata', 'config', 'add', 'Dev', '--tenant', TENANT, '--url', URL_A, '--client-id', CLIENT], { env: { D365FO_CLIENT_SECRET: ENV_SECRET } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `Saved OData config "Dev" in ${file}.\nnote: D365FO_CLIENT_SECRET is set but was not saved; a secret is saved only with --client-secret-stdin.\n`);
    assert.equal((await list())[0]!.hasClientSecret, false);
    assert.ok(!readFileSync(file, 'utf8').includes(ENV_SECRET));
  });

  it('add saves a secret given with --client-secret-stdin (and not the one in the environment)', async () => {
    const r = await cli(['odata', 'config', 'add', 'Build', '--tenant', TENANT, '--url', URL_A, '--client-id', CLIENT, '--client-secret-stdin'], {
      env: { D365FO_CLIENT_SECRET: ENV_SECRET },
      stdin: `${STDIN_SECRET}\n`,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `Saved OData config "Build" in ${file}.\n`);
    assert.equal((await list()).find((c) => c.name === 'Build')!.hasClientSecret, true);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.includes(STDIN_SECRET) && !text.includes(ENV_SECRET));
  });

  it('add of an existing name says --force', async () => {
    const r = await cli(['odata', 'config', 'add', 'DEV', '--tenant', TENANT, '--url', URL_A]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: An OData config named "Dev" already exists; pass --force to overwrite it\.\n$/);
  });

  it('use prints the stored name, not what was typed', async () => {
    const r = await cli(['odata', 'config', 'use', 'build']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'Active OData config: Build.\n');
    assert.equal((await list()).find((c) => c.active)!.name, 'Build');
  });

  it('an unknown name is refused with the nearest one', async () => {
    const r = await cli(['odata', 'config', 'use', 'dve']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'error: there is no OData config named "dve".\ndid you mean "Dev"?\n');
    const far = await cli(['odata', 'config', 'show', 'production']);
    assert.equal(far.code, 2);
    assert.equal(far.stderr, 'error: there is no OData config named "production".\nThe saved configs: Dev, Build.\n');
  });

  it('set changes the given values only, keeps the stored name and the secret; the system URL follows the URL', async () => {
    const r = await cli(['odata', 'config', 'set', 'build', '--url', URL_B]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `Updated OData config "Build" in ${file}.\n`);
    const build = (await list()).find((c) => c.name === 'Build')!;
    assert.deepEqual(
      { url: build.url, systemUrl: build.systemUrl, tenant: build.tenant, clientId: build.clientId, hasClientSecret: build.hasClientSecret, active: build.active },
      { url: URL_B, systemUrl: URL_B, tenant: TENANT, clientId: CLIENT, hasClientSecret: true, active: true },
    );
    assert.ok(readFileSync(file, 'utf8').includes(STDIN_SECRET), 'the saved secret is kept');
    const system = await cli(['odata', 'config', 'set', 'Build', '--system-url', URL_A]);
    assert.equal(system.code, 0, system.stderr);
    const again = (await list()).find((c) => c.name === 'Build')!;
    assert.equal(again.url, URL_B);
    assert.equal(again.systemUrl, URL_A);
  });

  it('set replaces the secret only with --client-secret-stdin', async () => {
    const ignored = await cli(['odata', 'config', 'set', 'Dev', '--tenant', 'fabrikam.onmicrosoft.com'], { env: { D365FO_CLIENT_SECRET: ENV_SECRET } });
    assert.equal(ignored.code, 0, ignored.stderr);
    assert.equal((await list()).find((c) => c.name === 'Dev')!.hasClientSecret, false);
    const given = await cli(['odata', 'config', 'set', 'Dev', '--client-secret-stdin'], { stdin: 'new-secret-Pp1' });
    assert.equal(given.code, 0, given.stderr);
    assert.equal((await list()).find((c) => c.name === 'Dev')!.hasClientSecret, true);
  });

  it('set needs a change and an existing name', async () => {
    const nothing = await cli(['odata', 'config', 'set', 'Dev']);
    assert.equal(nothing.code, 2);
    assert.equal(nothing.stderr, 'error: "odata config set" needs at least one of --tenant, --url, --system-url, --client-id, --public-client, --no-public-client, --client-secret-stdin, --certificate-file, --key-file, --x5c, --remove-credential.\nRun "d365fo-auth help odata config set" for its options.\n');
    const unknown = await cli(['odata', 'config', 'set', 'Buidl', '--url', URL_A]);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stdout, '');
    assert.equal(unknown.stderr, 'error: there is no OData config named "Buidl".\ndid you mean "Build"?\n');
  });
});
