// main(argv, io) -> exit code: finds the command, parses and checks its arguments, runs it, and
// prints every error (errors.ts decides the words and the exit code). It never exits the process.
import { VERSION } from '../index.js';
import { asksForHelp, checkArguments, findCommand, parseFor, unknownCommand } from './args.js';
import { describeError, exitCodeOf } from './errors.js';
import { groupUsage } from './help.js';
import type { CliIo } from './io.js';
import { doctorCommands } from './doctor.js';
import { lcsCommands } from './lcs.js';
import { helpFor, metaCommands } from './meta.js';
import { miscCommands } from './misc.js';
import { odataCommands } from './odata.js';
import { tokenCommands } from './token.js';
import type { Command, Context } from './table.js';

export { exitCodeOf } from './errors.js';

/** The command table: the parser, the help pages and the shell completions all come from it. */
export const COMMANDS: readonly Command[] = [...lcsCommands, ...odataCommands, ...tokenCommands, ...doctorCommands, ...miscCommands, ...metaCommands];

async function run(args: string[], io: CliIo): Promise<number> {
  const { command, words, stray } = findCommand(args, COMMANDS);
  if (!command) {
    if (stray !== undefined) throw unknownCommand(words, stray, COMMANDS);
    // only global options, or a group without its command: the version, the help, or the group's usage
    const { values } = parseFor(args, undefined, words);
    if (values.version) {
      io.stdout.write(`${VERSION}\n`);
      return 0;
    }
    if (values.help) {
      io.stdout.write(helpFor(words, COMMANDS));
      return 0;
    }
    io.stderr.write(groupUsage(words, COMMANDS));
    return 2;
  }
  if (asksForHelp(args)) {
    io.stdout.write(helpFor(command.path, COMMANDS));
    return 0;
  }
  const { values, positionals } = parseFor(args, command, words);
  if (values.version) {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  checkArguments(command, values, positionals);
  const ctx: Context = {
    values,
    positionals,
    io,
    log: values.verbose === true ? (line) => io.stderr.write(`[verbose] ${line}\n`) : undefined,
    configPath: (values['config-file'] as string | undefined) ?? io.env.D365FO_AUTH_CONFIG,
    authorityHost: (values['authority-host'] as string | undefined) ?? io.env.D365FO_AUTHORITY_HOST,
    sessionStore: (values['session-store'] as string | undefined) ?? (io.env.D365FO_SESSION_STORE || undefined),
    commands: COMMANDS,
  };
  return await command.run(ctx);
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await run([...argv], io);
  } catch (error) {
    const lines = describeError(error, { env: io.env, hasDoctor: COMMANDS.some((c) => c.path[0] === 'doctor') });
    io.stderr.write(`${lines.join('\n')}\n`);
    return exitCodeOf(error);
  }
}
