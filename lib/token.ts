// The token model: server expiry (expires_on) and local expiry (send time + expires_in), skew, and
// helpers. A token shows its shape, never its secrets, to every way of printing it (secret-object.ts).
import * as v from 'valibot';
import { InputError } from './errors.js';
import { plainCopy, secretKind } from './secret-object.js';
import type { TokenResponseOutput } from './aad/schemas.js';

export interface AadToken {
  tokenType: string;
  accessToken: string;
  refreshToken?: string | undefined;
  idToken?: string | undefined;
  resource?: string | undefined;
  scope?: string | undefined;
  /** Lifetime in seconds, as the server stated it. */
  expiresIn: number;
  extExpiresIn?: number | undefined;
  /** Absolute expiry in epoch seconds on the server's clock (`expires_on`). */
  expiresOn: number;
  /** Epoch seconds on the server's clock (`not_before`). */
  notBefore?: number | undefined;
  /** Epoch milliseconds, local clock, when the request that got this token was sent. */
  sentAt: number;
  /** Epoch milliseconds, local clock: `sentAt + expiresIn`. All expiry decisions use this. */
  expiresAt: number;
  /** Server `expires_on` minus the local expiry, in seconds (positive: server clock ahead). */
  clockSkewSeconds: number;
  /** The authority origin and tenant the token came from, when known. */
  authorityHost?: string | undefined;
  tenant?: string | undefined;
  /** The response object as received (its tokens readable, never printed), copied without inheriting anything. */
  raw: Readonly<Record<string, unknown>>;
}

const iso = (ms: unknown) => (typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : ms);
const tokenKind = secretKind<AadToken>('AadToken', ['accessToken', 'refreshToken', 'idToken'], ({ raw: _raw, ...shape }) => ({
  ...shape,
  sentAt: iso(shape['sentAt']),
  expiresAt: iso(shape['expiresAt']),
}));
const rawKind = secretKind<Record<string, unknown>>('AadTokenResponse', ['access_token', 'refresh_token', 'id_token']);

/** Where a token came from, recorded on it. */
export interface TokenOrigin {
  authorityHost?: string | undefined;
  tenant?: string | undefined;
}

const skewOf = (expiresOn: number, expiresAt: number) => Math.round(expiresOn - expiresAt / 1000) || 0;

/** Builds the model from a checked wire response, the raw JSON and the local time the request was sent. */
export function createToken(wire: TokenResponseOutput, raw: Readonly<Record<string, unknown>>, sentAt: number, origin: TokenOrigin = {}): AadToken {
  const expiresAt = sentAt + wire.expires_in * 1000;
  const expiresOn = wire.expires_on ?? Math.floor(expiresAt / 1000);
  const copy = plainCopy(raw) as Record<string, unknown>;
  return tokenKind.create(
    {
      tokenType: wire.token_type,
      resource: wire.resource,
      scope: wire.scope,
      expiresIn: wire.expires_in,
      extExpiresIn: wire.ext_expires_in,
      expiresOn,
      notBefore: wire.not_before,
      sentAt,
      expiresAt,
      clockSkewSeconds: skewOf(expiresOn, expiresAt),
      authorityHost: origin.authorityHost,
      tenant: origin.tenant,
      raw: rawKind.create(copy, { access_token: wire.access_token, refresh_token: wire.refresh_token, id_token: wire.id_token }),
    },
    { accessToken: wire.access_token, refreshToken: wire.refresh_token, idToken: wire.id_token },
  );
}

/** The fields a token is rebuilt from (a saved session, serialized output, or a token with changes). */
export type TokenFields = Omit<AadToken, 'raw' | 'clockSkewSeconds'> & { clockSkewSeconds?: number | undefined };

/** Rebuilds a token from saved fields (no raw response: `raw` is empty). */
export function restoreToken(fields: TokenFields): AadToken {
  const { accessToken, refreshToken, idToken, ...rest } = fields;
  return tokenKind.create(
    {
      ...rest,
      clockSkewSeconds: fields.clockSkewSeconds ?? skewOf(fields.expiresOn, fields.expiresAt),
      raw: rawKind.create({}, {}),
    },
    { accessToken, refreshToken, idToken },
  );
}

/** A copy of `token` with some fields changed (e.g. the refresh token that was redeemed, when none came back). */
export function withFields(token: AadToken, changes: Partial<TokenFields>): AadToken {
  return tokenKind.create(
    {
      tokenType: token.tokenType,
      resource: token.resource,
      scope: token.scope,
      expiresIn: token.expiresIn,
      extExpiresIn: token.extExpiresIn,
      expiresOn: token.expiresOn,
      notBefore: token.notBefore,
      sentAt: token.sentAt,
      expiresAt: token.expiresAt,
      clockSkewSeconds: token.clockSkewSeconds,
      authorityHost: token.authorityHost,
      tenant: token.tenant,
      raw: token.raw,
      ...changes,
    },
    {
      accessToken: changes.accessToken ?? token.accessToken,
      refreshToken: 'refreshToken' in changes ? changes.refreshToken : token.refreshToken,
      idToken: 'idToken' in changes ? changes.idToken : token.idToken,
    },
  );
}

