// Checks AAD responses field by field in a fixed order (status -> OAuth error body -> JSON ->
// each field) and returns plain data or a typed error. It never echoes a received value.
import * as v from 'valibot';
import { OAuthError, ResponseError } from '../errors.js';
import { printable, printableLines, scrubber } from '../redact.js';
import type { HttpResponse } from '../http/types.js';
import { remedyFor } from './remedies.js';
import { OAuthErrorSchema } from './schemas.js';

/** One sent request and what came back, as the checkers need it. */
export interface Exchange {
  /** What was asked, for messages: e.g. "token endpoint". */
  what: string;
  url: string;
  response: HttpResponse;
  /** Local clock (epoch ms) when the request went out. */
  sentAt: number;
  correlationId: string;
  /** Values that must never appear in an error (the request's secrets). */
  secrets: readonly (string | undefined)[];
}

/** Refusals that mean the refresh token is dead: sign in again. */
const SIGN_IN_AGAIN = new Set(['invalid_grant', 'interaction_required']);

function traceId(ex: Exchange): string | undefined {
  return ex.response.headers['x-ms-request-id'];
}

function describeBody(res: HttpResponse): string {
  const type = res.headers['content-type']?.split(';')[0]?.trim() || 'no content type';
  return `${type}, ${Buffer.byteLength(res.body)} bytes`;
}

function tryJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * The body as a checked OAuth error, or undefined when it is not one. Only a body that carries
 * `error` is checked against the schema (spares a token body a failed parse).
 */
function errorBody(json: unknown): v.InferOutput<typeof OAuthErrorSchema> | undefined {
  if (json === null || typeof json !== 'object' || !('error' in json)) return undefined;
  const parsed = v.safeParse(OAuthErrorSchema, json);
  return parsed.success ? parsed.output : undefined;
}

/** The OAuth error in a body, or undefined when the body is not one. */
function oauthError(ex: Exchange, json: unknown, refresh: boolean): OAuthError | undefined {
  const body = errorBody(json);
  if (body === undefined) return undefined;
  // every text field is the server's: scrub them all (in case one echoes what was sent) and drop
  // control characters; the description keeps its line breaks
  const scrub = scrubber(ex.secrets);
  const clean = (text: string | undefined) => (text === undefined ? undefined : printable(scrub(text)));
  const description =
    body.error_description === undefined
      ? undefined
      : printableLines(scrub(body.error_description));
  const codes = body.error_codes ?? codesFromDescription(description);
  const aadsts = codes[0] === undefined ? '' : ` (AADSTS${codes[0]})`;
  const summary = summarise(description) ?? `the ${ex.what} refused the request (HTTP ${ex.response.status})`;
  const signInAgain = refresh && SIGN_IN_AGAIN.has(body.error);
  const message = `${clean(body.error)}${aadsts}: ${summary}${signInAgain ? ' Sign in again: the refresh token can no longer be used.' : ''}`;
  return new OAuthError(
    message,
    {
      status: ex.response.status,
      error: clean(body.error) ?? '',
      errorDescription: description,
      errorCodes: codes,
      traceId: clean(body.trace_id) ?? traceId(ex),
      correlationId: clean(body.correlation_id) ?? ex.response.headers['client-request-id'] ?? ex.correlationId,
      timestamp: clean(body.timestamp),
      errorUri: clean(body.error_uri),
      suberror: clean(body.suberror),
      claims: clean(body.claims),
      remedy: remedyFor(codes[0]),
    },
    signInAgain ? 'ERR_SIGN_IN_REQUIRED' : 'ERR_OAUTH',
  );
}

/**
 * The `error` of a body that is an OAuth error (checked against the schema), without building an
 * OAuthError: for answers a caller expects many of, such as a device-code poll's "keep waiting".
 */
export function oauthErrorName(ex: Exchange): string | undefined {
  return errorBody(tryJson(ex.response.body))?.error;
}

function codesFromDescription(description: string | undefined): number[] {
  const match = description?.match(/^AADSTS(\d+)/);
  return match ? [Number(match[1])] : [];
}

/** The first line of the description without its `AADSTSnnnn: ` prefix. */
function summarise(description: string | undefined): string | undefined {
  const line = description?.split(/\r?\n/)[0]?.replace(/^AADSTS\d+:\s*/, '').trim();
  return line ? line : undefined;
}

/**
 * The JSON body of a successful exchange. Any non-200 status becomes an OAuthError (when the body
 * is one) or an ERR_UNEXPECTED_STATUS; a 200 that is not JSON is ERR_NOT_JSON; a 200 carrying an
 * `error` is an OAuthError.
 */
export function successJson(ex: Exchange, options: { refresh?: boolean } = {}): unknown {
  const { response } = ex;
  const json = tryJson(response.body);
  const refused = oauthError(ex, json, options.refresh ?? false);
  if (response.status !== 200) {
    if (refused) throw refused;
    throw new ResponseError(
      'ERR_UNEXPECTED_STATUS',
      `The ${ex.what} answered HTTP ${response.status} (${describeBody(response)}) instead of a result or an OAuth error.`,
      { status: response.status, url: ex.url, traceId: traceId(ex) },
    );
  }
  if (json === undefined || json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ResponseError('ERR_NOT_JSON', `The ${ex.what} answered HTTP 200 with a body that is not a JSON object (${describeBody(response)}).`, {
      status: 200,
      url: ex.url,
      traceId: traceId(ex),
    });
  }
  if (refused) throw refused;
  return json;
}

/** Validates `json` against a schema; a failure names the field, never its value. */
export function parseShape<S extends v.GenericSchema>(ex: Exchange, schema: S, json: unknown, what: string): v.InferOutput<S> {
  const parsed = v.safeParse(schema, json);
  if (parsed.success) return parsed.output;
  const issue = parsed.issues[0];
  const field = issue.path?.map((item: { key: unknown }) => String(item.key)).join('.') ?? '(body)';
  const missing = issue.received === 'undefined';
  const range = issue.type === 'min_value' || issue.type === 'max_value';
  // only a type name is worth showing ("string", "(string | number)"); not "!0", ">=0" or a literal
  const expected = issue.expected && /^[(a-z][a-z |()]*$/i.test(issue.expected) ? ` (expected ${issue.expected})` : '';
  const problem = missing ? 'is missing' : range ? `is out of the plausible range (${issue.message})` : `has the wrong type or format${expected}`;
  throw new ResponseError(
    'ERR_INVALID_RESPONSE',
    `The ${what} from the ${ex.what} is invalid: field "${field}" ${problem}.`,
    { status: ex.response.status, url: ex.url, traceId: traceId(ex) },
  );
}
