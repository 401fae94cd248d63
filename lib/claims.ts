// Decode-only JWT claims, for display and sanity checks. NOTHING IS VERIFIED: no signature, no
// issuer, no audience, no expiry. Never base a security decision on what this returns.
import { decodeJwt } from 'jose/jwt/decode';
import type { JWTPayload } from 'jose';
import { InputError } from './errors.js';
import type { AadToken } from './token.js';

export type Claims = JWTPayload & Record<string, unknown>;

/** The payload of an access token (or id token, or any JWT string; a `Bearer ` prefix is ignored). */
export function decodeClaims(tokenOrJwt: AadToken | string): Claims {
  const jwt = typeof tokenOrJwt === 'string' ? tokenOrJwt.trim().replace(/^bearer\s+/i, '') : tokenOrJwt?.accessToken;
  if (typeof jwt !== 'string' || jwt === '') throw new InputError('decodeClaims() needs an AadToken or a JWT string.');
  try {
    return decodeJwt(jwt) as Claims;
  } catch {
    throw new InputError('The value is not a decodable JWT (expected three base64url parts separated by dots, with a JSON payload).');
  }
}
