// `lcs login` in every mode against the emulator (device code, a refresh token from stdin, password,
// the browser in process with a spec's opener), the pipeline recipe (token --json carries the newest
// refresh token), the lock taken before anything is sent (an unwritable folder: exit 4, no request),
// --no-save without reading a corrupt config, 10 concurrent `lcs refresh`, logout, --force for an
// unknown LCS host. Exit code, stdout and stderr of each.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EMULATOR_DEMO, LCS_API_URIS, startEmulator, type EmulatorHandle } from '../../lib/index.js';
import { decodeJwt } from 'jose';
import { BEARER_LINE, escape, runCli, runMain, type CliResult } from '../support/cli.js';

const PUBLIC = EMULATOR_DEMO.publicClient.clientId;
const USER = EMULATOR_DEMO.user;
const LCS = 'https://lcsapi.lcs.dynamics.com';
const KNOWN = LCS_API_URIS.map((host) => host.uri).join(', ');

describe('lcs login modes, the pipeline recipe, refresh and logout (emulator)', () => {
  let emu: EmulatorHandle;
  let dir: string;
  let file: string;
  /** The session a pipeline bootstrapped from a refresh token (the emulator's refresh tokens are single-use: the exported one is its now). */
  let pipeline: string;
  const outputs: CliResult[] = [];
  const cli = async (argv: string[], options: Parameters<typeof runCli>[1] = {}) => {
    const result = await runCli(argv, { ...options, env: { D365FO_AUTH_CONFIG: file, D365FO_AUTHORITY_HOST: emu.url, ...options.env } });
    outputs.push(result);
    return result;
  };
  const saved = (path = file) => JSON.parse(readFileSync(path, 'utf8')).lcs as Record<string, unknown>;
  const grants = (type: string) => emu.requests.filter((r) => r.form['grant_type'] === type).length;

  before(async () => {
    emu = await startEmulator({ deviceCodeIntervalSeconds: 1, autoApproveDeviceCodeAfterSeconds: 1 });
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-lcs-login-'));
    file = join(dir, 'config.json');
    pipeline = join(dir, 'pipeline', 'config.json');
  });
  after(async () => {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--device-code: the client id and the code on stderr, Bearer on stdout, the session saved with its settings', async () => {
    const r = await cli(['lcs', 'login', '--device-code', '--client-id', PUBLIC, '--project-id', '7']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, BEARER_LINE);
    assert.match(
      r.stderr,
      new RegExp(
        `^Client id: ${PUBLIC} \\(--client-id\\)\\.\\nTo sign in, use a web browser to open the page ${escape(emu.url)}/devicelogin and enter the code [A-Z0-9]{8} to authenticate\\.\\n` +
          `Waiting for sign-in\\.\\.\\.\\nSigned in as ${escape(USER.username)}; session saved in ${escape(file)}\\.\\n$`,
      ),
    );
    const lcs = saved();
    assert.equal(`Bearer ${lcs['bearerToken']}\n`, r.stdout);
    assert.equal(lcs['clientId'], PUBLIC);
    assert.equal(lcs['projectId'], 7);
    assert.equal(lcs['lcsApiUri'], LCS);
    assert.equal(lcs['authorityHost'], emu.url);
    assert.equal(typeof lcs['refreshToken'], 'string');
  });

  it('no mode given, under CI: a device code, said on stderr; the saved client id is used and named', async () => {
    const r = await cli(['lcs', 'login', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Signing in with a device code \(CI is set, so no browser is opened; --browser to use one anyway\)\.\n/);
    assert.match(r.stderr, new RegExp(`\\nClient id: ${PUBLIC} \\(the saved LCS config \\(${escape(file)}\\)\\)\\.\\n`));
    assert.equal(JSON.parse(r.stdout).resource, LCS);
  });

  it('the pipeline recipe: token --json carries the refresh token; --refresh-token-stdin redeems it at once and saves the session; the newest refresh token comes back', async () => {
    const exported = await cli(['lcs', 'token', '--json']);
    assert.equal(exported.code, 0, exported.stderr);
    const refreshToken = JSON.parse(exported.stdout).refreshToken as string;
    assert.equal(refreshToken, saved()['refreshToken']);

    const before = grants('refresh_token');
    const login = await cli(['lcs', 'login', '--refresh-token-stdin', '--client-id', PUBLIC, '--json'], { stdin: refreshToken, env: { D365FO_AUTH_CONFIG: pipeline } });
    assert.equal(login.code, 0, login.stderr);
    assert.equal(grants('refresh_token') - before, 1, 'redeemed at login');
    assert.equal(login.stderr, `Signed in as ${USER.username}; session saved in ${pipeline}.\n`);
    const first = JSON.parse(login.stdout);
    assert.equal(saved(pipeline)['refreshToken'], first.refreshToken);
    assert.equal(saved(pipeline)['clientId'], PUBLIC);

    const token = await cli(['lcs', 'token', '--json'], { env: { D365FO_AUTH_CONFIG: pipeline } });
    assert.equal(token.code, 0, token.stderr);
    assert.equal(JSON.parse(token.stdout).accessToken, first.accessToken, 'the saved token, no request');
    const refreshed = await cli(['lcs', 'refresh', '--json'], { env: { D365FO_AUTH_CONFIG: pipeline } });
    assert.equal(refreshed.code, 0, refreshed.stderr);
    const newest = JSON.parse(refreshed.stdout).refreshToken as string;
    assert.notEqual(newest, first.refreshToken);
    const again = await cli(['lcs', 'token', '--json'], { env: { D365FO_AUTH_CONFIG: pipeline } });
    assert.equal(JSON.parse(again.stdout).refreshToken, newest, 'the newest refresh token, to write back to the secret store');
  });

  it('--refresh-token-stdin: a refused token fails at login (exit 1, nothing saved); no client id or an empty stdin is a usage error with no request', async () => {
    const other = join(dir, 'refused.json');
    const refused = await cli(['lcs', 'login', '--refresh-token-stdin', '--client-id', PUBLIC], { stdin: 'not-a-refresh-token-at-all', env: { D365FO_AUTH_CONFIG: other } });
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /^error: invalid_grant \(AADSTS\d+\): /);
    assert.ok(!existsSync(other) || saved(other)['refreshToken'] === undefined, 'nothing saved');

    const before = emu.requests.length;
    const noClient = await cli(['lcs', 'login', '--refresh-token-stdin'], { stdin: 'x', env: { D365FO_AUTH_CONFIG: join(dir, 'empty.json') } });
    assert.equal(noClient.code, 2);
    assert.equal(noClient.stderr, 'error: lcs login needs --client-id (the app registration to sign in with), or one saved with "d365fo-auth lcs config set --client-id ID".\n');
    const empty = await cli(['lcs', 'login', '--refresh-token-stdin', '--client-id', PUBLIC], { stdin: '' });
    assert.equal(empty.code, 2);
    assert.equal(empty.stderr, 'error: --refresh-token-stdin was given but stdin was empty.\n');
    assert.equal(emu.requests.length, before);
  });

  it('one way to sign in at a time; --password-stdin only with --username', async () => {
    const two = await cli(['lcs', 'login', '--device-code', '--refresh-token-stdin']);
    assert.equal(two.code, 2);
    assert.equal(two.stderr, 'error: give one way to sign in, not --device-code and --refresh-token-stdin.\nRun "d365fo-auth help lcs login" for the ways: --browser, --device-code, --username, --refresh-token-stdin.\n');
    const stray = await cli(['lcs', 'login', '--password-stdin'], { stdin: USER.password });
    assert.equal(stray.code, 2);
    assert.equal(stray.stderr, 'error: --password-stdin goes with --username (the service account whose password it is).\n');
  });

  it('--no-save works with a corrupt config when the flags give every value; a value left to the config reads it (exit 4, the file named)', async () => {
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"lcs": ', { mode: 0o600 });
    const env = { D365FO_AUTH_CONFIG: corrupt };
    const device = await cli(['lcs', 'login', '--device-code', '--client-id', PUBLIC, '--lcs-api-uri', LCS, '--no-save'], { env });
    assert.equal(device.code, 0, device.stderr);
    assert.match(device.stdout, BEARER_LINE);
    assert.match(device.stderr, new RegExp(`\\nSigned in as ${escape(USER.username)}; nothing saved \\(--no-save\\)\\.\\n$`));
    const password = await cli(['lcs', 'login', '--username', USER.username, '--password-stdin', '--client-id', PUBLIC, '--lcs-api-uri', LCS, '--no-save'], { env, stdin: USER.password });
    assert.equal(password.code, 0, password.stderr);
    assert.equal(password.stderr, '');
    const missing = await cli(['lcs', 'login', '--device-code', '--client-id', PUBLIC, '--no-save'], { env });
    assert.equal(missing.code, 4);
    assert.match(missing.stderr, new RegExp(`^error: .*${escape(corrupt)}`));
    assert.equal(readFileSync(corrupt, 'utf8'), '{"lcs": ', 'never overwritten');
  });

  it('an unwritable config folder: exit 4 with the path and what to do, before anything is sent (device code, refresh token)', { skip: process.platform === 'win32' }, async () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o700 });
    // root may write anywhere: the CLI then runs as nobody, who owns the folder but may not write to it
    const uid = process.getuid?.() === 0 ? 65534 : undefined;
    if (uid !== undefined) {
      chownSync(locked, uid, uid);
      chmodSync(dir, 0o711);
    }
    const env = { D365FO_AUTH_CONFIG: join(locked, 'config.json') };
    // a saved OData config, so that "config use" has something to select
    const first = await cli(['odata', 'config', 'add', 'Dev', '--tenant', 'contoso.onmicrosoft.com', '--url', 'https://contoso.operations.dynamics.com'], { env, uid });
    assert.equal(first.code, 0, first.stderr);
    chmodSync(locked, 0o500);
    try {
      const before = emu.requests.length;
      const device = await cli(['lcs', 'login', '--device-code', '--client-id', PUBLIC], { env, uid });
      const refresh = await cli(['lcs', 'login', '--refresh-token-stdin', '--client-id', PUBLIC], { env, uid, stdin: 'a-refresh-token-never-sent' });
      // the config commands that write are config problems too, never a crash
      const add = await cli(['odata', 'config', 'add', 'Test', '--tenant', 'contoso.onmicrosoft.com', '--url', 'https://contoso.operations.dynamics.com'], { env, uid });
      const use = await cli(['odata', 'config', 'use', 'Dev'], { env, uid });
      for (const r of [device, refresh, add, use]) {
        assert.equal(r.code, 4, r.stderr);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, new RegExp(`^error: Cannot create the lock file ${escape(locked)}/config\\.json\\.lock \\(EACCES\\); nothing was sent\\. The folder ${escape(locked)} is not writable: make it writable for this user, or use another config file \\(--config-file / D365FO_AUTH_CONFIG\\)\\.\\n$`));
      }
      assert.equal(emu.requests.length, before, 'no request reached the emulator');
    } finally {
      chmodSync(locked, 0o700);
      chmodSync(dir, 0o700);
    }
  });

  it('10 concurrent lcs refresh processes all exit 0, sharing one lock; the saved session is one of theirs', async () => {
    const before = grants('refresh_token');
    const results = await Promise.all(Array.from({ length: 10 }, () => cli(['lcs', 'refresh', '--json'], { timeoutMs: 60_000, env: { D365FO_AUTH_CONFIG: pipeline } })));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const printed = results.map((r) => JSON.parse(r.stdout) as { accessToken: string; refreshToken: string });
    const made = grants('refresh_token') - before;
    assert.ok(made >= 1 && made <= 10, `${made} refreshes`);
    assert.ok(printed.some((t) => t.accessToken === saved(pipeline)['bearerToken'] && t.refreshToken === saved(pipeline)['refreshToken']));
    assert.equal(new Set(printed.map((t) => t.accessToken)).size, made, 'a process that found a refresh finished after it began took that one');
  });

  it('lcs logout forgets the tokens, keeps the settings; then lcs token says to sign in (exit 4)', async () => {
    const r = await cli(['lcs', 'logout']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `Signed out: the LCS tokens are removed from ${file}; the client id, LCS host and project id stay.\n`);
    const lcs = saved();
    assert.equal(lcs['bearerToken'], undefined);
    assert.equal(lcs['refreshToken'], undefined);
    assert.equal(lcs['clientId'], PUBLIC);
    assert.equal(lcs['projectId'], 7);
    assert.equal(lcs['lcsApiUri'], LCS);
    const token = await cli(['lcs', 'token']);
    assert.equal(token.code, 4);
    assert.equal(token.stderr, `error: No session to refresh is saved in ${file}: sign in first with \`d365fo-auth lcs login\`.\n`);
  });

  it('an unknown LCS host is refused naming the known ones; --force accepts it with the warning (config set and login)', async () => {
    const refused = await cli(['lcs', 'config', 'set', '--lcs-api-uri', 'https://evil.example.com']);
    assert.equal(refused.code, 2);
    assert.equal(refused.stdout, '');
    assert.equal(refused.stderr, `error: --lcs-api-uri https://evil.example.com is not a known LCS API host (known: ${KNOWN}); if it is a new LCS region, pass --force.\n`);
    assert.equal(saved()['lcsApiUri'], LCS);
    const forced = await cli(['lcs', 'config', 'set', '--lcs-api-uri', 'https://lcsapi.new.example.com', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(
      forced.stderr,
      `warning: https://lcsapi.new.example.com is not a known LCS API host (known: ${KNOWN}); its users sign in on the public authority https://login.microsoftonline.com unless --authority-host says otherwise.\nSaved in ${file}.\n`,
    );
    assert.equal(JSON.parse(forced.stdout).lcsApiUri, 'https://lcsapi.new.example.com');

    const before = emu.requests.length;
    const login = ['lcs', 'login', '--username', USER.username, '--password-stdin', '--client-id', PUBLIC, '--lcs-api-uri', 'https://lcsapi.other.example.com', '--no-save', '--json'];
    const no = await cli(login, { stdin: USER.password });
    assert.equal(no.code, 2);
    assert.match(no.stderr, /^error: --lcs-api-uri https:\/\/lcsapi\.other\.example\.com is not a known LCS API host \(known: .*\); if it is a new LCS region, pass --force\.\n$/);
    assert.equal(emu.requests.length, before, 'refused before anything was sent');
    const yes = await cli([...login, '--force'], { stdin: USER.password });
    assert.equal(yes.code, 0, yes.stderr);
    assert.match(yes.stderr, /^warning: https:\/\/lcsapi\.other\.example\.com is not a known LCS API host/);
    assert.equal(JSON.parse(yes.stdout).resource, 'https://lcsapi.other.example.com');
  });

  it('no output above holds a password, or a refresh or access token on stderr', () => {
    for (const r of outputs) {
      assert.ok(!`${r.stdout}${r.stderr}`.includes(USER.password), 'password');
      assert.ok(!/eyJ[\w-]{10,}\.[\w-]{10,}\./.test(r.stderr), 'no JWT on stderr');
      assert.ok(!/AwABAAAA/.test(r.stderr), 'no refresh token on stderr');
    }
  });
});

