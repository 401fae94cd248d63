// The d365fo-auth CLI as child processes against the emulator: stdout, stderr and exit code of
// every command, success and failure, and a scan of all output for the secrets it handled.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EMULATOR_DEMO, startEmulator, type EmulatorHandle } from '../../lib/index.js';
import { BEARER_LINE, runCli, type CliResult } from '../support/cli.js';

const PUBLIC = EMULATOR_DEMO.publicClient.clientId;
const CONF = EMULATOR_DEMO.confidentialClient;
const USER = EMULATOR_DEMO.user;
const FO_URL = 'https://contoso.operations.dynamics.com';

describe('d365fo-auth CLI (child processes, emulator)', () => {
  let emu: EmulatorHandle;
  let dir: string;
  let configFile: string;
  let env: Record<string, string>;
  /** Every result, for the final secret scan. */
  const outputs: CliResult[] = [];
  const cli = async (argv: string[], options: Parameters<typeof runCli>[1] = {}) => {
    const result = await runCli(argv, { ...options, env: { ...env, ...options.env } });
    outputs.push(result);
    return result;
  };
  const savedLcs = () => JSON.parse(readFileSync(configFile, 'utf8')).lcs as Record<string, string>;

  before(async () => {
    emu = await startEmulator({ deviceCodeIntervalSeconds: 1 });
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-cli-'));
    configFile = join(dir, 'nested', 'config.json');
    env = { D365FO_AUTH_CONFIG: configFile, D365FO_AUTHORITY_HOST: emu.url };
  });
  after(async () => {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lcs login: password from stdin, Bearer on stdout only, session saved 0600 with the project id', async () => {
    const r = await cli(['lcs', 'login', '--username', USER.username, '--password-stdin', '--client-id', PUBLIC, '--project-id', '123456789'], {
      stdin: `${USER.password}\n`,
    });
    assert.equal(r.stderr, `Signed in as ${USER.username}; session saved in ${configFile}.\n`);
    assert.equal(r.code, 0);
    assert.match(r.stdout, BEARER_LINE);
    assert.equal(statSync(configFile).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'nested')).mode & 0o777, 0o700);
    const saved = savedLcs();
    assert.equal(`Bearer ${saved.bearerToken}\n`, r.stdout);
    assert.equal(saved.projectId, 123456789);
    assert.equal(saved.clientId, PUBLIC);
  });

  it('lcs login: password from D365FO_PASSWORD, --json, --no-save', async () => {
    const before = readFileSync(configFile, 'utf8');
    const r = await cli(['lcs', 'login', '--username', USER.username, '--json', '--no-save'], { env: { D365FO_PASSWORD: USER.password } });
    assert.equal(r.code, 0);
    const json = JSON.parse(r.stdout);
    assert.equal(json.resource, 'https://lcsapi.lcs.dynamics.com');
    assert.equal(json.expiresIn, 3599);
    assert.ok(json.refreshToken);
    assert.equal(readFileSync(configFile, 'utf8'), before, '--no-save leaves the file alone');
  });

  it('lcs token: the saved token while valid, no request; --min-validity beyond its life refreshes and saves', async () => {
    const saved = savedLcs();
    const before = emu.requests.length;
    const r = await cli(['lcs', 'token']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `Bearer ${saved.bearerToken}\n`);
    assert.equal(emu.requests.length, before);
    const forced = await cli(['lcs', 'token', '--min-validity', '4000', '--json']);
    assert.equal(forced.code, 0);
    const json = JSON.parse(forced.stdout);
    assert.notEqual(json.accessToken, saved.bearerToken);
    assert.equal(savedLcs().bearerToken, json.accessToken);
    assert.equal(savedLcs().refreshToken, json.refreshToken);
  });

  it('lcs refresh: a new session saved', async () => {
    const old = savedLcs();
    const r = await cli(['lcs', 'refresh']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, BEARER_LINE);
    assert.notEqual(savedLcs().refreshToken, old.refreshToken);
  });

  it('lcs config show/set: secrets redacted, values validated', async () => {
    const set = await cli(['lcs', 'config', 'set', '--project-id', '42', '--lcs-api-uri', 'https://lcsapi.eu.lcs.dynamics.com']);
    assert.equal(set.code, 0);
    const shown = await cli(['lcs', 'config', 'show']);
    assert.equal(shown.code, 0);
    const json = JSON.parse(shown.stdout);
    assert.equal(json.projectId, 42);
    assert.equal(json.lcsApiUri, 'https://lcsapi.eu.lcs.dynamics.com');
    assert.equal(json.bearerToken, '[redacted]');
    assert.equal(json.refreshToken, '[redacted]');
    const bad = await cli(['lcs', 'config', 'set', '--client-id', 'not-a-guid']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stdout, '');
    await cli(['lcs', 'config', 'set', '--lcs-api-uri', 'https://lcsapi.lcs.dynamics.com']);
  });

  it('lcs login refused: exit 1, the AADSTS code and a remedy on stderr, nothing on stdout', async () => {
    const r = await cli(['lcs', 'login', '--username', USER.username, '--password-stdin'], { stdin: 'Wrong-Passw0rd-Value!' });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: invalid_grant \(AADSTS50126\): /);
    assert.match(r.stderr, /\nwhat to do: Check the username and password/);
  });

  it('a revoked session: lcs refresh exits 1 and says to sign in again', async () => {
    const scratch = join(dir, 'revoked.json');
    const login = await cli(['lcs', 'login', '--username', USER.username, '--password-stdin', '--client-id', PUBLIC], {
      stdin: USER.password,
      env: { D365FO_AUTH_CONFIG: scratch },
    });
    assert.equal(login.code, 0);
    emu.revokeRefreshTokens();
    const r = await cli(['lcs', 'refresh', '--verbose'], { env: { D365FO_AUTH_CONFIG: scratch } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Sign in again/);
    assert.match(r.stderr, /\[verbose\] -> POST .*form: grant_type=refresh_token&client_id=.*refresh_token=\[redacted\]/);
  });

  it('odata config add/list/show/use/remove, case-insensitive names, secret never shown', async () => {
    const add = await cli(['odata', 'config', 'add', 'Fo-Test', '--tenant', emu.tenantDomain, '--url', `${FO_URL}/`, '--client-id', CONF.clientId, '--client-secret-stdin'], {
      stdin: CONF.secret,
    });
    assert.equal(add.code, 0, add.stderr);
    const again = await cli(['odata', 'config', 'add', 'FO-TEST', '--tenant', emu.tenantDomain, '--url', FO_URL]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /force/);
    const star = await cli(['odata', 'config', 'add', 'a*', '--tenant', emu.tenantDomain, '--url', FO_URL]);
    assert.equal(star.code, 2);
    const list = await cli(['odata', 'config', 'list']);
    assert.equal(list.code, 0);
    const [entry] = JSON.parse(list.stdout);
    assert.equal(entry.name, 'Fo-Test');
    assert.equal(entry.url, FO_URL);
    assert.equal(entry.hasClientSecret, true);
    assert.equal(entry.active, true);
    const show = await cli(['odata', 'config', 'show', 'fo-test']);
    assert.equal(show.code, 0);
    assert.equal(JSON.parse(show.stdout).name, 'Fo-Test');
    assert.ok(!show.stdout.includes(CONF.secret));
    const active = await cli(['odata', 'config', 'show']);
    assert.equal(active.code, 0);
    assert.equal(JSON.parse(active.stdout).name, 'Fo-Test', 'without NAME: the active config');
    const use = await cli(['odata', 'config', 'use', 'FO-test']);
    assert.equal(use.code, 0);
    assert.equal(use.stderr, 'Active OData config: Fo-Test.\n', 'the stored name, not the typed one');
    const unknown = await cli(['odata', 'config', 'use', 'nope']);
    assert.equal(unknown.code, 2);
  });

  it('odata token: client credentials from the active config, from flags with the secret in env, --raw', async () => {
    const active = await cli(['odata', 'token']);
    assert.equal(active.code, 0, active.stderr);
    assert.match(active.stdout, BEARER_LINE);
    const flags = await cli(['odata', 'token', '--tenant', emu.tenantId, '--url', FO_URL, '--client-id', CONF.clientId, '--raw'], {
      env: { D365FO_CLIENT_SECRET: CONF.secret },
    });
    assert.equal(flags.code, 0, flags.stderr);
    assert.equal(JSON.parse(flags.stdout).resource, FO_URL);
    const wrong = await cli(['odata', 'token', '--config', 'fo-test', '--client-secret-stdin'], { stdin: 'definitely-not-the-secret' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /AADSTS7000215/);
  });

  it('odata config remove: the active config goes, and nothing is active afterwards', async () => {
    const extra = await cli(['odata', 'config', 'add', 'Second', '--tenant', emu.tenantDomain, '--url', 'https://second.operations.dynamics.com']);
    assert.equal(extra.code, 0);
    const removed = await cli(['odata', 'config', 'remove', 'SECOND']);
    assert.equal(removed.code, 0);
    const list = JSON.parse((await cli(['odata', 'config', 'list'])).stdout) as { name: string }[];
    assert.deepEqual(list.map((c) => c.name), ['Fo-Test']);
  });

  it('odata login with auto-approval, and Ctrl-C cancels a pending sign-in with exit 130', async () => {
    const auto = await startEmulator({ deviceCodeIntervalSeconds: 1, autoApproveDeviceCodeAfterSeconds: 1 });
    try {
      const r = await cli(['odata', 'login', '--tenant', auto.tenantDomain, '--url', FO_URL, '--no-browser', '--no-clipboard'], {
        env: { D365FO_AUTHORITY_HOST: auto.url },
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, BEARER_LINE);
      assert.match(r.stderr, new RegExp(`${auto.url}/devicelogin`));
      assert.match(r.stderr, /enter the code [A-Z0-9]{8}/);
      assert.match(r.stderr, new RegExp(`\\nSigned in as ${USER.username.replace(/[.]/g, '\\.')}\\.\\n$`), 'nothing is saved for --tenant/--url');
    } finally {
      await auto.stop();
    }
    const cancelled = await cli(['odata', 'login', '--tenant', emu.tenantDomain, '--url', FO_URL], {
      interruptWhen: (stderr) => stderr.includes('Waiting for sign-in'),
    });
    assert.equal(cancelled.code, 130);
    assert.equal(cancelled.stdout, '');
    assert.match(cancelled.stderr, /cancelled/);
  });

  it('usage, network and config failures map to exit codes 2, 3 and 4', async () => {
    const usage = await cli(['lcs', 'login', '--browser', '--username', USER.username]);
    assert.equal(usage.code, 2);
    assert.equal(usage.stderr, 'error: give one way to sign in, not --browser and --username.\nRun "d365fo-auth help lcs login" for the ways: --browser, --device-code, --username, --refresh-token-stdin.\n');
    const insecure = await cli(['odata', 'token', '--config', 'fo-test', '--authority-host', 'http://login.example.com']);
    assert.equal(insecure.code, 2);
    assert.match(insecure.stderr, /must use https/);
    // the config's app token is cached: a validity beyond its life makes it ask again
    const down = await cli(['odata', 'token', '--config', 'fo-test', '--min-validity', '4000'], { env: { D365FO_AUTHORITY_HOST: 'http://127.0.0.1:9' } });
    assert.equal(down.code, 3);
    assert.match(down.stderr, /^error: Could not reach http:\/\/127\.0\.0\.1:9\//);
    assert.match(down.stderr, /\nhint: nothing accepts connections at 127\.0\.0\.1:9 \(set with --authority-host or D365FO_AUTHORITY_HOST\)/);
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"lcs": ');
    const broken = await cli(['lcs', 'config', 'set', '--project-id', '7', '--config-file', corrupt]);
    assert.equal(broken.code, 4);
    assert.match(broken.stderr, new RegExp(`${corrupt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON`));
    assert.equal(readFileSync(corrupt, 'utf8'), '{"lcs": ', 'a corrupt file is never overwritten');
    const none = await cli(['lcs', 'token', '--config-file', join(dir, 'none.json')]);
    assert.equal(none.code, 4);
  });

  it('decode reads a token from a pipe', async () => {
    const token = savedLcs().bearerToken!;
    const r = await cli(['decode', '-'], { stdin: `Bearer ${token}\n` });
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.stdout).upn, USER.username);
    assert.match(r.stderr, /Expires .* \(in 5\d minutes\)/);
  });

  it('no output of any command above contains a password, client secret, refresh or access token', () => {
    const saved = savedLcs();
    const secrets = [USER.password, 'Wrong-Passw0rd-Value!', CONF.secret, 'definitely-not-the-secret', saved.refreshToken!];
    // stdout of a successful token command is the token itself; every stderr and every failure's stdout are scanned
    for (const result of outputs) {
      const scanned = result.code === 0 ? result.stderr : `${result.stdout}${result.stderr}`;
      for (const secret of secrets) assert.ok(!scanned.includes(secret), `a secret leaked into output: ${scanned.slice(0, 200)}`);
      assert.ok(!/eyJ[\w-]{10,}\.[\w-]{10,}\./.test(result.stderr), 'no JWT on stderr');
    }
  });
});
