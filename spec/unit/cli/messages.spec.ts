// What main() prints for errors and warnings: library option names said as flags (from InputError's
// `option`, and today's known messages), network failures with hints (proxy without credentials),
// and nothing a server sent reaching the terminal as an escape sequence or control character.
// A command's run() is stubbed to throw or warn what a library call would.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { cleanLine } from '../../../lib/cli/clean.js';
import { warn } from '../../../lib/cli/common.js';
import { COMMANDS } from '../../../lib/cli/main.js';
import type { Command, Context } from '../../../lib/cli/table.js';
import { inOwnWords } from '../../../lib/cli/words.js';
import { ConfigError, DeviceCodeError, InputError, OAuthError, TransportError } from '../../../lib/index.js';
import { runMain } from '../../support/cli.js';

const decode = COMMANDS.find((c) => c.path.join(' ') === 'decode')! as Command;
const realRun = decode.run;

/** main(['decode']) with decode's run() replaced. */
async function withRun(run: (ctx: Context) => Promise<number>, env: Record<string, string> = {}) {
  decode.run = run;
  try {
    return await runMain(['decode'], { env });
  } finally {
    decode.run = realRun;
  }
}
const throwing = (error: unknown, env: Record<string, string> = {}) => withRun(async () => Promise.reject(error), env);

