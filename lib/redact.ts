// The single redaction policy: which fields are secret, and how text is scrubbed of secret values.
// It does not decide what gets logged; callers pass everything they print through here.
import { encodeFormValue } from './http/form.js';

/** Form and JSON field names whose values are secret (wire names and model names). */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'password',
  'client_secret',
  'refresh_token',
  'access_token',
  'id_token',
  'code',
  'device_code',
  'assertion',
  'client_assertion',
  'accessToken',
  'refreshToken',
  'idToken',
  'clientSecret',
  'deviceCode',
  'bearerToken',
]);

export const REDACTED = '[redacted]';

/** A JWT-shaped run of characters (header.payload.signature, base64url). */
const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;

/** Replaces every known secret value and anything JWT-shaped in `text` with `[redacted]`. */
export function scrub(text: string, secrets: Iterable<string | undefined> = []): string {
  return scrubber(secrets)(text);
}

/** `scrub` with the secrets' encoded forms worked out once, for scrubbing several texts. */
export function scrubber(secrets: Iterable<string | undefined> = []): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    // a secret may also appear percent-encoded (form bodies, URLs; our form encoder also encodes
    // !'()*) or JSON-escaped (a quote or backslash in a response body)
    for (const form of [secret, encodeURIComponent(secret), encodeForm(secret), encodeFormValue(secret), JSON.stringify(secret).slice(1, -1)]) forms.add(form);
  }
  return (text) => {
    let out = text;
    for (const form of forms) out = out.split(form).join(REDACTED);
    return out.replace(JWT_PATTERN, REDACTED);
  };
}

function encodeForm(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** A copy of a flat record with the values of secret fields replaced. */
export function redactFields(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    out[key] = SECRET_FIELDS.has(key) && value !== undefined && value !== '' ? REDACTED : value;
  }
  return out;
}

/** A form body (`a=b&c=d`) for display, secret fields redacted. */
export function redactFormBody(body: string): string {
  const params = new URLSearchParams(body);
  return [...params.keys()]
    .map((key) => `${key}=${SECRET_FIELDS.has(key) ? REDACTED : params.get(key)}`)
    .join('&');
}

/**
 * A JSON body for display: secret fields redacted at any depth and `secrets` scrubbed from every
 * string (before JSON escaping hides them), or a length note if not JSON.
 */
export function redactJsonBody(body: string, secrets: Iterable<string | undefined> = []): string {
  try {
    return JSON.stringify(redactDeep(JSON.parse(body), [...secrets]));
  } catch {
    return `<${Buffer.byteLength(body)} bytes, not JSON>`;
  }
}

function redactDeep(value: unknown, secrets: readonly (string | undefined)[]): unknown {
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, secrets));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SECRET_FIELDS.has(key) && typeof inner === 'string' ? REDACTED : redactDeep(inner, secrets);
    }
    return out;
  }
  return typeof value === 'string' ? scrub(value, secrets) : value;
}

/** A short, non-reversible label for a secret, so logs can tell two tokens apart. */
export function describeSecret(value: string | undefined): string {
  return value ? `[redacted, ${value.length} chars]` : '[none]';
}
