// Help text generated from the command table: the overview (every command, the global options, the
// output rules, the exit codes), one page per command (usage, what it does, its options with the
// required ones marked, examples), and a group's short usage. It prints nothing itself.
import { EXIT_CODES, GLOBAL_OPTIONS, PROGRAM, commandName, type Command, type OptionTable } from './table.js';

const FLAG_WIDTH = 24;

function flagText(name: string, spec: OptionTable[string]): string {
  return `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
}

function optionLines(table: OptionTable): string[] {
  return Object.entries(table)
    .filter(([, spec]) => !spec.aliasOf)
    .map(([name, spec]) => {
      const flag = flagText(name, spec);
      const text = `${spec.description}${spec.required ? ' (required)' : ''}`;
      return flag.length > FLAG_WIDTH ? `  ${flag}\n  ${''.padEnd(FLAG_WIDTH)}  ${text}` : `  ${flag.padEnd(FLAG_WIDTH)}  ${text}`;
    });
}

function label(command: Command): string {
  return `${commandName(command)}${command.args ? ` ${command.args}` : ''}`;
}

function commandLines(commands: readonly Command[]): string[] {
  const width = Math.max(...commands.map((c) => label(c).length));
  return commands.map((c) => `  ${label(c).padEnd(width)}  ${c.summary}`);
}

/** `Usage: d365fo-auth lcs login --username UPN [options]`: the required options shown, the rest as [options]. */
export function usageLine(command: Command): string {
  const required = Object.entries(command.options)
    .filter(([, spec]) => spec.required)
    .map(([name, spec]) => flagText(name, spec));
  return `Usage: ${PROGRAM} ${[label(command), ...required].join(' ')} [options]`;
}

/** The commands under `words` (for a group page and a bare group's usage). */
export function commandsUnder(words: readonly string[], commands: readonly Command[]): Command[] {
  return commands.filter((c) => c.path.length > words.length && words.every((w, k) => c.path[k] === w));
}

/** The page for one command (the commands under it too, when it is also a group). */
export function commandHelp(command: Command, commands: readonly Command[]): string {
  const lines = [usageLine(command), '', command.summary, ''];
  const under = commandsUnder(command.path, commands);
  if (under.length > 0) lines.push('Commands:', ...commandLines(under), '');
  const own = optionLines(command.options);
  if (own.length > 0) lines.push('Options:', ...own, '');
  lines.push('Examples:', ...command.examples.map((line) => `  ${line}`), '');
  lines.push(`Global options and exit codes: ${PROGRAM} help`, '');
  return lines.join('\n');
}

/** A group's short usage: its commands, one line each. */
export function groupUsage(words: readonly string[], commands: readonly Command[]): string {
  const under = commandsUnder(words, commands);
  const group = words.length > 0 ? `${PROGRAM} ${words.join(' ')}` : PROGRAM;
  const more = words.length > 0 ? `Run "${PROGRAM} help ${words.join(' ')} COMMAND" for a command's options and examples.` : `Run "${PROGRAM} help" for the global options and exit codes, "${PROGRAM} help COMMAND" for a command's.`;
  return [`Usage: ${group} <command> [options]`, '', 'Commands:', ...commandLines(under), '', more, ''].join('\n');
}

/** The overview: every command, the global options, where output goes, the exit codes. */
export function overview(commands: readonly Command[], version: string): string {
  return [
    `${PROGRAM} ${version}: OAuth tokens from Azure AD / Entra ID v1 for Dynamics 365 F&O (LCS API, OData).`,
    '',
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Commands:',
    ...commandLines(commands),
    '',
    'Global options (before or after the command):',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'The result (a "Bearer …" header value, or JSON with --json) goes to stdout; prompts, device',
    'codes, progress and warnings go to stderr. Secrets are read from stdin (--password-stdin,',
    '--client-secret-stdin, --refresh-token-stdin, --key-passphrase-stdin), the environment',
    '(D365FO_PASSWORD, D365FO_CLIENT_SECRET, D365FO_KEY_PASSPHRASE) or a hidden prompt, never from',
    'the command line. A certificate is saved as file paths, never its key.',
    '',
    'Exit codes:',
    ...EXIT_CODES.map(([code, meaning]) => `  ${String(code).padEnd(4)} ${meaning}`),
    '',
    `Run "${PROGRAM} help COMMAND" (or "${PROGRAM} COMMAND --help") for a command's options and examples.`,
    '',
  ].join('\n');
}