describe('CLI messages', () => {
  after(() => {
    decode.run = realRun;
  });

  describe('in the CLI\'s own words', () => {
    it('an InputError naming its option: the option word becomes the flag (first use only)', async () => {
      const error = new InputError('tenant is required for client credentials and must be the tenant GUID or domain.', 'ERR_INVALID_INPUT', 'tenant');
      const r = await throwing(error);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, 'error: --tenant is required for client credentials and must be the tenant GUID or domain.\n');
    });

    it('today\'s library messages that name options without `option`', () => {
      assert.equal(
        inOwnWords('An OData config named "Dev" already exists; pass force to overwrite it.'),
        'An OData config named "Dev" already exists; pass --force to overwrite it.',
      );
      assert.equal(inOwnWords('Nobody finished the device-code sign-in within 8 s (timeoutSeconds).'), 'Nobody finished the device-code sign-in within 8 s (--timeout).');
      assert.equal(inOwnWords('authorityHost must use https (got ftp).'), '--authority-host must use https (got ftp).');
      assert.equal(
        inOwnWords('clientId is required: pass it, or save it once with `d365fo-auth lcs config set --client-id <app id>`.'),
        '--client-id is required: pass it, or save it once with `d365fo-auth lcs config set --client-id <app id>`.',
      );
      assert.equal(inOwnWords('OData config "clientId": url must be an https URL.'), 'OData config "clientId": --url must be an https URL.', 'a quoted name is left alone');
      assert.equal(inOwnWords('lcsApiUri is not a valid URL; use one like https://lcsapi.lcs.dynamics.com.'), '--lcs-api-uri is not a valid URL; use one like https://lcsapi.lcs.dynamics.com.');
      assert.equal(inOwnWords('No complete answer from https://x/t/oauth2/token within 30000 ms (timeoutMs).'), 'No complete answer from https://x/t/oauth2/token within 30000 ms.');
      assert.equal(inOwnWords('/home/a/projectId/config.json is not valid JSON.'), '/home/a/projectId/config.json is not valid JSON.', 'a path is left alone');
    });

    it('through main(): a device-code timeout, a config error, an existing config', async () => {
      const timeout = await throwing(new DeviceCodeError('ERR_DEVICE_CODE_TIMEOUT', 'Nobody finished the device-code sign-in within 8 s (timeoutSeconds).'));
      assert.equal(timeout.code, 3);
      assert.equal(timeout.stderr, 'error: Nobody finished the device-code sign-in within 8 s (--timeout).\n');
      const exists = await throwing(new InputError('An OData config named "Dev" already exists; pass force to overwrite it.'));
      assert.equal(exists.code, 2);
      assert.equal(exists.stderr, 'error: An OData config named "Dev" already exists; pass --force to overwrite it.\n');
      const config = await throwing(new ConfigError('No LCS session is saved in /tmp/x.json.', '/tmp/x.json'));
      assert.equal(config.code, 4);
      assert.equal(config.stderr, 'error: No LCS session is saved in /tmp/x.json.\n');
    });

    it('warnings through onWarning say the flag, and are cleaned', async () => {
      const r = await withRun(async (ctx) => {
        warn(ctx, 'https://lcsapi.example.com is not a known LCS API host; signing in on the public authority https://login.microsoftonline.com (pass authorityHost to change it).\u001b[2J');
        return 0;
      });
      assert.equal(r.code, 0);
      assert.equal(r.stderr, 'warning: https://lcsapi.example.com is not a known LCS API host; signing in on the public authority https://login.microsoftonline.com (pass --authority-host to change it).\n');
    });
  });

  describe('network failures with a hint', () => {
    const refused = new TransportError('ERR_TRANSPORT', 'Could not reach https://login.example.com/common/oauth2/token: connect ECONNREFUSED 10.0.0.1:443.', {
      url: 'https://login.example.com/common/oauth2/token',
      reason: 'ECONNREFUSED',
    });

    it('refused: the error line, then what to check, with the proxy from the environment and no credentials', async () => {
      const r = await throwing(refused, { HTTPS_PROXY: 'http://user:pa55word@proxy.corp:8080', NO_PROXY: 'localhost,127.0.0.1' });
      assert.equal(r.code, 3);
      assert.equal(r.stdout, '');
      assert.equal(
        r.stderr,
        'error: Could not reach https://login.example.com/common/oauth2/token: connect ECONNREFUSED 10.0.0.1:443.\n' +
          'hint: nothing accepts connections at login.example.com (set with --authority-host or D365FO_AUTHORITY_HOST): is the address and port right, and is the server (or emulator) running? ' +
          'the proxy http://proxy.corp:8080 (from HTTPS_PROXY, NO_PROXY=localhost,127.0.0.1) is used: is it right, and does it let this through?\n' +
          'hint: run `d365fo-auth doctor` to check the network, proxy, TLS and clock.\n',
      );
      assert.ok(!r.stderr.includes('pa55word') && !r.stderr.includes('user:'));
    });

    it('no such name, no proxy', async () => {
      const r = await throwing(new TransportError('ERR_TRANSPORT', 'Could not reach https://login.exmaple.com/x: getaddrinfo ENOTFOUND login.exmaple.com.', { url: 'https://login.exmaple.com/x', reason: 'ENOTFOUND' }));
      assert.equal(r.code, 3);
      assert.match(r.stderr, /\nhint: the name login\.exmaple\.com does not resolve: check its spelling \(--authority-host, D365FO_AUTHORITY_HOST\) and this machine's DNS; no proxy is set \(HTTPS_PROXY is empty; set it if this network needs one\)\nhint: run `d365fo-auth doctor` to check the network, proxy, TLS and clock\.\n$/);
    });

    it('an untrusted certificate points at NODE_EXTRA_CA_CERTS', async () => {
      for (const reason of ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT']) {
        const r = await throwing(new TransportError('ERR_TRANSPORT', 'Could not reach https://login.microsoftonline.com/x: self-signed certificate.', { url: 'https://login.microsoftonline.com/x', reason }));
        assert.equal(r.code, 3);
        assert.match(r.stderr, new RegExp(`\\nhint: the TLS certificate of login\\.microsoftonline\\.com is not trusted \\(${reason}\\): a TLS-inspecting proxy or firewall\\? Point NODE_EXTRA_CA_CERTS at its CA certificate`));
      }
    });

    it('reset and timed out: the firewall and the proxy', async () => {
      const reset = await throwing(new TransportError('ERR_TRANSPORT', 'Could not reach https://h/x: read ECONNRESET.', { url: 'https://h/x', reason: 'ECONNRESET' }), { https_proxy: 'http://p:3128' });
      assert.match(reset.stderr, /\nhint: the connection to h got no answer or was cut \(ECONNRESET\): a firewall in the way\? the proxy http:\/\/p:3128 \(from https_proxy, NO_PROXY is empty\) is used/);
      const timeout = await throwing(new TransportError('ERR_TIMEOUT', 'No complete answer from https://h/x within 30000 ms (timeoutMs).', { url: 'https://h/x' }));
      assert.equal(timeout.code, 3);
      assert.match(timeout.stderr, /^error: No complete answer from https:\/\/h\/x within 30000 ms\.\nhint: h did not answer in time: a firewall that drops the connection, or a slow or wrong proxy; no proxy is set/);
    });
  });

  describe('server strings are cleaned before they are printed', () => {
    const HOSTILE = 'Bad\u001b[2J password\u0007 \u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007 here\r\nnext\u009b31m line \u202eevil\u2066';

    it('cleanLine strips ESC/CSI/OSC-8 sequences, BEL, C1, bidi controls; line breaks become spaces', () => {
      assert.equal(cleanLine(HOSTILE), 'Bad password click here next line evil');
    });

    it('an OAuthError\'s message, remedy and ids reach stderr without any control character', async () => {
      const error = new OAuthError(`invalid_grant (AADSTS50126): ${HOSTILE}`, {
        status: 400,
        error: 'invalid_grant',
        errorDescription: HOSTILE,
        errorCodes: [50126],
        traceId: 'trace\u001b[31m-1',
        correlationId: 'corr\u0007-2',
        remedy: `Check it.${HOSTILE}`,
      });
      const r = await throwing(error);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.equal(
        r.stderr,
        'error: invalid_grant (AADSTS50126): Bad password click here next line evil\n' +
          'what to do: Check it.Bad password click here next line evil\n' +
          '(trace id trace-1, correlation id corr-2)\n',
      );
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(r.stderr.replace(/\n/g, ''), /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    });
  });
});
