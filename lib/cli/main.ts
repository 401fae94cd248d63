// main(argv, io) -> exit code: finds the command, parses its options, runs it, and maps every
// error to one exit code and one redacted message. The only place exit codes are decided.
import { D365AuthError, OAuthError, VERSION as VERSION_TEXT, isD365AuthError } from '../index.js';
import { findCommand, helpText, parseFor, type Command, type Context } from './args.js';
import type { CliIo } from './io.js';
import { lcsCommands } from './lcs.js';
import { odataCommands } from './odata.js';
import { miscCommands } from './misc.js';


export const COMMANDS: readonly Command[] = [...lcsCommands, ...odataCommands, ...miscCommands];

/** Exit code for an error (documented in --help and the README). */
export function exitCodeOf(error: unknown): number {
  if (!isD365AuthError(error)) return 1;
  switch (error.code) {
    case 'ERR_INVALID_INPUT':
    case 'ERR_INSECURE_URL':
      return 2;
    case 'ERR_OAUTH':
    case 'ERR_SIGN_IN_REQUIRED':
    case 'ERR_FEDERATED_USER':
    case 'ERR_DEVICE_CODE_DECLINED':
    case 'ERR_DEVICE_CODE_EXPIRED':
      return 1;
    case 'ERR_TRANSPORT':
    case 'ERR_TIMEOUT':
    case 'ERR_UNEXPECTED_STATUS':
    case 'ERR_NOT_JSON':
    case 'ERR_INVALID_RESPONSE':
    case 'ERR_BODY_TOO_LARGE':
    case 'ERR_RESOURCE_MISMATCH':
    case 'ERR_DEVICE_CODE_TIMEOUT':
      return 3;
    case 'ERR_CONFIG':
    case 'ERR_CONFIG_IO':
    case 'ERR_SESSION_STORE':
      return 4;
    case 'ERR_SESSION_LOCKED':
    case 'ERR_BROWSER_TIMEOUT':
    case 'ERR_LOOPBACK_LISTENER':
    case 'ERR_NO_BROWSER':
      return 3;
    case 'ERR_ABORTED':
    case 'ERR_DEVICE_CODE_CANCELLED':
    case 'ERR_BROWSER_CANCELLED':
      return 130;
  }
}

function describe(error: unknown): string {
  if (error instanceof OAuthError) {
    const lines = [`error: ${error.message}`];
    if (error.remedy) lines.push(`what to do: ${error.remedy}`);
    const ids = [error.traceId && `trace id ${error.traceId}`, error.correlationId && `correlation id ${error.correlationId}`].filter(Boolean);
    if (ids.length) lines.push(`(${ids.join(', ')})`);
    return lines.join('\n');
  }
  if (error instanceof D365AuthError) return `error: ${error.message}`;
  // an unexpected error: its message only (a stack may hold argument values)
  return `error: unexpected failure: ${error instanceof Error ? error.message : String(error)}`;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const args = [...argv];
  const { command, words } = findCommand(args, COMMANDS);
  try {
    const { values, positionals } = parseFor(args, command, words);
    if (values.version) {
      io.stdout.write(`${VERSION_TEXT}\n`);
      return 0;
    }
    if (values.help || !command) {
      const group = !command && words.length > 0 ? COMMANDS.filter((c) => words.every((w, k) => c.path[k] === w)) : COMMANDS;
      io[values.help ? 'stdout' : 'stderr'].write(helpText(group, command, VERSION_TEXT));
      if (!command && !values.help && (positionals.length > 0 || words.length > 0)) {
        io.stderr.write(`error: unknown command "${[...words, ...positionals.slice(0, 1)].join(' ')}"\n`);
      }
      return values.help ? 0 : 2;
    }
    const [min, max] = command.positionals ?? [0, 0];
    if (positionals.length < min || positionals.length > max) {
      io.stderr.write(`error: "${command.path.join(' ')}" takes ${command.args ?? 'no arguments'}; see --help.\n`);
      return 2;
    }
    const verbose = values.verbose === true;
    const ctx: Context = {
      values,
      positionals,
      io,
      log: verbose ? (line) => io.stderr.write(`[verbose] ${line}\n`) : undefined,
      configPath: (values['config-file'] as string | undefined) ?? io.env.D365FO_AUTH_CONFIG,
      authorityHost: (values['authority-host'] as string | undefined) ?? io.env.D365FO_AUTHORITY_HOST,
    };
    return await command.run(ctx);
  } catch (error) {
    io.stderr.write(`${describe(error)}\n`);
    return exitCodeOf(error);
  }
}
