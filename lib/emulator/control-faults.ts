// POST /_emulator/faults JSON turned into a Fault, checked strictly: bad input is refused with a message, nothing queued. Not the routing.
import { delayProblem, headersProblem, isPlainObject, shown, statusProblem } from './fault-check.js';
import { faults, matchers } from './faults.js';
import type { Fault, RecordedRequest } from './types.js';

type Body = Record<string, unknown>;
type Matcher = (r: RecordedRequest) => boolean;

/** A problem found in the request, as the 400 answer's message. */
export class ControlInputError extends Error {}

const fail = (message: string): never => {
  throw new ControlInputError(message);
};

function onlyKeys(o: Body, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(`${where} has an unknown key '${k}' (allowed: ${allowed.join(', ')}).`);
}

function integer(v: unknown, min: number, max: number, where: string): number {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) fail(`${where} must be an integer from ${min} to ${max}, got ${shown(v)}.`);
  return v as number;
}

function text(v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') fail(`${where} must be a non-empty string, got ${shown(v)}.`);
  return v as string;
}

const ENDPOINTS = ['token', 'devicecode', 'userrealm', 'authorize'] as const;

/** `{ endpoint?, grantType?, path? }` → a matcher that needs every given part. */
function matcherFrom(spec: unknown): Matcher {
  if (!isPlainObject(spec)) return fail(`match must be an object like {"endpoint":"token","grantType":"password"}, got ${shown(spec)}.`);
  onlyKeys(spec, ['endpoint', 'grantType', 'path'], 'match');
  if (Object.keys(spec).length === 0) fail('match must name at least one of endpoint, grantType, path.');
  const parts: Matcher[] = [];
  const endpoint = spec['endpoint'] === undefined ? undefined : text(spec['endpoint'], 'match.endpoint');
  if (endpoint !== undefined && !(ENDPOINTS as readonly string[]).includes(endpoint)) fail(`match.endpoint must be one of ${ENDPOINTS.join(', ')}, got ${shown(endpoint)}.`);
  const grantType = spec['grantType'] === undefined ? undefined : text(spec['grantType'], 'match.grantType');
  if (grantType !== undefined && endpoint !== undefined && endpoint !== 'token') fail(`match.grantType applies only to endpoint 'token', not '${endpoint}'.`);
  if (endpoint === 'token' || grantType !== undefined) parts.push(matchers.token(grantType));
  if (endpoint === 'devicecode') parts.push(matchers.deviceCode());
  if (endpoint === 'userrealm') parts.push(matchers.userRealm());
  if (endpoint === 'authorize') parts.push(matchers.authorize());
  if (spec['path'] !== undefined) parts.push(matchers.path(text(spec['path'], 'match.path')));
  return (r) => parts.every((p) => p(r));
}

