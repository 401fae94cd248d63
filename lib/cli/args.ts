// Finding the command in argv and parsing its options (node:util parseArgs, strict) from the command
// table, with the CLI's own one-line messages: unknown command or option with the nearest match,
// missing or bad values naming the flag, required options, the number of arguments. It runs nothing.
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';
import { nearest } from './suggest.js';
import { GLOBAL_OPTIONS, PROGRAM, commandName, type Command, type OptionTable, type Values } from './table.js';
import { badValue } from './values.js';

type ParseOptions = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Whether `words` start (or are) some command's path. */
export function isPrefix(words: readonly string[], commands: readonly Command[]): boolean {
  return commands.some((c) => words.every((w, k) => c.path[k] === w));
}

/** The words that may follow `words` (the next word of every command under them). */
export function childrenOf(words: readonly string[], commands: readonly Command[]): string[] {
  const next = commands.filter((c) => c.path.length > words.length && words.every((w, k) => c.path[k] === w)).map((c) => c.path[words.length]!);
  return [...new Set(next)];
}

export interface Found {
  /** The command whose whole path was given, if any. */
  command: Command | undefined;
  /** The command words found (a command's path, or the start of some). */
  words: string[];
  /** The first word after `words` that is no command word (an unknown command), if any. */
  stray: string | undefined;
}

/** Splits argv into the command words and the rest; global flags may stand anywhere. */
export function findCommand(argv: readonly string[], commands: readonly Command[]): Found {
  const words: string[] = [];
  let stray: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') break;
    if (token.startsWith('-') && token !== '-') {
      const name = token.replace(/^--?/, '').split('=')[0]!;
      const spec = GLOBAL_OPTIONS[name] ?? Object.values(GLOBAL_OPTIONS).find((o) => o.short === name);
      if (!spec) break; // command options start here
      if (spec.type === 'string' && !token.includes('=')) i++;
      continue;
    }
    if (!isPrefix([...words, token], commands)) {
      stray = token;
      break;
    }
    words.push(token);
  }
  const command = commands.find((c) => c.path.length === words.length && c.path.every((w, k) => words[k] === w));
  return { command, words, stray: command ? undefined : stray };
}

/** `--help`/`-h` anywhere before `--`. */
export function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((token) => token === '--help' || token === '-h');
}

/** The error for a word that is no command: with the nearest command and a pointer to the help of where it was typed. */
export function unknownCommand(words: readonly string[], stray: string, commands: readonly Command[]): UsageError {
  const typed = [...words, stray].join(' ');
  const lines: string[] = [];
  const near = nearest(stray, childrenOf(words, commands));
  if (near !== undefined) lines.push(`did you mean "${[...words, near].join(' ')}"?`);
  else {
    // a command word typed at the wrong level ("token" or "tokn" for "lcs token"): the commands with a word near it
    const elsewhere = commands.filter((c) => c.path.slice(words.length).some((w) => nearest(stray, [w]) !== undefined)).map(commandName);
    if (elsewhere.length > 0 && elsewhere.length <= 3) lines.push(`did you mean ${elsewhere.map((name) => `"${name}"`).join(' or ')}?`);
  }
  lines.push(words.length > 0 ? `Run "${PROGRAM} help ${words.join(' ')}" for its commands.` : `Run "${PROGRAM} help" for the commands.`);
  return new UsageError(`unknown command "${typed}"`, lines);
}

function tableOf(command: Command | undefined): OptionTable {
  return { ...GLOBAL_OPTIONS, ...(command?.options ?? {}) };
}

