// Checks a programmatic Fault before it is queued: types, ranges, known keys. Throws TypeError; builds nothing.
import type { Fault } from './types.js';

const KEYS = new Set(['status', 'headers', 'body', 'delayMs', 'match', 'rewrite']);
/** Ten minutes: longer than any client timeout worth testing. */
export const MAX_DELAY_MS = 600_000;
/** RFC 9110 token characters. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Anything that would split or end a header line. */
const BAD_HEADER_VALUE = /[\r\n\0]/;

/** Why a status cannot be sent, or undefined when it can. 1xx are interim answers: a client would wait on. */
export function statusProblem(value: unknown): string | undefined {
  return Number.isInteger(value) && (value as number) >= 200 && (value as number) <= 599
    ? undefined
    : `must be an integer from 200 to 599 (1xx are interim responses that leave the client waiting), got ${shown(value)}`;
}

export function delayProblem(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_DELAY_MS
    ? undefined
    : `must be a number of milliseconds from 0 to ${MAX_DELAY_MS}, got ${shown(value)}`;
}

export function headersProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return `must be an object of header names to string values, got ${shown(value)}`;
  for (const [name, v] of Object.entries(value)) {
    if (!HEADER_NAME.test(name)) return `has an invalid header name ${JSON.stringify(name)}`;
    if (typeof v !== 'string') return `['${name}'] must be a string, got ${shown(v)}`;
    if (BAD_HEADER_VALUE.test(v)) return `['${name}'] must not contain CR, LF or NUL`;
  }
  return undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A short, secret-free description of a rejected value for messages. */
export function shown(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'object') return typeof value;
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return isPlainObject(value) || !name ? 'an object' : `an instance of ${name}`;
}

/** Throws a TypeError naming the first problem of `fault`; returns it unchanged when it can be applied. */
export function checkFault(fault: unknown, where = 'inject()'): Fault {
  const fail = (message: string): never => {
    throw new TypeError(`${where}: ${message}`);
  };
  if (!isPlainObject(fault)) return fail(`a fault must be a plain object, got ${shown(fault)}`);
  for (const key of Object.keys(fault)) {
    if (!KEYS.has(key)) fail(`unknown fault key '${key}' (allowed: ${[...KEYS].join(', ')})`);
  }
  const f = fault as Fault & Record<string, unknown>;
  let problem: string | undefined;
  if (f.status !== undefined && (problem = statusProblem(f.status))) fail(`status ${problem}`);
  if (f.delayMs !== undefined && (problem = delayProblem(f.delayMs))) fail(`delayMs ${problem}`);
  if (f.headers !== undefined && (problem = headersProblem(f.headers))) fail(`headers ${problem}`);
  if (f.body !== undefined && typeof f.body !== 'string' && !(f.body instanceof Uint8Array) && !isPlainObject(f.body)) {
    fail(`body must be a string, a Uint8Array or a plain object, got ${shown(f.body)}`);
  }
  if (f.match !== undefined && typeof f.match !== 'function') fail(`match must be a function (see matchers), got ${shown(f.match)}`);
  if (f.rewrite !== undefined && typeof f.rewrite !== 'function') fail(`rewrite must be a function, got ${shown(f.rewrite)}`);
  if (f.status === undefined && f.body === undefined && f.delayMs === undefined && f.headers === undefined && f.rewrite === undefined) {
    fail('a fault needs at least one of status, body, delayMs, headers or rewrite');
  }
  return f;
}
