import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS, exitCodeOf } from '../../../lib/cli/main.js';
import { findCommand } from '../../../lib/cli/args.js';
import { ConfigError, DeviceCodeError, InputError, OAuthError, ResponseError, TransportError } from '../../../lib/index.js';
import { runMain } from '../../support/cli.js';

describe('CLI main()', () => {
  it('prints help with every command and the exit codes, exit 0', async () => {
    const { code, stdout } = await runMain(['--help']);
    assert.equal(code, 0);
    for (const command of COMMANDS) assert.match(stdout, new RegExp(`  ${command.path.join(' ')}`));
    assert.match(stdout, /130  cancelled \(Ctrl-C\)/);
    assert.match(stdout, /2    usage error/);
  });

  it('prints per-command help generated from its option table', async () => {
    const { code, stdout } = await runMain(['lcs', 'login', '--help']);
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: d365fo-auth lcs login \[options\]/);
    assert.match(stdout, /--password-stdin/);
    assert.match(stdout, /--username UPN/);
    assert.match(stdout, /--authority-host URL/);
  });

  it('accepts global flags before and after the command', async () => {
    const before = await runMain(['--verbose', 'lcs', 'login', '--help']);
    const after = await runMain(['lcs', 'login', '--help', '--verbose']);
    assert.equal(before.code, 0);
    assert.equal(after.code, 0);
    assert.equal(before.stdout, after.stdout);
    assert.deepEqual(findCommand(['--config-file', 'x.json', 'odata', 'config', 'show', 'A'], COMMANDS).words, ['odata', 'config', 'show']);
  });

  it('refuses an unknown option with exit 2 and names it', async () => {
    const { code, stderr, stdout } = await runMain(['lcs', 'login', '--pasword', 'x']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /Unknown option '--pasword'/);
  });

  it('refuses an unknown command with exit 2', async () => {
    const { code, stderr } = await runMain(['lcs', 'frobnicate']);
    assert.equal(code, 2);
    assert.match(stderr, /unknown command "lcs frobnicate"/);
  });

  it('prints the version', async () => {
    const { code, stdout } = await runMain(['--version']);
    assert.equal(code, 0);
    assert.match(stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('asks for a password source instead of taking one from argv', async () => {
    const { code, stderr } = await runMain(['lcs', 'login', '--username', 'svc@contoso.com']);
    assert.equal(code, 2);
    assert.equal(stderr, 'error: lcs login needs a password: pipe it with --password-stdin, or set D365FO_PASSWORD.\n');
  });

  it('maps every error kind to its documented exit code', () => {
    assert.equal(exitCodeOf(new InputError('x')), 2);
    assert.equal(exitCodeOf(new OAuthError('x', { status: 400, error: 'invalid_grant' })), 1);
    assert.equal(exitCodeOf(new OAuthError('x', { status: 400, error: 'invalid_grant' }, 'ERR_SIGN_IN_REQUIRED')), 1);
    assert.equal(exitCodeOf(new TransportError('ERR_TRANSPORT', 'x', { url: 'u' })), 3);
    assert.equal(exitCodeOf(new TransportError('ERR_TIMEOUT', 'x', { url: 'u' })), 3);
    assert.equal(exitCodeOf(new TransportError('ERR_ABORTED', 'x', { url: 'u' })), 130);
    assert.equal(exitCodeOf(new ResponseError('ERR_NOT_JSON', 'x', { status: 200, url: 'u' })), 3);
    assert.equal(exitCodeOf(new DeviceCodeError('ERR_DEVICE_CODE_TIMEOUT', 'x')), 3);
    assert.equal(exitCodeOf(new DeviceCodeError('ERR_DEVICE_CODE_DECLINED', 'x')), 1);
    assert.equal(exitCodeOf(new ConfigError('x')), 4);
    assert.equal(exitCodeOf(new Error('boom')), 1);
  });

  it('decode prints the claims of a token from argv or stdin and never verifies', async () => {
    const payload = Buffer.from(JSON.stringify({ upn: 'a@contoso.com', exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
    const jwt = `eyJhbGciOiJub25lIn0.${payload}.`;
    const fromArg = await runMain(['decode', jwt]);
    const fromStdin = await runMain(['decode', '-'], { stdin: `${jwt}\n` });
    for (const result of [fromArg, fromStdin]) {
      assert.equal(result.code, 0);
      assert.equal(JSON.parse(result.stdout).upn, 'a@contoso.com');
      assert.match(result.stderr, /\(in (9|10) minutes\)/);
      assert.match(result.stderr, /not verified/);
    }
  });

  it('decode warns when the token starts in the future (clock behind)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = Buffer.from(JSON.stringify({ nbf: now + 1200, iat: now + 1200, exp: now + 4800 })).toString('base64url');
    const { code, stderr } = await runMain(['decode', `eyJhbGciOiJub25lIn0.${payload}.`]);
    assert.equal(code, 0);
    assert.match(stderr, /warning: the token is valid only from 20 minutes in the future/);
  });

  it('decode of garbage is a usage error', async () => {
    const { code, stderr } = await runMain(['decode', 'not-a-jwt']);
    assert.equal(code, 2);
    assert.match(stderr, /not a decodable JWT/);
  });
});