/** Each shortcut's argument checks, in order; `undefined` leaves the shortcut's default. */
const KINDS: Record<string, (args: unknown[], opts: { match?: Matcher }) => Fault> = {
  throttle: ([s], o) => faults.throttle(s === undefined ? 1 : integer(s, 0, 86_400, 'args[0] (Retry-After seconds)'), o),
  serverError: ([status, extra], o) => {
    const code = status === undefined ? 500 : integer(status, 500, 599, 'args[0] (status)');
    if (extra === undefined) return faults.serverError(code, o);
    if (!isPlainObject(extra)) return fail(`args[1] of 'serverError' must be an object like {"retryAfterSeconds":2,"empty":true}, got ${shown(extra)}.`);
    onlyKeys(extra, ['retryAfterSeconds', 'empty'], "args[1] of 'serverError'");
    const more: { retryAfterSeconds?: number; empty?: boolean } = {};
    if (extra['retryAfterSeconds'] !== undefined) more.retryAfterSeconds = integer(extra['retryAfterSeconds'], 0, 86_400, 'args[1].retryAfterSeconds');
    if (extra['empty'] !== undefined) {
      if (typeof extra['empty'] !== 'boolean') fail(`args[1].empty must be a boolean, got ${shown(extra['empty'])}.`);
      more.empty = extra['empty'] as boolean;
    }
    return faults.serverError(code, { ...o, ...more });
  },
  slow: ([ms], o) => {
    const problem = ms === undefined ? undefined : delayProblem(ms);
    if (problem) fail(`args[0] (delay) ${problem}.`);
    return faults.slow(ms === undefined ? 1000 : (ms as number), o);
  },
  oversized: ([bytes], o) => faults.oversized(bytes === undefined ? undefined : integer(bytes, 16, 64 * 1024 * 1024, 'args[0] (bytes)'), o),
  html: ([status], o) => {
    const problem = status === undefined ? undefined : statusProblem(status);
    if (problem) fail(`args[0] (status) ${problem}.`);
    return faults.html(status === undefined ? 200 : (status as number), o);
  },
  truncatedJson: (_, o) => faults.truncatedJson(o),
  wrongResource: ([resource], o) => faults.wrongResource(resource === undefined ? undefined : text(resource, 'args[0] (resource)'), o),
  slowDown: (_, o) => faults.slowDown(o),
};
const ARITY: Record<string, number> = { throttle: 1, serverError: 2, slow: 1, oversized: 1, html: 1, truncatedJson: 0, wrongResource: 1, slowDown: 0 };

/**
 * `{ kind, args?, match?, count? }` for a named shortcut, or `{ status?, headers?, body?, delayMs?, match?, count? }`
 * for a raw fault. Returns the fault and its count; throws ControlInputError naming the first problem.
 */
export function faultFromJson(b: Body): { fault: Fault; count: number } {
  const count = b['count'] === undefined ? 1 : integer(b['count'], 1, 1_000_000, 'count');
  const opts = b['match'] === undefined ? {} : { match: matcherFrom(b['match']) };
  if (b['kind'] !== undefined) {
    onlyKeys(b, ['kind', 'args', 'match', 'count'], 'A fault with a kind');
    const kind = text(b['kind'], 'kind');
    const make = Object.hasOwn(KINDS, kind) ? KINDS[kind] : undefined;
    if (!make) return fail(`unknown fault kind '${kind}' (known: ${Object.keys(KINDS).join(', ')}).`);
    const args = b['args'] === undefined ? [] : b['args'];
    if (!Array.isArray(args)) return fail(`args must be an array, got ${shown(args)}.`);
    if (args.length > ARITY[kind]!) fail(`'${kind}' takes at most ${ARITY[kind]} argument(s), got ${args.length}.`);
    return { fault: make(args, opts), count };
  }
  onlyKeys(b, ['status', 'headers', 'body', 'delayMs', 'match', 'count'], 'A raw fault');
  const fault: Fault = { ...opts };
  let problem: string | undefined;
  if (b['status'] !== undefined) {
    if ((problem = statusProblem(b['status']))) fail(`status ${problem}.`);
    fault.status = b['status'] as number;
  }
  if (b['delayMs'] !== undefined) {
    if ((problem = delayProblem(b['delayMs']))) fail(`delayMs ${problem}.`);
    fault.delayMs = b['delayMs'] as number;
  }
  if (b['headers'] !== undefined) {
    if ((problem = headersProblem(b['headers']))) fail(`headers ${problem}.`);
    fault.headers = b['headers'] as Record<string, string>;
  }
  if (b['body'] !== undefined) {
    if (typeof b['body'] !== 'string' && !isPlainObject(b['body'])) fail(`body must be a string or a JSON object, got ${shown(b['body'])}.`);
    fault.body = b['body'] as string | Record<string, unknown>;
  }
  if (fault.status === undefined && fault.body === undefined && fault.delayMs === undefined && fault.headers === undefined) {
    fail('A raw fault needs at least one of status, body, delayMs, headers (or a kind).');
  }
  return { fault, count };
}