function parseOptions(table: OptionTable): ParseOptions {
  const options: ParseOptions = {};
  for (const [name, spec] of Object.entries(table)) options[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
  return options;
}

/** The option a short or long name means, if known. */
function lookup(table: OptionTable, name: string, short: boolean): [string, (typeof table)[string]] | undefined {
  if (!short) return table[name] ? [name, table[name]] : undefined;
  return Object.entries(table).find(([, spec]) => spec.short === name);
}

/**
 * Why strict parseArgs refused `args`, as our own UsageError; or, for a value that starts with a dash
 * (`--timeout -5`), the args with that value attached (`--timeout=-5`) so its check can judge it.
 */
function explain(args: string[], table: OptionTable, command: Command | undefined): string[] {
  const where = command ? ` for "${commandName(command)}"` : '';
  const help = command ? `${PROGRAM} help ${commandName(command)}` : `${PROGRAM} help`;
  const { tokens } = parseArgs({ args, options: parseOptions(table), allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const short = !token.rawName.startsWith('--');
    const known = lookup(table, token.name, short);
    if (!known) {
      const names = Object.entries(table).filter(([, spec]) => !spec.aliasOf).map(([name]) => name);
      const near = short ? undefined : nearest(token.name, names);
      return fail(`unknown option ${token.rawName}${where}`, [...(near ? [`did you mean --${near}?`] : []), `Run "${help}" for ${command ? 'its' : 'the'} options.`]);
    }
    const [name, spec] = known;
    if (spec.type === 'boolean' && token.value !== undefined) return fail(`--${name} takes no value (got "${token.rawName}=${token.value}").`);
    if (spec.type === 'string' && token.value === undefined) return fail(`--${name} needs a value (${spec.value ?? 'VALUE'}).`);
    if (spec.type === 'string' && !token.inlineValue && token.value!.startsWith('-')) {
      // another option where the value should be: the value is missing
      const other = token.value!.replace(/^--?/, '').split('=')[0]!;
      if (token.value === '--' || lookup(table, other, !token.value!.startsWith('--'))) return fail(`--${name} needs a value (${spec.value ?? 'VALUE'}).`);
      const fixed = [...args];
      fixed.splice(token.index, 2, `--${name}=${token.value}`);
      return fixed;
    }
  }
  return fail(`could not read the arguments${where}.`, [`Run "${help}" for its options.`]);
}

function fail(message: string, lines: readonly string[] = []): never {
  throw new UsageError(message, lines);
}

/** Parses argv for a command (its options plus the global ones); positionals exclude the command words. */
export function parseFor(argv: readonly string[], command: Command | undefined, words: readonly string[]): { values: Values; positionals: string[] } {
  const table = tableOf(command);
  let args = [...argv];
  let parsed: { values: object; positionals: string[] } | undefined;
  for (let attempt = 0; parsed === undefined; attempt++) {
    try {
      parsed = parseArgs({ args, options: parseOptions(table), allowPositionals: true, strict: true });
    } catch (error) {
      if (attempt > args.length) throw error;
      args = explain(args, table, command);
    }
  }
  const values: Values = { ...(parsed.values as Values) };
  for (const [name, spec] of Object.entries(table)) {
    if (spec.aliasOf && values[name] !== undefined) values[spec.aliasOf] ??= values[name];
  }
  const positionals = [...parsed.positionals];
  for (const word of words) {
    if (positionals[0] === word) positionals.shift();
  }
  return { values, positionals };
}

/** The command's required options, the number of its arguments and every checked value, before it runs. */
export function checkArguments(command: Command, values: Values, positionals: readonly string[]): void {
  const help = `Run "${PROGRAM} help ${commandName(command)}" for its options.`;
  const table = tableOf(command);
  for (const [name, spec] of Object.entries(table)) {
    const value = values[name];
    if (spec.required && value === undefined) fail(`"${commandName(command)}" needs --${name} ${spec.value ?? ''}`.trimEnd() + '.', [help]);
    if (typeof value === 'string' && spec.kind) {
      const bad = badValue(`--${name}`, spec.kind, value);
      if (bad) fail(bad);
    }
  }
  const [min, max] = command.positionals ?? [0, 0];
  if (positionals.length < min || positionals.length > max) {
    const what = positionals.length < min ? `needs ${command.args}` : max === 0 ? `takes no arguments (got "${positionals[0]}")` : `takes only ${command.args} (got "${positionals[max]}" too)`;
    fail(`"${commandName(command)}" ${what}.`, [help]);
  }
}
