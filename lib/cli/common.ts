// Helpers shared by the CLI commands: the store, the common options, secrets from stdin or the
// environment, warnings in the CLI's words, and printing a result (Bearer line or JSON) to stdout.
import { bearer, openConfigStore, serializeToken, type AadToken, type ConfigStore, type SessionStore } from '../index.js';
import { cleanLine, escapeJsonText } from './clean.js';
import { UsageError } from './errors.js';
import { readSecretLine } from './io.js';
import { openSessionStore } from './session-store.js';
import type { Context } from './table.js';
import { badValue } from './values.js';
import { inOwnWords } from './words.js';

/** The config store of --config-file / D365FO_AUTH_CONFIG (else the default file); its warnings in the CLI's words. */
export function storeOf(ctx: Context): ConfigStore {
  return openConfigStore({ path: ctx.configPath, onWarning: (message) => warn(ctx, message) });
}

/**
 * Runs `fn` with where the session lives: the Redis session store of --session-store, else the
 * config file; `where` names it for messages. A Redis connection is closed when `fn` is done.
 */
export async function withSessionStore<T>(ctx: Context, file: ConfigStore, fn: (store: SessionStore, where: string) => Promise<T>): Promise<T> {
  if (ctx.sessionStore === undefined) return fn(file, file.path);
  const { store, close } = await openSessionStore(ctx.sessionStore, ctx.io.env.D365FO_SESSION_KEY);
  try {
    return await fn(store, store.location);
  } finally {
    close();
  }
}

/** A warning on stderr: in the CLI's words, cleaned of anything a server could have put in it. */
export function warn(ctx: Context, message: string): void {
  ctx.io.stderr.write(`warning: ${cleanLine(inOwnWords(message))}\n`);
}

/** The common options every network call gets from the CLI (the authority checked, naming where it came from). */
export function commonOf(ctx: Context) {
  const fromFlag = typeof ctx.values['authority-host'] === 'string';
  if (ctx.authorityHost !== undefined) {
    const bad = badValue(fromFlag ? '--authority-host' : 'D365FO_AUTHORITY_HOST', 'authority', ctx.authorityHost);
    if (bad) throw new UsageError(bad);
  }
  return {
    authorityHost: ctx.authorityHost,
    log: ctx.log,
    signal: ctx.io.signal,
    onWarning: (message: string) => warn(ctx, message),
  };
}

export function stringOpt(ctx: Context, name: string): string | undefined {
  const value = ctx.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A secret from stdin when `stdinFlag` is set, else (when `envName` is given) the environment; never from argv. */
export async function secretOf(ctx: Context, stdinFlag: string, envName?: string): Promise<string | undefined> {
  if (ctx.values[stdinFlag] === true) {
    const value = await readSecretLine(ctx.io);
    if (value === '') throw new UsageError(`--${stdinFlag} was given but stdin was empty.`);
    return value;
  }
  const fromEnv = envName === undefined ? undefined : ctx.io.env[envName];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

/** JSON for stdout: 2-space indent, -0 shown as 0, C1 and bidi controls escaped. */
export function jsonText(value: unknown): string {
  return `${escapeJsonText(JSON.stringify(value, (_key, v: unknown) => (Object.is(v, -0) ? 0 : v), 2))}\n`;
}

export function printJson(ctx: Context, value: unknown): number {
  ctx.io.stdout.write(jsonText(value));
  return 0;
}

/** The token on stdout: a `Bearer …` line, or JSON with --json (or its alias --raw). */
export function printToken(ctx: Context, token: AadToken): number {
  ctx.io.stdout.write(ctx.values.json === true ? jsonText(serializeToken(token)) : `${cleanLine(bearer(token))}\n`);
  if (Math.abs(token.clockSkewSeconds) >= 300) {
    ctx.io.stderr.write(
      `warning: this machine's clock differs from the authority's by about ${Math.round(Math.abs(token.clockSkewSeconds) / 60)} minutes; expiry is judged on the local clock from the send time.\n`,
    );
  }
  return 0;
}
