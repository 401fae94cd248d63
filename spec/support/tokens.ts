// Builds AadTokens for specs from a wire-shaped object (numbers already numbers), as the grants do.
import type { TokenResponseOutput } from '../../lib/aad/schemas.js';
import { createToken, type AadToken, type TokenOrigin } from '../../lib/token.js';

export function makeToken(wire: TokenResponseOutput, sentAt: number, origin?: TokenOrigin): AadToken {
  return createToken(wire, wire as unknown as Record<string, unknown>, sentAt, origin);
}

const SECRET_NAMES = ['accessToken', 'refreshToken', 'idToken', 'bearerToken', 'clientSecret', 'deviceCode', 'codeVerifier'];

/** A plain copy of a secret-hiding object, its secrets included, for deepEqual against literals. */
export function plain(value: object | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  const out: Record<string, unknown> = { ...value };
  for (const name of SECRET_NAMES) {
    const secret = (value as Record<string, unknown>)[name];
    if (secret !== undefined) out[name] = secret;
  }
  return out;
}