describe('lcs login --browser (in process, the io opener follows the page)', () => {
  let emu: EmulatorHandle;
  let dir: string;
  before(async () => {
    emu = await startEmulator();
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-lcs-browser-'));
  });
  after(async () => {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the authorize URL on stderr, opens it with the io opener; a wrong state is refused 400; --timeout ends it with exit 3 and nothing saved', async () => {
    const file = join(dir, 'browser.json');
    const opened: string[] = [];
    const answers: number[] = [];
    const r = await runMain(['lcs', 'login', '--browser', '--client-id', PUBLIC, '--timeout', '2', '--authority-host', emu.url], {
      env: { D365FO_AUTH_CONFIG: file },
      openUrl: async (url) => {
        opened.push(url);
        const redirect = new URL(new URL(url).searchParams.get('redirect_uri')!);
        const port = redirect.port;
        answers.push((await fetch(`http://127.0.0.1:${port}/?code=stolen&state=not-the-state`)).status);
        answers.push((await fetch(`http://127.0.0.1:${port}/elsewhere?code=stolen&state=${new URL(url).searchParams.get('state')}`)).status);
        return { done: true, how: 'the spec' };
      },
    });
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(opened.length, 1);
    const url = new URL(opened[0]!);
    assert.equal(`${url.origin}${url.pathname}`, `${emu.url}/common/oauth2/authorize`);
    const query = url.searchParams;
    assert.deepEqual([...query.keys()], ['response_type', 'client_id', 'redirect_uri', 'resource', 'state', 'code_challenge', 'code_challenge_method']);
    assert.equal(query.get('response_type'), 'code');
    assert.equal(query.get('client_id'), PUBLIC);
    assert.match(query.get('redirect_uri')!, /^http:\/\/localhost:\d+$/);
    assert.equal(query.get('resource'), LCS);
    assert.equal(query.get('code_challenge_method'), 'S256');
    assert.match(query.get('code_challenge')!, /^[\w-]{43}$/);
    assert.deepEqual(answers, [400, 400]);
    assert.equal(
      r.stderr,
      `Client id: ${PUBLIC} (--client-id).\nTo sign in, open this address in a browser:\n  ${opened[0]}\n(Opened the sign-in page in your browser.)\nWaiting up to 2 s for the sign-in...\n` +
        'error: Nobody finished the browser sign-in within 2 s (--timeout).\n',
    );
    assert.ok(!existsSync(file) || JSON.parse(readFileSync(file, 'utf8')).lcs?.bearerToken === undefined, 'nothing saved');
    assert.equal(emu.requests.filter((q) => q.path.includes('/oauth2/token')).length, 0, 'no code was redeemed');
  });

  it('a person signs in at the page (the emulator completes it, MFA approved): the code is redeemed, the session saved, the token printed', async () => {
    const file = join(dir, 'browser-ok.json');
    const mfa = EMULATOR_DEMO.mfaUser;
    const r = await runMain(['lcs', 'login', '--browser', '--client-id', PUBLIC, '--timeout', '20', '--authority-host', emu.url, '--json'], {
      env: { D365FO_AUTH_CONFIG: file },
      openUrl: async (url) => {
        const redirect = await emu.completeAuthorization(url, { username: mfa.username, password: mfa.password });
        await (await fetch(redirect)).text();
        return { done: true, how: 'the spec' };
      },
    });
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as { accessToken: string; refreshToken: string; authorityHost: string };
    assert.equal(decodeJwt(printed.accessToken).upn, mfa.username);
    assert.equal(printed.authorityHost, emu.url);
    const saved = JSON.parse(readFileSync(file, 'utf8')).lcs;
    assert.equal(saved.refreshToken, printed.refreshToken);
    assert.equal(saved.clientId, PUBLIC);
    assert.equal(saved.authorityHost, emu.url);
    assert.equal(emu.requests.filter((q) => q.form['grant_type'] === 'authorization_code').length, 1);
  });

  it('--no-browser: the address only, the opener is not called', async () => {
    let called = false;
    const r = await runMain(['lcs', 'login', '--browser', '--no-browser', '--timeout', '1', '--no-save', '--client-id', PUBLIC, '--lcs-api-uri', LCS, '--authority-host', emu.url], {
      env: { D365FO_AUTH_CONFIG: join(dir, 'none.json') },
      openUrl: async () => {
        called = true;
        return { done: true, how: 'x' };
      },
    });
    assert.equal(r.code, 3);
    assert.equal(called, false);
    assert.match(r.stderr, /\nTo sign in, open this address in a browser:\n {2}http:\/\/127\.0\.0\.1:\d+\/common\/oauth2\/authorize\?response_type=code&[^\n]+\nWaiting up to 1 s for the sign-in\.\.\.\nerror: /);
    assert.equal(existsSync(join(dir, 'none.json')), false, '--no-save: no config read or written');
  });

  it('no mode on a desktop terminal: the browser, said on stderr; an opener that fails is reported', async () => {
    const r = await runMain(['lcs', 'login', '--timeout', '1', '--no-save', '--client-id', PUBLIC, '--lcs-api-uri', LCS, '--authority-host', emu.url], {
      env: { CI: undefined, DISPLAY: ':0' },
      tty: true,
      platform: 'linux',
      openUrl: async () => ({ done: false, how: 'xdg-open exited with 3' }),
    });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^Signing in with the browser \(--device-code to use a code instead\)\.\nClient id: /);
    assert.match(r.stderr, /\n\(Could not open a browser: xdg-open exited with 3\. Open the address above by hand\.\)\n/);
  });
});
