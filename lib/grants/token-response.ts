// Turns a token-endpoint exchange into an AadToken: OAuth error, shape, then the resource check.
import { ResponseError } from '../errors.js';
import { printable, scrub } from '../redact.js';
import { createToken, type AadToken, type TokenOrigin } from '../token.js';
import { parseShape, successJson, type Exchange } from '../aad/check.js';
import { TokenResponseSchema } from '../aad/schemas.js';

/** Resources compare without case and without trailing slashes. */
export function sameResource(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

export interface TokenCheck {
  /** The resource asked for: a token for another one is refused. */
  expectedResource?: string | undefined;
  /** A refresh: invalid_grant / interaction_required mean "sign in again". */
  refresh?: boolean | undefined;
  /** Recorded on the token. */
  origin?: TokenOrigin | undefined;
}

export function checkTokenExchange(ex: Exchange, options: TokenCheck = {}): AadToken {
  const json = successJson(ex, { refresh: options.refresh ?? false }) as Record<string, unknown>;
  const wire = parseShape(ex, TokenResponseSchema, json, 'token response');
  const expected = options.expectedResource;
  if (expected !== undefined && wire.resource !== undefined && !sameResource(wire.resource, expected)) {
    throw new ResponseError(
      'ERR_RESOURCE_MISMATCH',
      `The token endpoint issued a token for resource "${printable(scrub(wire.resource, ex.secrets))}" but "${expected}" was asked for; it was not accepted.`,
      { status: ex.response.status, url: ex.url, traceId: ex.response.headers['x-ms-request-id'] },
    );
  }
  return createToken(wire, json, ex.sentAt, options.origin);
}
