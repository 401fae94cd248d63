// Helpers shared by the CLI commands: the store, the common options, secrets from stdin or the
// environment, and printing a token (Bearer line or JSON) to stdout.
import { InputError, bearer, openConfigStore, serializeToken, type AadToken, type ConfigStore } from '../index.js';
import type { Context } from './args.js';
import { readSecretLine } from './io.js';

export function storeOf(ctx: Context): ConfigStore {
  return openConfigStore({ path: ctx.configPath });
}

/** The common options every network call gets from the CLI. */
export function commonOf(ctx: Context) {
  return {
    authorityHost: ctx.authorityHost,
    log: ctx.log,
    signal: ctx.io.signal,
    onWarning: (message: string) => ctx.io.stderr.write(`warning: ${message}\n`),
  };
}

export function stringOpt(ctx: Context, name: string): string | undefined {
  const value = ctx.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A secret from stdin (when `stdinFlag` is set) or the environment variable; never from argv. */
export async function secretOf(ctx: Context, stdinFlag: string, envName: string): Promise<string | undefined> {
  if (ctx.values[stdinFlag] === true) {
    const value = await readSecretLine(ctx.io);
    if (value === '') throw new InputError(`--${stdinFlag} was given but stdin was empty.`);
    return value;
  }
  const fromEnv = ctx.io.env[envName];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

export function printToken(ctx: Context, token: AadToken, json: boolean): number {
  ctx.io.stdout.write(json ? `${JSON.stringify(serializeToken(token), null, 2)}\n` : `${bearer(token)}\n`);
  if (Math.abs(token.clockSkewSeconds) >= 300) {
    ctx.io.stderr.write(
      `warning: this machine's clock differs from the authority's by about ${Math.round(token.clockSkewSeconds / 60)} minutes; expiry is judged on the local clock from the send time.\n`,
    );
  }
  return 0;
}

export function printJson(ctx: Context, value: unknown): number {
  ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  return 0;
}
