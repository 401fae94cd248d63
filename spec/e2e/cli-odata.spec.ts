// `odata login` sessions saved under their config and refreshed by `odata token` (which client id
// signs in, and that it is said), `odata logout`, and client certificates: saved as checked file
// paths (a key that is not the certificate's is refused before anything is saved or sent), shown
// with thumbprint and expiry, and sent as a client assertion whose header names the certificate
// (seen by a relay in front of the emulator, which does not verify assertions yet).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { DEFAULT_INTERACTIVE_CLIENT_ID, EMULATOR_DEMO, startEmulator, type EmulatorHandle } from '../../lib/index.js';
import { BEARER_LINE, escape, runCli, runMain, type CliResult } from '../support/cli.js';

const PUBLIC = EMULATOR_DEMO.publicClient.clientId;
const CONF = EMULATOR_DEMO.confidentialClient;
const USER = EMULATOR_DEMO.user;
const FO = 'https://contoso.operations.dynamics.com';

describe('odata login sessions, odata token, odata logout (emulator)', () => {
  let emu: EmulatorHandle;
  let dir: string;
  let file: string;
  const outputs: CliResult[] = [];
  const cli = async (argv: string[], options: Parameters<typeof runCli>[1] = {}) => {
    const result = await runCli(argv, { ...options, env: { D365FO_AUTH_CONFIG: file, D365FO_AUTHORITY_HOST: emu.url, ...options.env } });
    outputs.push(result);
    return result;
  };
  const configs = () => JSON.parse(readFileSync(file, 'utf8')).odata.configs as Record<string, { session?: Record<string, unknown> }>;
  const refreshes = () => emu.requests.filter((r) => r.form['grant_type'] === 'refresh_token');

  before(async () => {
    emu = await startEmulator({ deviceCodeIntervalSeconds: 1, autoApproveDeviceCodeAfterSeconds: 1 });
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-odata-'));
    file = join(dir, 'config.json');
  });
  after(async () => {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('odata login --config: the first-party client (the config\'s is not marked public), the session saved under the config', async () => {
    assert.equal((await cli(['odata', 'config', 'add', 'Dev', '--tenant', emu.tenantDomain, '--url', FO, '--client-id', CONF.clientId])).code, 0);
    const r = await cli(['odata', 'login', '--config', 'dev']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, BEARER_LINE);
    assert.match(r.stderr, new RegExp(`^Client id: ${DEFAULT_INTERACTIVE_CLIENT_ID} \\(the first-party public client; the config's client id is not marked --public-client\\)\\.\\n`));
    assert.match(r.stderr, new RegExp(`\\nSigned in as ${escape(USER.username)}; session saved with OData config "Dev" in ${escape(file)}\\.\\n$`));
    const session = configs()['Dev']!.session!;
    assert.equal(`Bearer ${session['accessToken']}\n`, r.stdout);
    assert.equal(session['clientId'], DEFAULT_INTERACTIVE_CLIENT_ID);
    assert.equal(typeof session['refreshToken'], 'string');
    assert.equal(JSON.parse((await cli(['odata', 'config', 'list'])).stdout)[0].hasSession, true);
  });

  it('odata token --config: the saved session while valid (no request), refreshed with the client that signed in', async () => {
    const session = configs()['Dev']!.session!;
    const before = emu.requests.length;
    const cached = await cli(['odata', 'token', '--config', 'DEV']);
    assert.equal(cached.code, 0, cached.stderr);
    assert.equal(cached.stdout, `Bearer ${session['accessToken']}\n`);
    assert.equal(emu.requests.length, before);
    const refreshed = await cli(['odata', 'token', '--config', 'dev', '--min-validity', '4000', '--json']);
    assert.equal(refreshed.code, 0, refreshed.stderr);
    const json = JSON.parse(refreshed.stdout);
    assert.notEqual(json.accessToken, session['accessToken']);
    assert.equal(json.resource, FO);
    assert.equal(refreshes().at(-1)?.form['client_id'], DEFAULT_INTERACTIVE_CLIENT_ID);
    assert.equal(configs()['Dev']!.session!['refreshToken'], json.refreshToken, 'the newest refresh token saved');
  });

  it('a config marked --public-client signs in with its own client id, and says so; --client-id wins', async () => {
    assert.equal((await cli(['odata', 'config', 'add', 'Pub', '--tenant', emu.tenantDomain, '--url', FO, '--client-id', PUBLIC, '--public-client'])).code, 0);
    const own = await cli(['odata', 'login', '--config', 'pub']);
    assert.equal(own.code, 0, own.stderr);
    assert.match(own.stderr, new RegExp(`^Client id: ${PUBLIC} \\(OData config "Pub", a public client\\)\\.\\n`));
    assert.equal(configs()['Pub']!.session!['clientId'], PUBLIC);
    const refreshed = await cli(['odata', 'token', '--config', 'pub', '--min-validity', '4000']);
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.equal(refreshes().at(-1)?.form['client_id'], PUBLIC);
    const flag = await cli(['odata', 'login', '--config', 'pub', '--client-id', DEFAULT_INTERACTIVE_CLIENT_ID]);
    assert.equal(flag.code, 0, flag.stderr);
    assert.match(flag.stderr, new RegExp(`^Client id: ${DEFAULT_INTERACTIVE_CLIENT_ID} \\(--client-id\\)\\.\\n`));
  });

  it('--tenant/--url: signed in, nothing saved; a config with a client credential keeps getting app tokens, and says so', async () => {
    const before = readFileSync(file, 'utf8');
    const flags = await cli(['odata', 'login', '--tenant', emu.tenantDomain, '--url', FO]);
    assert.equal(flags.code, 0, flags.stderr);
    assert.match(flags.stderr, new RegExp(`\\nSigned in as ${escape(USER.username)}\\.\\n$`));
    assert.equal(readFileSync(file, 'utf8'), before);
    const add = await cli(['odata', 'config', 'add', 'App', '--tenant', emu.tenantDomain, '--url', FO, '--client-id', CONF.clientId, '--client-secret-stdin'], { stdin: CONF.secret });
    assert.equal(add.code, 0, add.stderr);
    const app = await cli(['odata', 'login', '--config', 'App']);
    assert.equal(app.code, 0, app.stderr);
    assert.match(app.stderr, /\nSigned in as [^\n]+\. Not saved: OData config "App" has a client credential, so "odata token" gets app tokens for it\.\n$/);
    assert.equal(configs()['App']!.session, undefined);
  });

  it('odata token with --tenant/--url needs a credential (exit 2, no request); D365FO_CLIENT_SECRET serves a confidential client id', async () => {
    const before = emu.requests.length;
    const none = await cli(['odata', 'token', '--tenant', emu.tenantDomain, '--url', FO]);
    assert.equal(none.code, 2);
    assert.equal(
      none.stderr,
      'error: --tenant and --url need --client-id and a credential: --client-secret-stdin, D365FO_CLIENT_SECRET or --certificate-file.\n' +
        'For a person\'s token, run "d365fo-auth odata login" (or save a config and sign in to it: "odata config add", then "odata login --config NAME").\n',
    );
    assert.equal(emu.requests.length, before);
    const env = await cli(['odata', 'token', '--config', 'dev', '--json'], { env: { D365FO_CLIENT_SECRET: CONF.secret } });
    assert.equal(env.code, 0, env.stderr);
    assert.equal(emu.requests.at(-1)?.form['grant_type'], 'client_credentials', 'the environment\'s secret for the config\'s confidential client id');
  });

  it('odata logout [NAME]: the session goes, the config stays; odata token then says to sign in (exit 4)', async () => {
    const r = await cli(['odata', 'logout', 'DEV']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `Signed out of OData config "Dev": its session is removed from ${file}; the config stays.\n`);
    assert.equal(configs()['Dev']!.session, undefined);
    assert.ok(configs()['Pub']!.session, 'another config\'s session stays');
    const token = await cli(['odata', 'token', '--config', 'dev']);
    assert.equal(token.code, 4);
    assert.equal(token.stderr, `error: No session to refresh is saved in ${file}: sign in first with \`d365fo-auth odata login --config dev\`.\n`);
    const active = await cli(['odata', 'logout']);
    assert.equal(active.code, 0);
    assert.equal(active.stderr, `Signed out of OData config "Dev": its session is removed from ${file}; the config stays.\n`, 'the active one');
    const unknown = await cli(['odata', 'logout', 'nope']);
    assert.equal(unknown.code, 2);
  });

  it('odata login --browser (in process): the address with the environment as resource, the io opener; --timeout ends it (exit 3)', async () => {
    const opened: string[] = [];
    const r = await runMain(['odata', 'login', '--config', 'pub', '--browser', '--timeout', '1', '--authority-host', emu.url], {
      env: { D365FO_AUTH_CONFIG: file },
      openUrl: async (url) => {
        opened.push(url);
        return { done: true, how: 'the spec' };
      },
    });
    assert.equal(r.code, 3, r.stderr);
    const url = new URL(opened[0]!);
    assert.equal(`${url.origin}${url.pathname}`, `${emu.url}/${emu.tenantDomain}/oauth2/authorize`);
    assert.equal(url.searchParams.get('resource'), FO);
    assert.equal(url.searchParams.get('client_id'), PUBLIC);
    assert.match(r.stderr, /\nerror: Nobody finished the browser sign-in within 1 s \(--timeout\)\.\n$/);
  });

  it('no output above shows a secret or a token on stderr', () => {
    for (const r of outputs) {
      assert.ok(!r.stderr.includes(CONF.secret) && !r.stdout.includes(CONF.secret));
      assert.ok(!/eyJ[\w-]{10,}\.[\w-]{10,}\./.test(r.stderr));
    }
  });
});

/** A relay in front of the emulator that keeps every request body as sent (the emulator's log redacts assertions). */
async function relay(target: string): Promise<{ url: string; bodies: URLSearchParams[]; close(): Promise<void> }> {
  const bodies: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'POST') bodies.push(new URLSearchParams(body.toString('utf8')));
      // the Host header stays the relay's: the address the client posted to, which its assertion's aud names
      const upstream = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('client certificates: odata config add/set/show and odata token (emulator behind a relay)', () => {
  let emu: EmulatorHandle;
  let hop: Awaited<ReturnType<typeof relay>>;
  let dir: string;
  let file: string;
  const pem: Record<string, string> = {};
  const cli = (argv: string[], options: Parameters<typeof runCli>[1] = {}) =>
    runCli(argv, { ...options, env: { D365FO_AUTH_CONFIG: file, D365FO_AUTHORITY_HOST: hop.url, ...options.env } });
  const der = (certificateFile: string) => new X509Certificate(readFileSync(certificateFile)).raw;
  const x5t = (certificateFile: string) => createHash('sha1').update(der(certificateFile)).digest('base64url');
  const thumbprint = (certificateFile: string) => createHash('sha1').update(der(certificateFile)).digest('hex').toUpperCase();
  const add = (name: string, flags: string[], options: Parameters<typeof runCli>[1] = {}) =>
    cli(['odata', 'config', 'add', name, '--tenant', emu.tenantDomain, '--url', FO, '--client-id', CONF.clientId, ...flags], options);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-certs-'));
    file = join(dir, 'config.json');
    const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
    for (const [name, days, cn] of [['app', '400', 'app'], ['other', '400', 'other'], ['soon', '10', 'soon']] as const) {
      pem[`${name}Key`] = join(dir, `${name}.key`);
      pem[`${name}Cert`] = join(dir, `${name}.crt`);
      openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', pem[`${name}Key`]!, '-out', pem[`${name}Cert`]!, '-days', days, '-subj', `/CN=${cn}`);
    }
    pem['encKey'] = join(dir, 'app-encrypted.key');
    openssl('pkey', '-in', pem['appKey']!, '-aes256', '-passout', 'pass:correct horse', '-out', pem['encKey']!);
    pem['both'] = join(dir, 'both.pem');
    writeFileSync(pem['both'], `${readFileSync(pem['appCert']!, 'utf8')}${readFileSync(pem['appKey']!, 'utf8')}`);
    pem['notPem'] = join(dir, 'not.pem');
    writeFileSync(pem['notPem'], 'hello\n');
    // the app's certificate is registered with the confidential demo client (beside its secret)
    emu = await startEmulator({ clients: [EMULATOR_DEMO.publicClient, { ...CONF, certificates: [readFileSync(pem['appCert']!, 'utf8'), readFileSync(pem['soonCert']!, 'utf8')] }] });
    hop = await relay(emu.url);
  });
  after(async () => {
    await hop.close();
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('config add saves the absolute file paths, never key material; show gives thumbprint, subject and expiry', async () => {
    // a relative path is saved absolute (in process: relative to this process's folder)
    const r = await runMain(['odata', 'config', 'add', 'Cert', '--tenant', emu.tenantDomain, '--url', FO, '--client-id', CONF.clientId, '--certificate-file', relative(process.cwd(), pem['appCert']!), '--key-file', pem['appKey']!], {
      env: { D365FO_AUTH_CONFIG: file },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `Saved OData config "Cert" in ${file}.\n`);
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /PRIVATE KEY|BEGIN CERTIFICATE/);
    const saved = JSON.parse(text).odata.configs.Cert;
    assert.equal(saved.certificateFile, pem['appCert']);
    assert.equal(saved.keyFile, pem['appKey']);
    const show = await cli(['odata', 'config', 'show', 'cert']);
    assert.equal(show.code, 0, show.stderr);
    assert.equal(show.stderr, '', 'no warning for a certificate valid 400 days');
    const shown = JSON.parse(show.stdout);
    assert.equal(shown.certificate.thumbprint, thumbprint(pem['appCert']!));
    assert.equal(shown.certificate.subject, 'CN=app');
    assert.equal(shown.certificate.notAfter, new Date(new X509Certificate(readFileSync(pem['appCert']!)).validTo).toISOString());
    assert.ok(shown.certificate.expiresInDays >= 398 && shown.certificate.expiresInDays <= 400);
  });

  it('a key that is not the certificate\'s, a missing file, a file without a certificate or key: exit 2 naming the file, nothing saved', async () => {
    const before = readFileSync(file, 'utf8');
    const mismatch = await add('Bad', ['--certificate-file', pem['appCert']!, '--key-file', pem['otherKey']!]);
    assert.equal(mismatch.code, 2);
    assert.equal(mismatch.stdout, '');
    assert.equal(mismatch.stderr, `error: the private key in ${pem['otherKey']} does not belong to the certificate in ${pem['appCert']} (thumbprint ${thumbprint(pem['appCert']!)}): give the key the certificate was issued for.\n`);
    const missing = await add('Bad', ['--certificate-file', join(dir, 'missing.crt')]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, `error: --certificate-file ${join(dir, 'missing.crt')}: no such file.\n`);
    const notPem = await add('Bad', ['--certificate-file', pem['notPem']!]);
    assert.equal(notPem.code, 2);
    assert.match(notPem.stderr, new RegExp(`^error: --certificate-file ${escape(pem['notPem']!)} holds no PEM certificate`));
    const noKey = await add('Bad', ['--certificate-file', pem['appCert']!]);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, new RegExp(`^error: --certificate-file ${escape(pem['appCert']!)} holds no private key: give the key's PEM file with --key-file`));
    const both = await add('Bad', ['--certificate-file', pem['appCert']!, '--client-secret-stdin'], { stdin: 'x' });
    assert.equal(both.code, 2);
    assert.equal(both.stderr, 'error: give --client-secret-stdin or --certificate-file, not both.\n');
    const keyAlone = await add('Bad', ['--key-file', pem['appKey']!]);
    assert.equal(keyAlone.code, 2);
    assert.equal(keyAlone.stderr, 'error: --key-file goes with --certificate-file.\n');
    const publicWithCertificate = await add('Bad', ['--certificate-file', pem['both']!, '--public-client']);
    assert.equal(publicWithCertificate.code, 2);
    assert.equal(publicWithCertificate.stderr, 'error: OData config "Bad": A public client has no client secret or certificate: drop --public-client, or the credential.\n');
    assert.equal(readFileSync(file, 'utf8'), before);
  });

  it('an encrypted key needs its passphrase (stdin or D365FO_KEY_PASSPHRASE), which is never saved; a wrong one is refused', async () => {
    const flags = ['--certificate-file', pem['appCert']!, '--key-file', pem['encKey']!];
    const none = await add('Enc', flags);
    assert.equal(none.code, 2);
    assert.equal(none.stderr, `error: the private key in ${pem['encKey']} is encrypted: give its passphrase with --key-passphrase-stdin or D365FO_KEY_PASSPHRASE (it is never saved).\n`);
    const wrong = await add('Enc', [...flags, '--key-passphrase-stdin'], { stdin: 'wrong' });
    assert.equal(wrong.code, 2);
    assert.equal(wrong.stderr, `error: the private key in ${pem['encKey']} could not be opened with the passphrase given.\n`);
    const right = await add('Enc', [...flags, '--key-passphrase-stdin'], { stdin: 'correct horse\n' });
    assert.equal(right.code, 0, right.stderr);
    assert.doesNotMatch(readFileSync(file, 'utf8'), /correct horse/);
    const token = await cli(['odata', 'token', '--config', 'enc']);
    assert.equal(token.code, 2, 'the passphrase is asked for again when the key is used');
    assert.match(token.stderr, /is encrypted: give its passphrase/);
    const fromEnv = await cli(['odata', 'token', '--config', 'enc'], { env: { D365FO_KEY_PASSPHRASE: 'correct horse' } });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.equal(hop.bodies.at(-1)?.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  });

  it('odata token with a saved certificate: the request carries a client assertion whose x5t is the certificate\'s SHA-1; no secret, no key', async () => {
    const before = hop.bodies.length;
    const r = await cli(['odata', 'token', '--config', 'cert']);
    // the emulator verified the assertion against the registered certificate
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Bearer ey/);
    assert.equal(hop.bodies.length - before, 1);
    const form = hop.bodies.at(-1)!;
    assert.equal(form.get('grant_type'), 'client_credentials');
    assert.equal(form.get('client_id'), CONF.clientId);
    assert.equal(form.get('resource'), FO);
    assert.equal(form.get('client_secret'), null);
    assert.equal(form.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const assertion = form.get('client_assertion')!;
    assert.deepEqual(decodeProtectedHeader(assertion), { alg: 'RS256', typ: 'JWT', x5t: x5t(pem['appCert']!) });
    const claims = decodeJwt(assertion);
    assert.equal(claims.aud, `${hop.url}/${emu.tenantDomain}/oauth2/token`);
    assert.equal(claims.iss, CONF.clientId);
    assert.equal(claims.sub, CONF.clientId);
    assert.equal(claims.exp! - claims.iat!, 600);
    assert.ok(!r.stderr.includes('PRIVATE') && !r.stderr.includes(assertion));
    const received = emu.requests.at(-1)!;
    assert.equal(received.form['client_assertion_type'], 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'the emulator received it');
  });

  it('odata token with a one-off certificate from flags (--x5c sends the chain); a mismatched key is refused before sending (exit 2)', async () => {
    const flags = ['odata', 'token', '--tenant', emu.tenantId, '--url', FO, '--client-id', CONF.clientId];
    const before = hop.bodies.length;
    const bad = await cli([...flags, '--certificate-file', pem['appCert']!, '--key-file', pem['otherKey']!]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: the private key in .* does not belong to the certificate in /);
    assert.equal(hop.bodies.length, before, 'nothing sent');
    const r = await cli([...flags, '--certificate-file', pem['both']!, '--x5c']);
    assert.equal(r.code, 0, r.stderr);
    const header = decodeProtectedHeader(hop.bodies.at(-1)!.get('client_assertion')!);
    assert.equal(header.x5t, x5t(pem['appCert']!));
    assert.deepEqual(header.x5c, [der(pem['appCert']!).toString('base64')]);
  });

  it('config set switches between secret and certificate, --remove-credential drops either; show warns of a certificate that expires within 30 days', async () => {
    const secret = await cli(['odata', 'config', 'set', 'Cert', '--client-secret-stdin'], { stdin: CONF.secret });
    assert.equal(secret.code, 0, secret.stderr);
    let cfg = JSON.parse((await cli(['odata', 'config', 'show', 'Cert'])).stdout);
    assert.equal(cfg.hasClientSecret, true);
    assert.equal(cfg.certificateFile, undefined);
    const token = await cli(['odata', 'token', '--config', 'Cert']);
    assert.equal(token.code, 0, token.stderr);
    const soon = await cli(['odata', 'config', 'set', 'Cert', '--certificate-file', pem['soonCert']!, '--key-file', pem['soonKey']!]);
    assert.equal(soon.code, 0, soon.stderr);
    assert.match(soon.stderr, new RegExp(`^warning: the certificate in ${escape(pem['soonCert']!)} \\(thumbprint ${thumbprint(pem['soonCert']!)}\\) expires on \\S+, in (9|10) days: renew it and upload the new one to the app registration\\.\\n`));
    const show = await cli(['odata', 'config', 'show', 'Cert']);
    assert.equal(show.code, 0);
    cfg = JSON.parse(show.stdout);
    assert.equal(cfg.hasClientSecret, false);
    assert.equal(cfg.certificate.subject, 'CN=soon');
    assert.match(show.stderr, /^warning: the certificate in .* expires on .*, in (9|10) days/);
    const removed = await cli(['odata', 'config', 'set', 'Cert', '--remove-credential']);
    assert.equal(removed.code, 0, removed.stderr);
    cfg = JSON.parse((await cli(['odata', 'config', 'show', 'Cert'])).stdout);
    assert.equal(cfg.hasClientSecret, false);
    assert.equal(cfg.certificateFile, undefined);
    assert.equal(cfg.keyFile, undefined);
    const publicClient = await cli(['odata', 'config', 'set', 'Cert', '--public-client']);
    assert.equal(publicClient.code, 0, publicClient.stderr);
    assert.equal(JSON.parse((await cli(['odata', 'config', 'show', 'Cert'])).stdout).publicClient, true);
    const keyWithoutCertificate = await cli(['odata', 'config', 'set', 'Cert', '--key-file', pem['appKey']!]);
    assert.equal(keyWithoutCertificate.code, 2);
    assert.equal(keyWithoutCertificate.stderr, 'error: --key-file goes with --certificate-file.\n');
  });
});
