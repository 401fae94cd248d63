// main(argv, io) in process: the command table's help pages, the parser's one-line errors with
// suggestions, the JSON flag and its alias, exit codes, and decode.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS, exitCodeOf } from '../../../lib/cli/main.js';
import { findCommand } from '../../../lib/cli/args.js';
import { CancelledError, UsageError } from '../../../lib/cli/errors.js';
import { ConfigError, DeviceCodeError, InputError, OAuthError, ResponseError, TransportError } from '../../../lib/index.js';
import { runMain } from '../../support/cli.js';

const jwt = (claims: Record<string, unknown> | string) =>
  `eyJhbGciOiJub25lIn0.${Buffer.from(typeof claims === 'string' ? claims : JSON.stringify(claims)).toString('base64url')}.`;

describe('CLI main(): help', () => {
  it('the overview (--help, help): every command, the global options and the exit codes, on stdout, exit 0', async () => {
    const flag = await runMain(['--help']);
    const word = await runMain(['help']);
    assert.equal(flag.code, 0);
    assert.equal(flag.stderr, '');
    assert.equal(word.stdout, flag.stdout);
    for (const command of COMMANDS) assert.match(flag.stdout, new RegExp(`\\n  ${command.path.join(' ')}`));
    assert.match(flag.stdout, /\nGlobal options \(before or after the command\):\n  --authority-host URL/);
    assert.match(flag.stdout, /\n  130  cancelled \(Ctrl-C\)\n/);
    assert.match(flag.stdout, /\n  2    usage error/);
  });

  it('a command page: usage with the required options, one-line summary, options marked (required), examples, a pointer; no global options or exit codes', async () => {
    const { code, stdout, stderr } = await runMain(['odata', 'config', 'add', '--help']);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    assert.match(stdout, /^Usage: d365fo-auth odata config add NAME --tenant T --url U \[options\]\n\nSave a named OData connection[^\n]*\n\nOptions:\n/);
    assert.match(stdout, /\n  --tenant T +tenant GUID or domain, e\.g\. contoso\.onmicrosoft\.com \(required\)\n/);
    assert.match(stdout, /\n  --force +overwrite an existing config of that name\n/);
    assert.match(stdout, /\nExamples:\n  d365fo-auth odata config add Dev --tenant/);
    assert.match(stdout, /\nGlobal options and exit codes: d365fo-auth help\n$/);
    assert.doesNotMatch(stdout, /Exit codes|130|--authority-host/);
  });

  it('every command has 2-4 examples that start with the program (or a comment, or a pipe into it)', () => {
    for (const command of COMMANDS) {
      const runs = command.examples.filter((line) => !line.startsWith('#'));
      assert.ok(runs.length >= 2 && runs.length <= 4, `${command.path.join(' ')}: ${runs.length} examples`);
      for (const line of runs) assert.match(line, /d365fo-auth /, `${command.path.join(' ')}: ${line}`);
    }
  });

  it('help COMMAND... and COMMAND --help print the same page; help GROUP prints the group', async () => {
    const viaWord = await runMain(['help', 'lcs', 'login']);
    const viaFlag = await runMain(['lcs', 'login', '--help']);
    assert.equal(viaWord.code, 0);
    assert.equal(viaWord.stdout, viaFlag.stdout);
    assert.match(viaWord.stdout, /^Usage: d365fo-auth lcs login \[options\]\n/);
    assert.match((await runMain(['help', 'token'])).stdout, /^Usage: d365fo-auth token --resource URL \[options\]\n/);
    const group = await runMain(['help', 'odata', 'config']);
    assert.equal(group.code, 0);
    assert.match(group.stdout, /^Usage: d365fo-auth odata config <command> \[options\]\n\nCommands:\n  odata config add NAME /);
  });

  it('--json on every command that prints a token or data; help lists --json and names --raw once, as its alias', async () => {
    for (const path of [['lcs', 'login'], ['lcs', 'token'], ['lcs', 'refresh'], ['odata', 'login'], ['odata', 'token'], ['odata', 'config', 'list'], ['odata', 'config', 'show'], ['lcs', 'config', 'show'], ['decode'], ['token'], ['doctor']]) {
      const { stdout } = await runMain([...path, '--help']);
      assert.match(stdout, /\n  --json +print JSON[^\n]*alias: --raw\)\n/, path.join(' '));
      assert.equal(stdout.match(/--raw/g)?.length, 1, path.join(' '));
    }
  });

  it('a bare group prints its commands, one line each, on stderr, exit 2; no arguments print the top level', async () => {
    const lcs = await runMain(['lcs']);
    assert.equal(lcs.code, 2);
    assert.equal(lcs.stdout, '');
    assert.equal(
      lcs.stderr.split('\n').filter((line) => line.startsWith('  lcs ')).length,
      COMMANDS.filter((c) => c.path[0] === 'lcs').length,
    );
    assert.match(lcs.stderr, /^Usage: d365fo-auth lcs <command> \[options\]\n/);
    const config = await runMain(['odata', 'config']);
    assert.equal(config.code, 2);
    assert.match(config.stderr, /^Usage: d365fo-auth odata config <command> \[options\]\n\nCommands:\n  odata config add NAME/);
    assert.ok(config.stderr.split('\n').length < 15, 'short');
    const none = await runMain([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^Usage: d365fo-auth <command> \[options\]\n/);
    assert.doesNotMatch(none.stderr, /Exit codes/);
  });

  it('accepts global flags before and after the command', async () => {
    const before = await runMain(['--verbose', 'lcs', 'login', '--help']);
    const after = await runMain(['lcs', 'login', '--help', '--verbose']);
    assert.equal(before.code, 0);
    assert.equal(after.code, 0);
    assert.equal(before.stdout, after.stdout);
    assert.deepEqual(findCommand(['--config-file', 'x.json', 'odata', 'config', 'show', 'A'], COMMANDS).words, ['odata', 'config', 'show']);
  });

  it('prints the version', async () => {
    const { code, stdout } = await runMain(['--version']);
    assert.equal(code, 0);
    assert.match(stdout, /^\d+\.\d+\.\d+\n$/);
  });
});

