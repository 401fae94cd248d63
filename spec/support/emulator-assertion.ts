// Test-only client assertions (RFC 7523 JWTs, signed with jose) as Microsoft clients send them, each part overridable. Tests only.
import { randomUUID } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** base64url of the bytes of a hex thumbprint, as x5t / x5t#S256 carry it. */
export const thumbprintB64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64url');

export interface AssertionOptions {
  privateKeyPem: string;
  clientId: string;
  /** The token endpoint URL the request goes to (no query). */
  aud: string;
  alg?: 'RS256' | 'PS256';
  /** The header's thumbprint fields, e.g. { x5t: thumbprintB64(cert.sha1Thumbprint) }. */
  thumbprint: Record<string, string>;
  /** Claims to add or replace (times in epoch seconds). */
  claims?: Record<string, unknown>;
  /** Claims to leave out. */
  omit?: string[];
}

export async function clientAssertion(o: AssertionOptions): Promise<string> {
  const alg = o.alg ?? 'RS256';
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { aud: o.aud, iss: o.clientId, sub: o.clientId, jti: randomUUID(), nbf: now, exp: now + 600, ...o.claims };
  for (const k of o.omit ?? []) delete payload[k];
  const key = await importPKCS8(o.privateKeyPem, alg);
  return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT', ...o.thumbprint }).sign(key);
}

/** The form fields that carry an assertion. */
export const assertionFields = (assertion: string): Record<string, string> => ({ client_assertion_type: JWT_BEARER, client_assertion: assertion });
