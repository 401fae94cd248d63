// Opening a URL and copying to the clipboard (lib/cli/desktop.ts): the opener gets the URL as one
// argument (never a shell string; rundll32 on Windows), only an http(s) URL is opened, and the
// outcome is the program's own (not found, exit code, still running). Fake openers on a temp PATH.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyToClipboard, openUrl } from '../../../lib/cli/desktop.js';
import { isOpenableUrl, openerFor } from '../../../lib/index.js';
import type { CliIo } from '../../../lib/cli/io.js';

describe('desktop: openUrl() and copyToClipboard()', () => {
  let dir: string;
  const bin = (name: string) => join(dir, name);
  const io = (path: string): CliIo => ({
    stdout: { write() {} },
    stderr: { write() {} },
    readStdin: async () => '',
    env: { PATH: path, HOME: dir },
    platform: 'linux',
  });
  const fake = (folder: string, name: string, body: string) => {
    writeFileSync(join(folder, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(folder, name), 0o755);
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-desktop-'));
    // one folder per fake PATH
    for (const sub of ['ok', 'fails', 'slow', 'empty', 'clip']) mkdirSync(bin(sub));
    fake(bin('ok'), 'xdg-open', `printf '%s\\n' "$#" "$@" > "${join(dir, 'args.txt')}"; exit 0`);
    fake(bin('fails'), 'xdg-open', 'exit 3');
    fake(bin('slow'), 'xdg-open', 'exec /bin/sleep 5');
    fake(bin('clip'), 'xclip', `/bin/cat > "${join(dir, 'clipboard.txt')}"`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('opens with the URL as the single argument of the platform opener (rundll32 on Windows, no cmd)', () => {
    const url = 'https://login.microsoftonline.com/common/oauth2/deviceauth?a=1&b=2';
    assert.deepEqual(openerFor('win32', url), ['rundll32', ['url.dll,FileProtocolHandler', url]]);
    assert.deepEqual(openerFor('darwin', url), ['open', [url]]);
    assert.deepEqual(openerFor('linux', url), ['xdg-open', [url]]);
  });

  it('only a plain http(s) URL is handed to an opener', () => {
    assert.equal(isOpenableUrl('https://microsoft.com/devicelogin'), true);
    assert.equal(isOpenableUrl('http://127.0.0.1:8400/devicelogin'), true);
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'https://x/"&calc', 'https://x/ a', 'https://x/\u001b[2J', 'not a url', 'ms-settings:']) {
      assert.equal(isOpenableUrl(bad), false, bad);
    }
  });

  it('reports "opened" only when the opener ran and exited 0', async () => {
    const url = 'https://microsoft.com/devicelogin?x=1&y=2';
    assert.deepEqual(await openUrl(url, io(bin('ok'))), { done: true, how: 'xdg-open' });
    assert.equal(readFileSync(join(dir, 'args.txt'), 'utf8'), `1\n${url}\n`);
    assert.deepEqual(await openUrl(url, io(bin('fails'))), { done: false, how: 'xdg-open exited with 3' });
    assert.deepEqual(await openUrl(url, io(bin('empty'))), { done: false, how: 'xdg-open was not found' });
    assert.deepEqual(await openUrl('file:///etc/passwd', io(bin('ok'))), { done: false, how: 'the address is not a plain http(s) URL' });
  });

  it('an opener still running after a moment counts as started', async () => {
    const started = Date.now();
    assert.deepEqual(await openUrl('https://microsoft.com/devicelogin', io(bin('slow'))), { done: true, how: 'xdg-open started' });
    assert.ok(Date.now() - started < 4000);
  });

  it('copies with the first clipboard tool that works, text on its stdin', async () => {
    assert.deepEqual(await copyToClipboard('ABCD1234', io(bin('clip'))), { done: true, how: 'xclip' });
    assert.equal(readFileSync(join(dir, 'clipboard.txt'), 'utf8'), 'ABCD1234');
    assert.equal((await copyToClipboard('ABCD1234', io(bin('empty')))).done, false);
  });
});

