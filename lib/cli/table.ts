// The shape of the CLI's command table (commands, their options, examples) and the global options
// and exit codes. The parser, the help pages and the shell completions are all generated from it;
// this file holds no logic.
import type { CliIo } from './io.js';

/** What a string option's value must be; checked (with a message naming the flag) before a command runs. */
export type ValueKind =
  | 'seconds' // a positive number of seconds
  | 'whole-seconds' // a whole number of seconds, 0 or more
  | 'guid' // an application (client) id
  | 'tenant' // a tenant GUID or domain
  | 'url' // an absolute http(s) URL without credentials, query or fragment
  | 'authority' // an https origin (http only to a loopback address)
  | 'positive-integer'
  | 'port' // 0 to 65535
  | 'upn' // name@domain
  | 'path' // a file path (the shells complete file names)
  | 'text';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in help as `--name VALUE`. */
  value?: string;
  description: string;
  /** The command cannot run without it; help marks it "(required)". */
  required?: true;
  /** Checked before the command runs (string options). */
  kind?: ValueKind;
  /** Another name for the option named here (e.g. `raw` for `json`): parsed, never listed. */
  aliasOf?: string;
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
  /** The --authority-host / D365FO_AUTHORITY_HOST value, if any (checked where it is used). */
  authorityHost: string | undefined;
  /** The --session-store / D365FO_SESSION_STORE URL, if any (a Redis session store). */
  sessionStore: string | undefined;
  /** The whole command table (for `help` and `completion`). */
  commands: readonly Command[];
}

export interface Command {
  path: readonly string[];
  /** Positional arguments after the command words, for help: e.g. `NAME`, `[TOKEN | -]`. */
  args?: string;
  /** What it does, in one line. */
  summary: string;
  options: OptionTable;
  /** Lowest and highest number of positionals. */
  positionals?: [number, number];
  /** What the shells offer for the first positional: fixed words, or the command words (`help`). */
  complete?: readonly string[] | 'commands';
  /** 2-4 copy-paste examples, one command a line; a line starting with `#` is a comment. */
  examples: readonly string[];
  run(ctx: Context): Promise<number>;
}

export const PROGRAM = 'd365fo-auth';

export const GLOBAL_OPTIONS: OptionTable = {
  'authority-host': {
    type: 'string',
    value: 'URL',
    kind: 'authority',
    description: 'authority origin (env D365FO_AUTHORITY_HOST), e.g. https://login.microsoftonline.us',
  },
  'config-file': { type: 'string', value: 'PATH', kind: 'path', description: 'config file (env D365FO_AUTH_CONFIG)' },
  'session-store': {
    type: 'string',
    value: 'URL',
    description: 'keep the session in Redis, shared by every machine using it (env D365FO_SESSION_STORE; key in D365FO_SESSION_KEY): lcs login/token/refresh, odata login/token',
  },
  verbose: { type: 'boolean', description: 'log requests and responses to stderr, secrets redacted' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
  version: { type: 'boolean', description: 'show the version' },
};

export const EXIT_CODES: readonly (readonly [number, string])[] = [
  [0, 'success'],
  [1, 'the authority refused (an OAuth/AADSTS error, including a failed refresh or a declined sign-in); doctor: a check failed'],
  [2, 'usage error (unknown command or option, missing or invalid argument, emulator port taken)'],
  [3, 'network failure, timeout or invalid response'],
  [4, 'config problem (missing, corrupt or unwritable config file, nothing saved yet)'],
  [130, 'cancelled (Ctrl-C)'],
];

/** `--json` described for one command, with `--raw` (its PowerShell-named alias). */
export function jsonOptions(what: string): OptionTable {
  return {
    json: { type: 'boolean', description: `${what} (alias: --raw)` },
    raw: { type: 'boolean', aliasOf: 'json', description: 'alias of --json' },
  };
}

/** The one JSON flag of every command that prints a token or data. */
export const JSON_OPTIONS: OptionTable = jsonOptions('print JSON instead of a "Bearer …" line');

/** `--json` for commands that print JSON anyway (show, list): accepted, changes nothing. */
export const JSON_DEFAULT_OPTIONS: OptionTable = jsonOptions('print JSON (the default here)');

export const commandName = (command: Pick<Command, 'path'>): string => command.path.join(' ');
