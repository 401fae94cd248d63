// The single redaction policy of the client: which fields are secret, how text is scrubbed of secret
// values in every encoding a server may echo them in, and how server text is made safe to print.
// It does not decide what gets logged; callers pass everything they print through here.

/** Form and JSON field names whose values are secret (wire names and model names). */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'password',
  'client_secret',
  'refresh_token',
  'access_token',
  'id_token',
  'code',
  'code_verifier',
  'device_code',
  'assertion',
  'client_assertion',
  'accessToken',
  'refreshToken',
  'idToken',
  'clientSecret',
  'deviceCode',
  'bearerToken',
  'codeVerifier',
  'privateKey',
  'passphrase',
]);

export const REDACTED = '[redacted]';

/** A JWT-shaped run of characters (header.payload.signature, base64url). */
const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** `%2f` or `%2F`: percent-encoding with hex digits in either case. */
const percentPattern = (byte: number) => {
  const hex = byte.toString(16).padStart(2, '0');
  return `%${[...hex].map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d)).join('')}`;
};

/**
 * A pattern for one character in every form a server may echo it: as is, percent-encoded (either
 * hex case; `+` for a space), JSON-escaped (`\"`, `\\`, `\uXXXX`), or HTML-escaped (named, decimal
 * or hex entity). Each character may take its own form, so mixed encodings match too.
 */
function charPattern(char: string): string {
  const forms = new Set<string>([escapeRegExp(char)]);
  const bytes = Buffer.from(char, 'utf8');
  forms.add([...bytes].map(percentPattern).join(''));
  if (char === ' ') forms.add('\\+');
  const code = char.codePointAt(0)!;
  if (code <= 0xffff) forms.add(`\\\\u${code.toString(16).padStart(4, '0').replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`)}`);
  if (char === '"' || char === '\\' || char === '/') forms.add(`\\\\${escapeRegExp(char)}`);
  forms.add(`&#0*${code};`);
  forms.add(`&#[xX]0*${code.toString(16).replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`)};`);
  const named: Record<string, string> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' };
  if (named[char]) forms.add(`&${named[char]};`);
  return forms.size === 1 ? [...forms][0]! : `(?:${[...forms].join('|')})`;
}

/** A scrubber: replaces every given secret (in any encoding, any length) and anything JWT-shaped with `[redacted]`. */
export function scrubber(secrets: Iterable<string | undefined> = []): (text: string) => string {
  const patterns = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s !== ''))]
    // longest first, so a secret that contains another is replaced whole
    .sort((a, b) => b.length - a.length)
    .map((secret) => [...secret].map(charPattern).join(''));
  patterns.push(JWT_PATTERN.source);
  // one pass: a replacement is never scanned again
  const pattern = new RegExp(patterns.join('|'), 'g');
  return (text) => text.replace(pattern, REDACTED);
}

/** Replaces every known secret value and anything JWT-shaped in `text` with `[redacted]`. */
export function scrub(text: string, secrets: Iterable<string | undefined> = []): string {
  return scrubber(secrets)(text);
}

// C0 and C1 controls, DEL, and the bidirectional overrides and isolates
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Server text made safe for a terminal: control characters (ESC sequences, BEL, CR, OSC-8 links),
 * C1 controls and bidi overrides become spaces. Line breaks go too: callers print one line.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, ' ').replace(/ {2,}/g, ' ').trim();
}

// the same, but line breaks (CR, LF) stay
// eslint-disable-next-line no-control-regex
const UNPRINTABLE_IN_LINES = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Multi-line server text made safe for a terminal: as `printable`, but its line breaks are kept. */
export function printableLines(text: string): string {
  return text.replace(UNPRINTABLE_IN_LINES, ' ');
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
  return [...params.keys()].map((key) => `${key}=${SECRET_FIELDS.has(key) ? REDACTED : params.get(key)}`).join('&');
}

/**
 * A JSON body for display: secret fields redacted at any depth and `secrets` scrubbed from every
 * string (before JSON escaping hides them), or a length note if not JSON.
 */
export function redactJsonBody(body: string, secrets: Iterable<string | undefined> = []): string {
  const scrubText = scrubber(secrets);
  const redactDeep = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(redactDeep);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) out[key] = SECRET_FIELDS.has(key) && typeof inner === 'string' ? REDACTED : redactDeep(inner);
      return out;
    }
    return typeof value === 'string' ? scrubText(value) : value;
  };
  try {
    return JSON.stringify(redactDeep(JSON.parse(body)));
  } catch {
    return `<${Buffer.byteLength(body)} bytes, not JSON>`;
  }
}
