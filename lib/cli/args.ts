// Command tables and argument parsing (node:util parseArgs, strict) for the CLI, and the help text
// generated from the same tables. It does not run commands.
import { parseArgs } from 'node:util';
import { InputError } from '../index.js';
import type { CliIo } from './io.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in help as `--name VALUE`. */
  value?: string;
  description: string;
}

export type OptionTable = Record<string, OptionSpec>;
export type Values = Record<string, string | boolean | undefined>;

export interface Context {
  values: Values;
  positionals: string[];
  io: CliIo;
  /** Verbose logger (redacted lines only), or undefined. */
  log: ((line: string) => void) | undefined;
  /** The --config-file / D365FO_AUTH_CONFIG path, if any. */
  configPath: string | undefined;
  /** The --authority-host / D365FO_AUTHORITY_HOST value, if any. */
  authorityHost: string | undefined;
}

export interface Command {
  path: string[];
  /** Positional arguments after the command words, for help: e.g. `NAME`, `[TOKEN | -]`. */
  args?: string;
  summary: string;
  options: OptionTable;
  /** Lowest and highest number of positionals. */
  positionals?: [number, number];
  /** The command always sends a request (`lcs token` does only when the saved token needs a refresh). */
  sendsRequests?: true;
  /** The command sits idle while a person signs in (a device-code wait): minutes, not milliseconds. */
  waitsForPerson?: true;
  run(ctx: Context): Promise<number>;
}

export const GLOBAL_OPTIONS: OptionTable = {
  'authority-host': { type: 'string', value: 'URL', description: 'authority origin (env D365FO_AUTHORITY_HOST), e.g. https://login.microsoftonline.us' },
  'config-file': { type: 'string', value: 'PATH', description: 'config file (env D365FO_AUTH_CONFIG)' },
  verbose: { type: 'boolean', description: 'log requests and responses to stderr, secrets redacted' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
  version: { type: 'boolean', description: 'show the version' },
};

export const EXIT_CODES = `Exit codes:
  0    success
  1    the authority refused (an OAuth/AADSTS error, including a failed refresh or a declined sign-in)
  2    usage error (unknown command or option, missing or invalid argument)
  3    network failure, timeout or invalid response
  4    config problem (missing, corrupt or unwritable config file, nothing saved yet)
  130  cancelled (Ctrl-C)`;

/** Splits argv into the command words and the rest; global flags may stand anywhere. */
export function findCommand(argv: string[], commands: readonly Command[]): { command: Command | undefined; words: string[] } {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') break;
    if (token.startsWith('-')) {
      const name = token.replace(/^--?/, '').split('=')[0]!;
      const spec = GLOBAL_OPTIONS[name] ?? Object.values(GLOBAL_OPTIONS).find((o) => o.short === name);
      if (!spec) break; // command options start here
      if (spec.type === 'string' && !token.includes('=')) i++;
      continue;
    }
    const candidate = [...words, token];
    if (!commands.some((c) => candidate.every((w, k) => c.path[k] === w))) break;
    words.push(token);
  }
  const command = commands.find((c) => c.path.length === words.length && c.path.every((w, k) => words[k] === w));
  return { command, words };
}

/** Parses argv for a command (its options plus the global ones); positionals exclude the command words. */
export function parseFor(argv: string[], command: Command | undefined, words: string[]): { values: Values; positionals: string[] } {
  const table = { ...GLOBAL_OPTIONS, ...(command?.options ?? {}) };
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries(table)) options[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const where = command ? ` for "${command.path.join(' ')}"` : '';
    throw new InputError(`${(error as Error).message.replace(/\. To specify a positional.*$/s, '.')}${where} (see --help).`);
  }
  const positionals = [...parsed.positionals];
  for (const word of words) {
    if (positionals[0] === word) positionals.shift();
  }
  return { values: parsed.values as Values, positionals };
}

function optionLines(table: OptionTable): string[] {
  return Object.entries(table).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
    return `  ${flag.padEnd(34)} ${spec.description}`;
  });
}

/** Help for one command, or the overview when `command` is undefined. */
export function helpText(commands: readonly Command[], command: Command | undefined, version: string): string {
  if (command) {
    const lines = [`Usage: d365fo-auth ${command.path.join(' ')}${command.args ? ` ${command.args}` : ''} [options]`, '', command.summary, ''];
    const own = optionLines(command.options);
    if (own.length) lines.push('Options:', ...own, '');
    lines.push('Global options:', ...optionLines(GLOBAL_OPTIONS), '', EXIT_CODES, '');
    return lines.join('\n');
  }
  const width = Math.max(...commands.map((c) => `${c.path.join(' ')}${c.args ? ` ${c.args}` : ''}`.length));
  return [
    `d365fo-auth ${version}: OAuth tokens from Azure AD / Entra ID v1 for Dynamics 365 F&O (LCS API, OData).`,
    '',
    'Usage: d365fo-auth <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${`${c.path.join(' ')}${c.args ? ` ${c.args}` : ''}`.padEnd(width)}  ${c.summary}`),
    '',
    'Global options (before or after the command):',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'The result (a "Bearer …" header value, or JSON with --json/--raw) goes to stdout; prompts,',
    'device codes, progress and warnings go to stderr. Secrets are read from stdin',
    '(--password-stdin, --client-secret-stdin) or the environment (D365FO_PASSWORD,',
    'D365FO_CLIENT_SECRET), never from the command line.',
    '',
    EXIT_CODES,
    '',
    'Run "d365fo-auth <command> --help" for the options of a command.',
    '',
  ].join('\n');
}
