// Verifies a client assertion (PROTOCOL.md §15): key by x5t/x5t#S256, RS256/PS256 signature, then iss/sub/aud/exp/nbf/jti. Does not pick the client.
import { constants, verify } from 'node:crypto';
import { AADSTS, type AadError } from './errors.js';
import type { RequestContext } from './context.js';
import { findCertificate, type RegisteredCertificate } from './client-certificates.js';
import type { EmulatorClient } from './types.js';

/** ESTS accepts assertions up to five minutes outside their nbf/exp window. */
export const ASSERTION_SKEW_SECONDS = 300;

const B64URL = /^[A-Za-z0-9_-]*={0,2}$/;

function decodeJson(segment: string): Record<string, unknown> | undefined {
  if (!segment || !B64URL.test(segment)) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The token endpoint URL as the client posted to it: scheme, Host header, path, no query (what `aud` must be). */
export function postedTokenEndpoint(ctx: RequestContext): string {
  const scheme = new URL(ctx.origin).protocol;
  const host = ctx.headers['host'] ?? new URL(ctx.origin).host;
  return `${scheme}//${host}${ctx.url.pathname}`;
}

function signatureValid(alg: string, signingInput: string, signature: Buffer, key: RegisteredCertificate): boolean {
  const data = Buffer.from(signingInput, 'ascii');
  try {
    if (alg === 'RS256') return verify('sha256', data, key.publicKey, signature);
    // PS256: RSASSA-PSS with SHA-256, MGF1 and a 32-byte salt (RFC 7518 §3.5)
    return verify('sha256', data, { key: key.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
  } catch {
    return false; // e.g. a signature of the wrong length
  }
}

/**
 * Checks `assertion` for `client` in the order ESTS would: shape, key, key validity, signature, then the
 * claims (signature first, so an unsigned forgery learns nothing about them).
 */
export function verifyClientAssertion(ctx: RequestContext, client: EmulatorClient, assertion: string): AadError | undefined {
  const { errors, state } = ctx;
  const parts = assertion.split('.');
  const header = parts.length === 3 ? decodeJson(parts[0]!) : undefined;
  const claims = parts.length === 3 ? decodeJson(parts[1]!) : undefined;
  if (!header || !claims || !parts[2] || !B64URL.test(parts[2])) return AADSTS.assertionMalformed(errors, 'The client assertion is not a signed JWT (header.payload.signature).');
  const alg = header['alg'];
  if (alg !== 'RS256' && alg !== 'PS256') return AADSTS.assertionMalformed(errors, "The client assertion's 'alg' must be RS256 or PS256.");

  // x5t#S256 (SHA-256) when present, else x5t (SHA-1); a SHA-256 digest under x5t matches nothing, as on ESTS
  const s256 = header['x5t#S256'];
  const sha1 = header['x5t'];
  const [kind, thumb] = typeof s256 === 'string' ? (['sha256', s256] as const) : typeof sha1 === 'string' ? (['sha1', sha1] as const) : [undefined, undefined];
  if (!kind || !thumb || !B64URL.test(thumb)) return AADSTS.assertionMalformed(errors, 'No certificate thumbprint specified in token header.');
  const hex = Buffer.from(thumb, 'base64url').toString('hex').toUpperCase();
  const key = findCertificate(state.certificatesOf(client), kind, hex);
  if (!key) return AADSTS.keyNotFound(errors, hex, client.clientId);
  const now = state.nowMs();
  if (now > key.notAfterMs) return AADSTS.keyUnusable(errors, 'The key used is expired.', hex, key);
  if (now < key.notBeforeMs) return AADSTS.keyUnusable(errors, 'The key used is not yet valid.', hex, key);
  if (!signatureValid(alg, `${parts[0]}.${parts[1]}`, Buffer.from(parts[2], 'base64url'), key)) {
    return AADSTS.keyUnusable(errors, 'The provided signature value did not match the expected signature value.', hex, key);
  }

  const { iss, sub, aud, exp, nbf, jti } = claims;
  if (typeof iss !== 'string' || typeof sub !== 'string') return AADSTS.assertionMalformed(errors, "The client assertion must carry 'iss' and 'sub'.");
  if (sub !== iss) return AADSTS.subjectMismatch(errors);
  if (iss.toLowerCase() !== client.clientId.toLowerCase()) return AADSTS.assertionIssuer(errors);
  const endpoint = postedTokenEndpoint(ctx).toLowerCase();
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.some((a) => typeof a === 'string' && a.toLowerCase() === endpoint)) return AADSTS.assertionAudience(errors);
  if (typeof exp !== 'number' || (nbf !== undefined && typeof nbf !== 'number')) {
    return AADSTS.assertionMalformed(errors, "The client assertion's 'exp' (and 'nbf', when present) must be numbers.");
  }
  const nbfMs = typeof nbf === 'number' ? nbf * 1000 : 0; // ESTS reports a missing nbf as 1970
  const skew = ASSERTION_SKEW_SECONDS * 1000;
  if (now < nbfMs - skew || now > exp * 1000 + skew) return AADSTS.assertionTimeRange(errors, nbfMs, exp * 1000);
  if (state.rejectReplayedJti) {
    if (typeof jti !== 'string' || !jti) return AADSTS.assertionMalformed(errors, "The client assertion must carry a 'jti'.");
    if (!state.rememberJti(client.clientId, jti, exp * 1000 + skew)) return AADSTS.assertionReplayed(errors);
  }
  return undefined;
}