describe('CLI main(): usage errors, one line first, with suggestions', () => {
  const usage = async (argv: string[], stderr: string) => {
    const r = await runMain(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.stdout, '', argv.join(' '));
    assert.equal(r.stderr, stderr, argv.join(' '));
  };

  it('an unknown command: the error, the nearest command, a pointer to help', async () => {
    await usage(['lcs', 'tokn'], 'error: unknown command "lcs tokn"\ndid you mean "lcs token"?\nRun "d365fo-auth help lcs" for its commands.\n');
    await usage(['odata', 'confg', 'list'], 'error: unknown command "odata confg"\ndid you mean "odata config"?\nRun "d365fo-auth help odata" for its commands.\n');
    await usage(['tokn'], 'error: unknown command "tokn"\ndid you mean "token"?\nRun "d365fo-auth help" for the commands.\n');
    await usage(['refresh'], 'error: unknown command "refresh"\ndid you mean "lcs refresh"?\nRun "d365fo-auth help" for the commands.\n');
    await usage(['lcs', 'logut'], 'error: unknown command "lcs logut"\ndid you mean "lcs logout"?\nRun "d365fo-auth help lcs" for its commands.\n');
    await usage(['lcs', 'frobnicate'], 'error: unknown command "lcs frobnicate"\nRun "d365fo-auth help lcs" for its commands.\n');
  });

  it('help with an unknown command suggests too', async () => {
    await usage(['help', 'lsc', 'login'], 'error: unknown command "lsc"\ndid you mean "lcs"?\nRun "d365fo-auth help" for the commands.\n');
    await usage(['help', 'nonsense'], 'error: unknown command "nonsense"\nRun "d365fo-auth help" for the commands.\n');
  });

  it('an unknown option: named with its command, the nearest option, a pointer', async () => {
    await usage(['lcs', 'login', '--client-idd', 'x'], 'error: unknown option --client-idd for "lcs login"\ndid you mean --client-id?\nRun "d365fo-auth help lcs login" for its options.\n');
    await usage(['lcs', 'token', '--foo'], 'error: unknown option --foo for "lcs token"\nRun "d365fo-auth help lcs token" for its options.\n');
    await usage(['--foo'], 'error: unknown option --foo\nRun "d365fo-auth help" for the options.\n');
    await usage(['lcs', 'login', '--pasword-stdin'], 'error: unknown option --pasword-stdin for "lcs login"\ndid you mean --password-stdin?\nRun "d365fo-auth help lcs login" for its options.\n');
  });

  it('a bad or missing value is one line of ours naming the flag (never parseArgs\'s message)', async () => {
    await usage(['odata', 'login', '--timeout', '-5'], 'error: --timeout must be a positive number of seconds (got "-5").\n');
    await usage(['odata', 'login', '--timeout', 'soon'], 'error: --timeout must be a positive number of seconds (got "soon").\n');
    await usage(['odata', 'login', '--timeout'], 'error: --timeout needs a value (SECONDS).\n');
    await usage(['odata', 'login', '--tenant', '--json'], 'error: --tenant needs a value (T).\n');
    await usage(['lcs', 'token', '--min-validity', '1.5'], 'error: --min-validity must be a whole number of seconds (0 or more) (got "1.5").\n');
    await usage(['lcs', 'token', '--json=yes'], 'error: --json takes no value (got "--json=yes").\n');
    await usage(['lcs', 'config', 'set', '--client-id', 'not-a-guid'], 'error: --client-id must be a GUID like 1950a258-227b-4e31-a9cf-717495945fc2 (got "not-a-guid").\n');
    await usage(['odata', 'token', '--url', 'ftp://x'], 'error: --url must be an absolute https URL without credentials, query or fragment, such as https://contoso.operations.dynamics.com (got "ftp://x").\n');
    await usage(
      ['odata', 'token', '--authority-host', 'http://login.example.com'],
      'error: --authority-host must use https; plain http is only accepted for a loopback address (127.0.0.1, localhost, [::1]) (got "http://login.example.com").\n',
    );
    await usage(['emulator', '--port', '70000'], 'error: --port must be a whole number from 0 to 65535 (got "70000").\n');
  });

  it('the authority from the environment is checked where it is used, naming the variable', async () => {
    const r = await runMain(['odata', 'token', '--tenant', 'contoso.onmicrosoft.com', '--url', 'https://contoso.operations.dynamics.com', '--client-id', '7b1e2d3c-4a5f-4e6d-9c8b-0a1f2e3d4c5b'], {
      env: { D365FO_AUTHORITY_HOST: 'https://login.example.com/tenant', D365FO_CLIENT_SECRET: 's' },
    });
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'error: D365FO_AUTHORITY_HOST must be an https origin without a path, such as https://login.microsoftonline.com (plain http only to 127.0.0.1, localhost or [::1]) (got "https://login.example.com/tenant").\n',
    );
  });

  it('a missing required option and a wrong number of arguments', async () => {
    await usage(['token'], 'error: "token" needs --resource URL.\nRun "d365fo-auth help token" for its options.\n');
    await usage(['odata', 'config', 'use'], 'error: "odata config use" needs NAME.\nRun "d365fo-auth help odata config use" for its options.\n');
    await usage(['lcs', 'token', 'extra'], 'error: "lcs token" takes no arguments (got "extra").\nRun "d365fo-auth help lcs token" for its options.\n');
  });

  it('no password source off a terminal is a usage error (never a password in argv)', async () => {
    await usage(['lcs', 'login', '--username', 'svc@contoso.com'], 'error: lcs login needs a password: pipe it with --password-stdin, set D365FO_PASSWORD, or run it on a terminal to be asked for it.\n');
  });

  it('maps every error kind to its documented exit code', () => {
    assert.equal(exitCodeOf(new InputError('x')), 2);
    assert.equal(exitCodeOf(new UsageError('x')), 2);
    assert.equal(exitCodeOf(new CancelledError()), 130);
    assert.equal(exitCodeOf(new OAuthError('x', { status: 400, error: 'invalid_grant' })), 1);
    assert.equal(exitCodeOf(new OAuthError('x', { status: 400, error: 'invalid_grant' }, 'ERR_SIGN_IN_REQUIRED')), 1);
    assert.equal(exitCodeOf(new TransportError('ERR_TRANSPORT', 'x', { url: 'u' })), 3);
    assert.equal(exitCodeOf(new TransportError('ERR_TIMEOUT', 'x', { url: 'u' })), 3);
    assert.equal(exitCodeOf(new TransportError('ERR_ABORTED', 'x', { url: 'u' })), 130);
    assert.equal(exitCodeOf(new ResponseError('ERR_NOT_JSON', 'x', { status: 200, url: 'u' })), 3);
    assert.equal(exitCodeOf(new DeviceCodeError('ERR_DEVICE_CODE_TIMEOUT', 'x')), 3);
    assert.equal(exitCodeOf(new DeviceCodeError('ERR_DEVICE_CODE_DECLINED', 'x')), 1);
    assert.equal(exitCodeOf(new DeviceCodeError('ERR_DEVICE_CODE_CANCELLED', 'x')), 130);
    assert.equal(exitCodeOf(new ConfigError('x')), 4);
    assert.equal(exitCodeOf(new Error('boom')), 1);
  });
});

