// The config file's permissions are checked the way ssh checks its files: this user's own too-open
// file (and the tool's own folder) is fixed with a warning, foreign owners and folders others can
// write to are refused, and a symlinked config is written through to its target.
import assert from 'node:assert/strict';
import { chmod, chown, lstat, mkdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openConfigStore } from '../../../lib/config/store.js';
import { ConfigError } from '../../../lib/errors.js';
import { tempDirs } from '../../support/config-tmp.js';

const dirs = tempDirs();
after(() => dirs.cleanup());
const posix = process.platform !== 'win32';
const root = process.getuid?.() === 0;
const OTHER = 65534;

const CONFIG = JSON.stringify({ version: 1, odata: { configs: { Evil: { tenant: 'evil.onmicrosoft.com', url: 'https://evil.example.com' } }, active: 'Evil' } });

function refuses(message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.code, 'ERR_CONFIG');
    assert.match(error.message, message);
    return true;
  };
}

describe('config file permissions', { skip: !posix }, () => {
  it('a config file of this user open to others (0644) is read with a warning and made 0600', async () => {
    const file = path.join(await dirs.make(), 'config.json');
    await writeFile(file, '{"version":1,"lcs":{"projectId":5}}', { mode: 0o644 });
    await chmod(file, 0o644);
    const warnings: string[] = [];
    assert.equal((await openConfigStore({ path: file, onWarning: (w) => warnings.push(w) }).lcs.get()).projectId, 5);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(warnings, [`The config file ${file} was open to other users (mode 644); it holds secrets and is now 600.`]);
  });

  it('the tool\'s own folder open to others (0755) is made 0700 with a warning', async () => {
    const dir = path.join(await dirs.make(), 'd365fo-auth');
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    const warnings: string[] = [];
    await openConfigStore({ path: path.join(dir, 'config.json'), onWarning: (w) => warnings.push(w) }).lcs.get();
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.deepEqual(warnings, [`The config folder ${dir} was open to other users (mode 755); it is now 700.`]);
  });

  it('a folder other users can write to is refused (someone could have put an attacker\'s config there)', async () => {
    const dir = await dirs.make();
    await chmod(dir, 0o777);
    const file = path.join(dir, 'config.json');
    await writeFile(file, CONFIG, { mode: 0o600 });
    const store = openConfigStore({ path: file, onWarning: () => {} });
    await assert.rejects(store.odata.getActive(), refuses(/is writable by other users, who could replace the config; refusing to trust it\. Run `chmod go-w /));
    await assert.rejects(store.lcs.set({ projectId: 1 }), refuses(/writable by other users/));
    await chmod(dir, 0o700);
  });

  it('a sticky shared folder (like /tmp) is accepted: others cannot replace a file of this user there', async () => {
    const dir = await dirs.make();
    await chmod(dir, 0o1777);
    const file = path.join(dir, 'config.json');
    await openConfigStore({ path: file, onWarning: () => {} }).lcs.set({ projectId: 3 });
    assert.equal((await openConfigStore({ path: file }).lcs.get()).projectId, 3);
    assert.equal((await stat(dir)).mode & 0o7777, 0o1777, 'a shared folder is never changed');
    await chmod(dir, 0o700);
  });

  it('a config file or folder owned by another user is refused', { skip: !root && 'needs root to give a file to another user' }, async () => {
    const dir = await dirs.make();
    const file = path.join(dir, 'config.json');
    await writeFile(file, CONFIG, { mode: 0o600 });
    await chown(file, OTHER, OTHER);
    await assert.rejects(openConfigStore({ path: file }).odata.getActive(), refuses(new RegExp(`The config file ${file} belongs to another user \\(uid ${OTHER}\\); refusing to read it`)));
    await chown(file, 0, 0);
    await chown(dir, OTHER, OTHER);
    await assert.rejects(openConfigStore({ path: file }).odata.getActive(), refuses(/The config folder .* belongs to another user \(uid 65534\); refusing to trust it/));
    await chown(dir, 0, 0);
  });

  it('a symlinked config file is written through to its target (the link stays a link)', async () => {
    const dir = await dirs.make();
    const target = path.join(dir, 'real', 'config.json');
    await mkdir(path.dirname(target), { mode: 0o700 });
    await writeFile(target, '{"version":1,"lcs":{"projectId":1}}', { mode: 0o600 });
    const link = path.join(dir, 'config.json');
    await symlink(target, link);
    await openConfigStore({ path: link }).lcs.set({ projectId: 2 });
    assert.ok((await lstat(link)).isSymbolicLink(), 'the symlink was replaced by a regular file');
    assert.equal(await readlink(link), target);
    assert.equal(JSON.parse(await readFile(target, 'utf8')).lcs.projectId, 2);
  });
});
