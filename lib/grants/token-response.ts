// Turns a token-endpoint exchange into an AadToken: OAuth error, shape, then the resource check.
import { ResponseError } from '../errors.js';
import { scrub } from '../redact.js';
import { createToken, type AadToken } from '../token.js';
import { parseShape, successJson, type Exchange } from '../aad/check.js';
import { TokenResponseSchema } from '../aad/schemas.js';

/** Resources compare without case and without trailing slashes. */
export function sameResource(a: string, b: string): boolean {
  if (a === b) return true;
  const norm = (s: string) => s.trim().replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

export function checkTokenExchange(ex: Exchange, options: { expectedResource?: string | undefined; refresh?: boolean } = {}): AadToken {
  const json = successJson(ex, { refresh: options.refresh ?? false });
  const wire = parseShape(ex, TokenResponseSchema, json, 'token response');
  const expected = options.expectedResource;
  if (expected !== undefined && wire.resource !== undefined && !sameResource(wire.resource, expected)) {
    throw new ResponseError(
      'ERR_RESOURCE_MISMATCH',
      `The token endpoint issued a token for resource "${scrub(wire.resource, ex.secrets)}" but "${expected}" was asked for; it was not accepted.`,
      { status: ex.response.status, url: ex.url, traceId: ex.response.headers['x-ms-request-id'] },
    );
  }
  return createToken(wire, ex.sentAt, json as Record<string, unknown>);
}
