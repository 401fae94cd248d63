// `d365fo-auth help [COMMAND...]` (the same pages as --help) and `d365fo-auth completion SHELL`
// (a completion script from the command table). Both read the table from the context.
import { VERSION } from '../index.js';
import { childrenOf, isPrefix, unknownCommand } from './args.js';
import { SHELLS, completionScript, type Shell } from './completion.js';
import { UsageError } from './errors.js';
import { commandHelp, groupUsage, overview } from './help.js';
import { PROGRAM, commandName, type Command } from './table.js';

/** The help page for `words` (nothing: the overview; a command; a group), or the unknown-command error. */
export function helpFor(words: readonly string[], commands: readonly Command[]): string {
  if (words.length === 0) return overview(commands, VERSION);
  const command = commands.find((c) => commandName(c) === words.join(' '));
  if (command) return commandHelp(command, commands);
  if (isPrefix(words, commands) && childrenOf(words, commands).length > 0) return groupUsage(words, commands);
  // the longest start that is a group, and the first word after it that is not
  let known = 0;
  while (known < words.length && isPrefix(words.slice(0, known + 1), commands)) known++;
  throw unknownCommand(words.slice(0, known), words[known]!, commands);
}

export const metaCommands: Command[] = [
  {
    path: ['help'],
    args: '[COMMAND...]',
    positionals: [0, 4],
    complete: 'commands',
    summary: 'Show the overview (global options, exit codes), or the help of a command or group.',
    options: {},
    examples: ['d365fo-auth help', 'd365fo-auth help lcs login', 'd365fo-auth help odata config'],
    async run(ctx) {
      ctx.io.stdout.write(helpFor(ctx.positionals, ctx.commands));
      return 0;
    },
  },
  {
    path: ['completion'],
    args: 'bash|zsh|pwsh',
    positionals: [1, 1],
    complete: SHELLS,
    summary: 'Print a shell completion script (commands, options, file names for path options).',
    options: {},
    examples: [
      '# bash, this shell only; then for every shell:',
      `source <(${PROGRAM} completion bash)`,
      `${PROGRAM} completion bash > ~/.local/share/bash-completion/completions/${PROGRAM}`,
      `${PROGRAM} completion zsh > "\${fpath[1]}/_${PROGRAM}"`,
      '# PowerShell (add the line to $PROFILE to keep it):',
      `${PROGRAM} completion pwsh | Out-String | Invoke-Expression`,
    ],
    async run(ctx) {
      const shell = ctx.positionals[0]!;
      if (!(SHELLS as readonly string[]).includes(shell)) {
        throw new UsageError(`completion knows bash, zsh and pwsh (got "${shell}").`);
      }
      ctx.io.stdout.write(completionScript(shell as Shell, ctx.commands));
      return 0;
    },
  },
];
