// `token --resource` (a person's token by device code, an app's by client credentials; az-shaped
// --json; nothing saved) and `doctor` (each check's line and remedy: authority and proxy, TLS trust,
// clock against the authority's Date, realm, LCS cloud, config file, saved sessions; exit 0 or 1;
// --json; never a secret) against the emulator, as child processes.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_INTERACTIVE_CLIENT_ID, EMULATOR_DEMO, startEmulator, type EmulatorHandle } from '../../lib/index.js';
import { azLocalTime } from '../../lib/cli/token.js';
import { BEARER_LINE, escape, runCli, runMain, type CliResult } from '../support/cli.js';
import { testTls } from '../support/emulator-tls.js';
import { startForwardProxy } from '../support/forward-proxy.js';

const CONF = EMULATOR_DEMO.confidentialClient;
const PUBLIC = EMULATOR_DEMO.publicClient.clientId;
const USER = EMULATOR_DEMO.user;
const PPAC = 'https://api.powerplatform.com';
const OPENID = (r: { path: string }) => r.path.endsWith('/.well-known/openid-configuration');

describe('token --resource (emulator)', () => {
  let emu: EmulatorHandle;
  let dir: string;
  let file: string;
  const cli = (argv: string[], options: Parameters<typeof runCli>[1] = {}) => runCli(argv, { ...options, env: { D365FO_AUTH_CONFIG: file, D365FO_AUTHORITY_HOST: emu.url, ...options.env } });

  before(async () => {
    emu = await startEmulator({ deviceCodeIntervalSeconds: 1, autoApproveDeviceCodeAfterSeconds: 1 });
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-token-'));
    file = join(dir, 'config.json');
  });
  after(async () => {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a person by device code (the default under CI): az-shaped --json plus this tool\'s fields; nothing saved', async () => {
    const r = await cli(['token', '--resource', PPAC, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `^Signing in with a device code \\(CI is set, so no browser is opened; --browser to use one anyway\\)\\.\\nClient id: ${DEFAULT_INTERACTIVE_CLIENT_ID} \\(the first-party public client; --client-id to use your own app\\)\\.\\n` +
          `To sign in, [^\\n]*/devicelogin[^\\n]*\\nWaiting for sign-in\\.\\.\\.\\nSigned in as ${escape(USER.username)}\\.\\n$`,
      ),
    );
    const json = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(json), ['accessToken', 'expiresOn', 'expires_on', 'tenant', 'tokenType', 'expiresOnEpoch', 'expiresAt', 'refreshToken', 'resource', 'authorityHost', 'clockSkewSeconds']);
    assert.match(json.accessToken, /^eyJ/);
    assert.match(json.expiresOn, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(json.expiresOn, azLocalTime(json.expiresOnEpoch * 1000));
    assert.equal(json.expires_on, json.expiresOnEpoch);
    assert.equal(json.tenant, emu.tenantId);
    assert.equal(json.tokenType, 'Bearer');
    assert.equal(json.resource, PPAC);
    assert.equal(json.authorityHost, emu.url);
    assert.equal(typeof json.refreshToken, 'string');
    assert.ok(Math.abs(Date.parse(json.expiresAt) - (Date.now() + 3599_000)) < 60_000);
    assert.equal(existsSync(file), false, 'nothing saved, no config written');
  });

  it('an app by client credentials: --tenant and --client-id required (exit 2, no request); the secret from stdin or D365FO_CLIENT_SECRET', async () => {
    const before = emu.requests.length;
    const noTenant = await cli(['token', '--resource', PPAC, '--client-id', CONF.clientId, '--client-secret-stdin'], { stdin: CONF.secret });
    assert.equal(noTenant.code, 2);
    assert.equal(noTenant.stderr, "error: client credentials need --tenant (the app's tenant GUID or domain).\n");
    const noClient = await cli(['token', '--resource', PPAC, '--tenant', emu.tenantDomain, '--client-secret-stdin'], { stdin: CONF.secret });
    assert.equal(noClient.code, 2);
    assert.equal(noClient.stderr, 'error: a client credential needs --client-id (the app registration it belongs to).\n');
    const two = await cli(['token', '--resource', PPAC, '--browser', '--device-code']);
    assert.equal(two.code, 2);
    assert.equal(two.stderr, 'error: give one way to get the token, not --browser and --device-code.\n');
    assert.equal(emu.requests.length, before);

    const stdin = await cli(['token', '--resource', PPAC, '--tenant', emu.tenantDomain, '--client-id', CONF.clientId, '--client-secret-stdin'], { stdin: CONF.secret });
    assert.equal(stdin.code, 0, stdin.stderr);
    assert.match(stdin.stdout, BEARER_LINE);
    assert.equal(stdin.stderr, `Getting an app token (client credentials) for client id ${CONF.clientId} with the secret from stdin.\n`);
    const request = emu.requests.at(-1)!;
    assert.equal(request.form['grant_type'], 'client_credentials');
    assert.equal(request.form['resource'], PPAC);
    assert.equal(request.path, `/${emu.tenantDomain}/oauth2/token?api-version=1.0`);
    const env = await cli(['token', '--resource', 'https://contoso.crm.dynamics.com', '--tenant', emu.tenantId, '--client-id', CONF.clientId, '--json'], { env: { D365FO_CLIENT_SECRET: CONF.secret } });
    assert.equal(env.code, 0, env.stderr);
    assert.match(env.stderr, /with the secret in D365FO_CLIENT_SECRET\.\n$/);
    const json = JSON.parse(env.stdout);
    assert.equal(json.resource, 'https://contoso.crm.dynamics.com');
    assert.equal(json.refreshToken, undefined, 'client credentials bring no refresh token');
    for (const r of [stdin, env]) assert.ok(!r.stderr.includes(CONF.secret));
  });

  it('--browser (in process): the authorize URL asks for the resource; --timeout ends it (exit 3)', async () => {
    const opened: string[] = [];
    const r = await runMain(['token', '--resource', PPAC, '--browser', '--client-id', PUBLIC, '--timeout', '1', '--authority-host', emu.url], {
      env: { D365FO_AUTH_CONFIG: file },
      openUrl: async (url) => {
        opened.push(url);
        return { done: true, how: 'the spec' };
      },
    });
    assert.equal(r.code, 3);
    assert.equal(new URL(opened[0]!).searchParams.get('resource'), PPAC);
    assert.equal(new URL(opened[0]!).pathname, '/common/oauth2/authorize');
    assert.match(r.stderr, /\nerror: Nobody finished the browser sign-in within 1 s \(--timeout\)\.\n$/);
  });
});

describe('doctor (emulator)', () => {
  let emu: EmulatorHandle;
  let dir: string;
  let file: string;
  const outputs: CliResult[] = [];
  const cli = async (argv: string[], options: Parameters<typeof runCli>[1] = {}) => {
    const result = await runCli(argv, { ...options, env: { D365FO_AUTH_CONFIG: file, D365FO_AUTHORITY_HOST: emu.url, ...options.env } });
    outputs.push(result);
    return result;
  };
  const lineOf = (stdout: string, check: string) => stdout.split('\n').find((line) => line.slice(8).startsWith(`${check} `));

  before(async () => {
    emu = await startEmulator({
      users: [USER, { username: 'fed@contoso.onmicrosoft.com', password: 'Fed-Passw0rd!', federated: true }],
      clients: [EMULATOR_DEMO.publicClient, { clientId: CONF.clientId, secret: CONF.secret }],
    });
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-doctor-'));
    file = join(dir, 'config.json');
  });
  after(async () => {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('all well: every line ok or info, exit 0, the checklist on stdout, stderr empty, no secret', async () => {
    const login = await cli(['lcs', 'login', '--username', USER.username, '--password-stdin', '--client-id', PUBLIC], { stdin: USER.password });
    assert.equal(login.code, 0, login.stderr);
    const r = await cli(['doctor']);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.stderr, '');
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, new RegExp(`^\\[ok\\] {4}authority {4}${escape(emu.url)} \\(tenant common\\) answered in \\d+ ms, directly \\(no proxy\\)$`));
    assert.match(lines[1]!, /^\[info\] {2}tls {10}plain http to a loopback address \(an emulator\): no TLS to check$/);
    assert.match(lines[2]!, /^\[ok\] {4}clock {8}this machine's clock (agrees with the authority's|is \d+ s (ahead of|behind) the authority's \(within a minute\))$/);
    assert.match(lines[3]!, new RegExp(`^\\[ok\\] {4}config file  ${escape(file)}: readable, 0 OData configs$`));
    assert.match(lines[4]!, new RegExp(`^\\[ok\\] {4}lcs session  signed in at ${escape(emu.url)} \\(tenant common\\); client id ${PUBLIC}; access token valid until .* \\(\\d+ min left\\); a refresh token is saved$`));
    assert.equal(lines[5], 'Nothing stops a sign-in.');
    const saved = JSON.parse(readFileSync(file, 'utf8')).lcs;
    assert.ok(!r.stdout.includes(saved.refreshToken) && !r.stdout.includes(saved.bearerToken));
  });

  it('the clock: a minute off warns (exit 0), five minutes off fails (exit 1) with what to do', async () => {
    emu.inject({ headers: { date: new Date(Date.now() - 150_000).toUTCString() }, match: OPENID });
    const warned = await cli(['doctor']);
    assert.equal(warned.code, 0, warned.stdout);
    assert.match(lineOf(warned.stdout, 'clock')!, /^\[warn\] {2}clock {8}this machine's clock is (2|3) min ahead of the authority's$/);
    assert.match(warned.stdout, /\n {21}what to do: turn on time synchronisation: timedatectl set-ntp true \(Linux\), w32tm \/resync \(Windows\), "Set time automatically" \(macOS\)\n/);
    assert.match(warned.stdout, /\nNothing stops a sign-in \(1 warning\)\.\n$/);
    emu.inject({ headers: { date: new Date(Date.now() + 600_000).toUTCString() }, match: OPENID });
    const failed = await cli(['doctor', '--json']);
    assert.equal(failed.code, 1);
    const json = JSON.parse(failed.stdout);
    assert.equal(json.ok, false);
    const clock = json.checks.find((c: { check: string }) => c.check === 'clock');
    assert.equal(clock.status, 'fail');
    assert.match(clock.detail, /^this machine's clock is 10 min behind the authority's: tokens look expired or not yet valid$/);
    assert.match(clock.remedy, /^turn on time synchronisation/);
  });

  it('an authority that does not answer: FAIL with the network hint as remedy, TLS and clock skipped, exit 1', async () => {
    const r = await cli(['doctor'], { env: { D365FO_AUTHORITY_HOST: 'http://127.0.0.1:9' } });
    assert.equal(r.code, 1);
    assert.match(lineOf(r.stdout, 'authority')!, /^\[FAIL\] {2}authority {4}http:\/\/127\.0\.0\.1:9 \(tenant common\): Could not reach http:\/\/127\.0\.0\.1:9\//);
    assert.match(r.stdout, /\n {21}what to do: nothing accepts connections at 127\.0\.0\.1:9 \(set with --authority-host or D365FO_AUTHORITY_HOST\): is the address and port right/);
    assert.match(lineOf(r.stdout, 'tls')!, /^\[skip\] {2}tls {10}not checked: no connection$/);
    assert.match(lineOf(r.stdout, 'clock')!, /^\[skip\] {2}clock/);
    assert.match(r.stdout, /\n1 check failed\.\n$/);
  });

  it('a proxy from the environment: the authority line says it went through it; a dead proxy fails with it named in what to do', async () => {
    const proxy = await startForwardProxy();
    const proxyUrl = proxy.url;
    try {
      const through = await cli(['doctor'], { env: { HTTP_PROXY: proxyUrl } });
      assert.equal(through.code, 0, through.stdout);
      assert.match(lineOf(through.stdout, 'authority')!, new RegExp(`answered in \\d+ ms, through the proxy ${escape(proxyUrl)}$`));
      assert.deepEqual(proxy.seen, [`CONNECT ${new URL(emu.url).host}`]);
      const dead = await cli(['doctor'], { env: { HTTP_PROXY: 'http://user:pa55@127.0.0.1:9' } });
      assert.equal(dead.code, 1);
      assert.match(dead.stdout, /what to do: [^\n]*the proxy http:\/\/127\.0\.0\.1:9 \(from HTTP_PROXY, NO_PROXY is empty\) is used: is it right, and does it let this through\?/);
      assert.ok(!dead.stdout.includes('pa55'), 'the proxy\'s credentials are never shown');
    } finally {
      await proxy.close();
    }
  });

  it('TLS: an untrusted certificate fails with the NODE_EXTRA_CA_CERTS remedy; trusted with it', async () => {
    const tls = await startEmulator({ tls: testTls });
    try {
      const untrusted = await cli(['doctor'], { env: { D365FO_AUTHORITY_HOST: tls.url } });
      assert.equal(untrusted.code, 1);
      assert.match(lineOf(untrusted.stdout, 'tls')!, new RegExp(`^\\[FAIL\\] {2}tls {10}the certificate of ${escape(new URL(tls.url).host)} is not trusted \\([A-Z_]+\\): a TLS-inspecting proxy or firewall\\?$`));
      assert.match(untrusted.stdout, /what to do: point NODE_EXTRA_CA_CERTS at its CA certificate \(PEM\)/);
      const ca = fileURLToPath(new URL('../../fixtures/tls/cert.pem', import.meta.url));
      const trusted = await cli(['doctor'], { env: { D365FO_AUTHORITY_HOST: tls.url, NODE_EXTRA_CA_CERTS: ca } });
      assert.equal(trusted.code, 0, trusted.stdout);
      assert.match(lineOf(trusted.stdout, 'tls')!, new RegExp(`^\\[ok\\] {4}tls {10}the certificate of ${escape(new URL(tls.url).host)} is trusted$`));
    } finally {
      await tls.stop();
    }
  });

  it('--username: managed ok, federated warns (the password grant cannot sign it in), an unknown domain fails', async () => {
    const managed = await cli(['doctor', '--username', USER.username]);
    assert.match(lineOf(managed.stdout, 'realm')!, /^\[ok\] {4}realm {8}admin@contoso\.onmicrosoft\.com: managed \(cloud\) account in contoso\.onmicrosoft\.com/);
    const federated = await cli(['doctor', '--username', 'fed@contoso.onmicrosoft.com']);
    assert.equal(federated.code, 0);
    assert.match(lineOf(federated.stdout, 'realm')!, /^\[warn\] {2}realm {8}fed@contoso\.onmicrosoft\.com: federated account in contoso\.onmicrosoft\.com[^\n]*: the password grant cannot sign it in$/);
    assert.match(federated.stdout, /what to do: sign in with --browser or --device-code, or use a cloud-only \(managed\) service account for --username/);
    const unknown = await cli(['doctor', '--username', 'someone@fabrikam.com']);
    assert.equal(unknown.code, 1);
    assert.match(lineOf(unknown.stdout, 'realm')!, /^\[FAIL\] {2}realm {8}someone@fabrikam\.com: the domain is not known to /);
  });

  it('--lcs: the LCS host\'s cloud against the authority used; a refused refresh token fails the session line (sign in again)', async () => {
    const lcs = await cli(['doctor', '--lcs']);
    assert.equal(lcs.code, 0, lcs.stdout);
    assert.match(
      lineOf(lcs.stdout, 'lcs host')!,
      new RegExp(`^\\[warn\\] {2}lcs host {5}https://lcsapi\\.lcs\\.dynamics\\.com \\(global \\(US\\)\\) signs its users in at https://login\\.microsoftonline\\.com, but ${escape(emu.url)} \\(from --authority-host or D365FO_AUTHORITY_HOST\\) is used$`),
    );
    emu.revokeRefreshTokens();
    const refused = await cli(['lcs', 'token', '--min-validity', '4000']);
    assert.equal(refused.code, 1);
    const r = await cli(['doctor', '--lcs', '--json']);
    assert.equal(r.code, 1);
    const session = JSON.parse(r.stdout).checks.find((c: { check: string }) => c.check === 'lcs session');
    assert.equal(session.status, 'fail');
    assert.match(session.detail, /; a refresh token is saved; the last refresh was refused .*: AADSTS70008$/);
    assert.equal(session.remedy, 'the saved refresh token no longer works: sign in again (d365fo-auth lcs login)');
  });

  it('--config NAME: its tenant is probed, its session and certificate-less app described; an unknown name is a usage error', async () => {
    assert.equal((await cli(['odata', 'config', 'add', 'App', '--tenant', emu.tenantDomain, '--url', 'https://contoso.operations.dynamics.com', '--client-id', CONF.clientId, '--client-secret-stdin'], { stdin: CONF.secret })).code, 0);
    assert.equal((await cli(['odata', 'config', 'add', 'User', '--tenant', emu.tenantId, '--url', 'https://contoso.operations.dynamics.com'])).code, 0);
    const app = await cli(['doctor', '--config', 'app']);
    assert.equal(app.code, 0, app.stdout);
    assert.match(lineOf(app.stdout, 'authority')!, new RegExp(`\\(tenant ${escape(emu.tenantDomain)}\\) answered`));
    assert.match(lineOf(app.stdout, 'odata "App"')!, new RegExp(`^\\[ok\\] {4}odata "App" {2}app tokens with a client secret for client id ${CONF.clientId}$`));
    assert.equal(lineOf(app.stdout, 'lcs session'), undefined);
    const user = await cli(['doctor', '--config', 'USER']);
    assert.equal(user.code, 0);
    assert.match(user.stdout, /\n\[warn\] {2}odata "User" {2}no session saved\n {22}what to do: sign in: d365fo-auth odata login --config User\n/);
    const unknown = await cli(['doctor', '--config', 'nope']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, 'error: there is no OData config named "nope".\nThe saved configs: App, User.\n');
    const both = await cli(['doctor', '--lcs', '--config', 'App']);
    assert.equal(both.code, 2);
  });

  it('no doctor output holds a secret', () => {
    for (const r of outputs) {
      for (const secret of [USER.password, CONF.secret]) assert.ok(!`${r.stdout}${r.stderr}`.includes(secret));
      assert.ok(!/eyJ[\w-]{10,}\.[\w-]{10,}\./.test(`${r.stdout}${r.stderr}`) || r.stdout.startsWith('Bearer '));
    }
  });
});