/** True for an object made by this module (a token the library built or restored). */
export function isAadToken(value: unknown): value is AadToken {
  return tokenKind.is(value);
}

/** The token as plain JSON WITH its secrets: what `--json` prints and `parseSerializedToken` reads back. */
export type SerializedToken = Omit<AadToken, 'raw' | 'sentAt' | 'expiresAt'> & {
  /** Local clock, ISO 8601. */
  sentAt: string;
  /** Local expiry, ISO 8601. */
  expiresAt: string;
};

/**
 * The token as a plain object WITH its access, refresh and id tokens, for output the caller asked
 * for (e.g. `--json`). `JSON.stringify(token)` shows only the shape; this is the explicit way.
 */
export function serializeToken(token: AadToken): SerializedToken {
  const out: SerializedToken = {
    tokenType: token.tokenType,
    accessToken: token.accessToken,
    refreshToken: token.refreshToken,
    idToken: token.idToken,
    resource: token.resource,
    scope: token.scope,
    expiresIn: token.expiresIn,
    extExpiresIn: token.extExpiresIn,
    expiresOn: token.expiresOn,
    notBefore: token.notBefore,
    sentAt: new Date(token.sentAt).toISOString(),
    expiresAt: new Date(token.expiresAt).toISOString(),
    clockSkewSeconds: token.clockSkewSeconds || 0,
    authorityHost: token.authorityHost,
    tenant: token.tenant,
  };
  for (const key of Object.keys(out) as (keyof SerializedToken)[]) if (out[key] === undefined) delete out[key];
  return out;
}

const isoDate = v.pipe(v.string(), v.isoTimestamp());
const optionalString = v.optional(v.pipe(v.string(), v.nonEmpty()));
const SerializedTokenSchema = v.object({
  tokenType: v.pipe(v.string(), v.nonEmpty()),
  accessToken: v.pipe(v.string(), v.nonEmpty()),
  refreshToken: optionalString,
  idToken: optionalString,
  resource: v.optional(v.string()),
  scope: v.optional(v.string()),
  expiresIn: v.pipe(v.number(), v.integer(), v.minValue(0)),
  extExpiresIn: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  expiresOn: v.pipe(v.number(), v.integer()),
  notBefore: v.optional(v.pipe(v.number(), v.integer())),
  sentAt: isoDate,
  expiresAt: isoDate,
  clockSkewSeconds: v.optional(v.number()),
  authorityHost: optionalString,
  tenant: optionalString,
});

/** Reads `serializeToken()` output (an object or its JSON text, e.g. a saved `--json` result) back into an AadToken. */
export function parseSerializedToken(input: SerializedToken | string): AadToken {
  let json: unknown = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch {
      throw new InputError('parseSerializedToken() got text that is not JSON (expected the output of serializeToken() or `--json`).');
    }
  }
  const parsed = v.safeParse(SerializedTokenSchema, json);
  if (!parsed.success) {
    const where = v.getDotPath(parsed.issues[0]) ?? 'the top level';
    throw new InputError(`parseSerializedToken() got an invalid token: ${where} is missing or has the wrong type.`);
  }
  const t = parsed.output;
  return restoreToken({ ...t, sentAt: Date.parse(t.sentAt), expiresAt: Date.parse(t.expiresAt) });
}

function accessTokenOf(tokenOrString: AadToken | string): string {
  if (typeof tokenOrString === 'string') return tokenOrString;
  if (tokenOrString && typeof tokenOrString.accessToken === 'string') return tokenOrString.accessToken;
  throw new InputError('bearer() needs an AadToken or an access token string.');
}

/** `"Bearer <access token>"`; an already-prefixed string is returned as is. */
export function bearer(tokenOrString: AadToken | string): string {
  const value = accessTokenOf(tokenOrString).trim();
  if (value === '') throw new InputError('bearer() got an empty access token.');
  return /^bearer\s+/i.test(value) ? `Bearer ${value.replace(/^bearer\s+/i, '')}` : `Bearer ${value}`;
}

/** Seconds until the local expiry (negative once expired). `now` in epoch milliseconds. */
export function remainingSeconds(token: Pick<AadToken, 'expiresAt'>, now: number = Date.now()): number {
  return Math.floor((token.expiresAt - now) / 1000);
}

/** Whole minutes until the local expiry (negative once expired). */
export function remainingMinutes(token: Pick<AadToken, 'expiresAt'>, now: number = Date.now()): number {
  return Math.floor((token.expiresAt - now) / 60_000);
}

/** True when the token expires within `skewSeconds` (default 60) of `now` (epoch ms). */
export function isExpired(token: Pick<AadToken, 'expiresAt'>, options: { skewSeconds?: number; now?: number } = {}): boolean {
  const { skewSeconds = 60, now = Date.now() } = options;
  return token.expiresAt - skewSeconds * 1000 <= now;
}
