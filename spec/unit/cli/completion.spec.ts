// `d365fo-auth completion bash|zsh|pwsh`: scripts generated from the command table. bash is on this
// machine: the script must pass `bash -n` and its function must complete words in a real bash.
// zsh and pwsh are checked with `zsh -n` / the PowerShell parser where installed, by content always.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { COMMANDS } from '../../../lib/cli/main.js';
import { runMain } from '../../support/cli.js';

const has = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`], { stdio: 'ignore' }).status === 0;

describe('completion', () => {
  let dir: string;
  const scripts: Record<string, string> = {};
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-completion-'));
    for (const shell of ['bash', 'zsh', 'pwsh']) {
      const r = await runMain(['completion', shell]);
      assert.equal(r.code, 0);
      assert.equal(r.stderr, '');
      scripts[shell] = r.stdout;
      writeFileSync(join(dir, `script.${shell}`), r.stdout);
    }
    writeFileSync(join(dir, 'spec-config.json'), '{}');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** What the bash completion offers for the words typed so far (the last one is being completed). */
  function complete(...words: string[]): string[] {
    const array = ['d365fo-auth', ...words].map((w) => `'${w}'`).join(' ');
    const script = `source ./script.bash; COMP_WORDS=(${array}); COMP_CWORD=${words.length}; _d365fo_auth; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    return r.stdout.split('\n').filter(Boolean);
  }

  it('bash: the script is valid bash (bash -n) and registers the function', () => {
    const syntax = spawnSync('bash', ['-n', join(dir, 'script.bash')], { encoding: 'utf8' });
    assert.equal(syntax.status, 0, syntax.stderr);
    const registered = spawnSync('bash', ['--norc', '-c', 'source ./script.bash; complete -p d365fo-auth'], { cwd: dir, encoding: 'utf8' });
    assert.equal(registered.stdout, 'complete -F _d365fo_auth d365fo-auth\n');
  });

  it('bash: completes command words at every level, after help too', () => {
    assert.deepEqual(complete('lcs', 'to'), ['token']);
    assert.deepEqual(complete(''), ['lcs', 'odata', 'token', 'doctor', 'decode', 'emulator', 'help', 'completion']);
    assert.deepEqual(complete('lcs', 'lo'), ['login', 'logout']);
    assert.deepEqual(complete('odata', 'l'), ['login', 'logout']);
    assert.deepEqual(complete('odata', 'config', 'a'), ['add']);
    assert.deepEqual(complete('--config-file', 'x.json', 'lcs', 'to'), ['token'], 'a global option and its value are skipped');
    assert.deepEqual(complete('help', 'lcs', 'l'), ['login', 'logout']);
    assert.deepEqual(complete('help', 'do'), ['doctor']);
    assert.deepEqual(complete('completion', ''), ['bash', 'zsh', 'pwsh']);
  });

  it('bash: completes the options of the command, global ones included, and file names after a path option', () => {
    assert.deepEqual(complete('lcs', 'login', '--cl'), ['--client-id']);
    assert.deepEqual(complete('odata', 'login', '--no-'), ['--no-browser', '--no-clipboard']);
    assert.deepEqual(complete('lcs', 'login', '--re'), ['--refresh-token-stdin']);
    assert.deepEqual(complete('token', '--res'), ['--resource']);
    assert.deepEqual(complete('odata', 'config', 'add', 'X', '--certificate-file', 'spec-'), ['spec-config.json'], 'a certificate file is a file name');
    assert.deepEqual(complete('odata', 'token', '--key-file', 'spec-c'), ['spec-config.json']);
    assert.deepEqual(complete('doctor', '--'), ['--lcs', '--config', '--username', '--json', '--authority-host', '--config-file', '--session-store', '--verbose', '--help', '--version']);
    assert.deepEqual(complete('lcs', 'token', '--conf'), ['--config-file']);
    assert.ok(!complete('lcs', 'token', '--').includes('--raw'), 'the alias is not offered');
    assert.deepEqual(complete('lcs', 'token', '--config-file', 'spec-'), ['spec-config.json']);
    assert.deepEqual(complete('emulator', '--users', 'spec-c'), ['spec-config.json']);
    assert.deepEqual(complete('lcs', 'login', '--username', ''), [], 'no words offered as a value');
  });

  it('zsh: a #compdef script with every command word and option, described (zsh -n where zsh is installed)', () => {
    const zsh = scripts.zsh!;
    assert.match(zsh, /^#compdef d365fo-auth\n/);
    assert.match(zsh, /compdef _d365fo_auth d365fo-auth/);
    assert.match(zsh, /\('lcs'\) reply=\('login:Sign in to the LCS API/);
    assert.match(zsh, /\('lcs login'\) reply=\('--browser:sign in with the browser/);
    assert.match(zsh, /\('lcs login'\) reply=\([^\n]*'--username:sign a service account in with its password/);
    assert.match(zsh, /\(--config-file\|--certificate-file\|--key-file\|--users\|--clients\) _files; return ;;/);
    if (has('zsh')) {
      const syntax = spawnSync('zsh', ['-n', join(dir, 'script.zsh')], { encoding: 'utf8' });
      assert.equal(syntax.status, 0, syntax.stderr);
    }
  });

  it('pwsh: a native argument completer with every command word and option (parsed where pwsh is installed)', () => {
    const pwsh = scripts.pwsh!;
    assert.match(pwsh, /^# PowerShell completion for d365fo-auth/);
    assert.match(pwsh, /Register-ArgumentCompleter -Native -CommandName 'd365fo-auth', 'd365fo-auth.cmd', 'd365fo-auth.ps1' -ScriptBlock \{/);
    assert.match(pwsh, /\n {4}'lcs' = @\(@\('login', 'Sign in to the LCS API/);
    assert.match(pwsh, /\n {4}'completion' = @\('bash', 'zsh', 'pwsh'\)/);
    assert.match(pwsh, /\$files = @\('--config-file', '--certificate-file', '--key-file', '--users', '--clients'\)/);
    assert.match(pwsh, /\n {4}'doctor' = @\(@\('--lcs', /);
    if (has('pwsh')) {
      const check = spawnSync('pwsh', ['-NoProfile', '-Command', `$e = $null; [System.Management.Automation.Language.Parser]::ParseFile('${join(dir, 'script.pwsh')}', [ref]$null, [ref]$e) | Out-Null; $e.Count`], { encoding: 'utf8' });
      assert.equal(check.stdout.trim(), '0', check.stderr);
    }
  });

  it('every script holds every command word and every option of the table', () => {
    for (const command of COMMANDS) {
      for (const [name, spec] of Object.entries(command.options)) {
        if (spec.aliasOf) continue;
        for (const shell of ['bash', 'zsh', 'pwsh']) assert.ok(scripts[shell]!.includes(`--${name}`), `${shell}: --${name}`);
      }
      for (const word of command.path) {
        for (const shell of ['bash', 'zsh', 'pwsh']) assert.match(scripts[shell]!, new RegExp(`[ '(]${word}[ ':]`), `${shell}: ${word}`);
      }
    }
  });

  it('an unknown shell is a usage error', async () => {
    const r = await runMain(['completion', 'fish']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'error: completion knows bash, zsh and pwsh (got "fish").\n');
  });
});