describe('CLI main(): decode', () => {
  it('prints the claims of a token from argv or stdin and never verifies', async () => {
    const token = jwt({ upn: 'a@contoso.com', exp: Math.floor(Date.now() / 1000) + 600 });
    const fromArg = await runMain(['decode', token]);
    const fromStdin = await runMain(['decode', '-'], { stdin: `${token}\n` });
    for (const result of [fromArg, fromStdin]) {
      assert.equal(result.code, 0);
      assert.equal(JSON.parse(result.stdout).upn, 'a@contoso.com');
      assert.match(result.stderr, /\(in (9|10) minutes\)/);
      assert.match(result.stderr, /not verified/);
    }
  });

  it('JSON output never shows -0, and escapes C1 and bidi controls', async () => {
    const { code, stdout } = await runMain(['decode', jwt('{"skew":-0,"name":"a\\u202eb\\u009bc"}'), '--json']);
    assert.equal(code, 0);
    assert.equal(stdout, '{\n  "skew": 0,\n  "name": "a\\u202eb\\u009bc"\n}\n');
  });

  it('warns when the token starts in the future (clock behind)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { code, stderr } = await runMain(['decode', jwt({ nbf: now + 1200, iat: now + 1200, exp: now + 4800 })]);
    assert.equal(code, 0);
    assert.match(stderr, /warning: the token is valid only from 20 minutes in the future/);
  });

  it('decode of garbage is a usage error', async () => {
    const { code, stdout, stderr } = await runMain(['decode', 'not-a-jwt']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^error: The value is not a decodable JWT/);
  });
});
