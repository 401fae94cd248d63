// The token model: server expiry (expires_on) and local expiry (send time + expires_in), skew, and
// helpers. A token shows its shape, never its values, to util.inspect and JSON.stringify.
import { InputError } from './errors.js';
import { REDACTED, describeSecret } from './redact.js';

/** A v1 token response as checked by the protocol layer (numbers already numbers). */
export interface TokenWire {
  token_type: string;
  access_token: string;
  expires_in: number;
  refresh_token?: string | undefined;
  id_token?: string | undefined;
  resource?: string | undefined;
  scope?: string | undefined;
  ext_expires_in?: number | undefined;
  expires_on?: number | undefined;
  not_before?: number | undefined;
  [field: string]: unknown;
}

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
  /** The response object as received (secret fields included; never printed by inspect). */
  raw: Readonly<Record<string, unknown>>;
}

const SHAPE = Symbol('d365fo-auth.token');
/** util.inspect.custom, without loading node:util at import (the inspector passes `inspect` in). */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
type Inspect = (value: unknown, options: object) => string;

/** The token's fields for display or output; `show` decides what a secret turns into. */
function view(token: AadToken, show: (secret: string) => string): Record<string, unknown> {
  return {
    tokenType: token.tokenType,
    accessToken: show(token.accessToken),
    refreshToken: token.refreshToken === undefined ? undefined : show(token.refreshToken),
    idToken: token.idToken === undefined ? undefined : show(token.idToken),
    resource: token.resource,
    scope: token.scope,
    expiresIn: token.expiresIn,
    expiresOn: token.expiresOn,
    expiresAt: new Date(token.expiresAt).toISOString(),
    clockSkewSeconds: token.clockSkewSeconds,
  };
}

const shape = (token: AadToken) => view(token, describeSecret);

/**
 * The token as a plain object WITH its access, refresh and id tokens, for output the caller asked
 * for (e.g. `--json`). `JSON.stringify(token)` shows only the shape; this is the explicit way.
 */
export function serializeToken(token: AadToken): Record<string, unknown> {
  return view(token, (secret) => secret);
}

/**
 * A prototype that shows `view(this)` to util.inspect and JSON.stringify and `[label]` to String():
 * for the objects that carry a secret (tokens, their raw response, device codes).
 */
export function hidingProto(label: string, view: (self: any) => unknown): object {
  return {
    [INSPECT](_depth: number, options: object, inspect: Inspect) {
      return `${label} ${inspect(view(this), options)}`;
    },
    toJSON() {
      return view(this);
    },
    toString() {
      return `[${label}]`;
    },
  };
}

const tokenProto = Object.assign(hidingProto('AadToken', shape), { [SHAPE]: true });
const rawProto = hidingProto('AadTokenResponse', (raw: Record<string, unknown>) =>
  Object.fromEntries(Object.keys(raw).map((key) => [key, REDACTED])),
);

/** Builds the model from a checked wire response and the local time the request was sent. */
export function createToken(wire: TokenWire, sentAt: number, raw: Record<string, unknown> = wire): AadToken {
  const expiresAt = sentAt + wire.expires_in * 1000;
  const expiresOn = wire.expires_on ?? Math.floor(expiresAt / 1000);
  const token: AadToken = Object.assign(Object.create(tokenProto) as AadToken, {
    tokenType: wire.token_type,
    accessToken: wire.access_token,
    refreshToken: wire.refresh_token,
    idToken: wire.id_token,
    resource: wire.resource,
    scope: wire.scope,
    expiresIn: wire.expires_in,
    extExpiresIn: wire.ext_expires_in,
    expiresOn,
    notBefore: wire.not_before,
    sentAt,
    expiresAt,
    clockSkewSeconds: Math.round(expiresOn - expiresAt / 1000),
    raw: Object.freeze(Object.assign(Object.create(rawProto), raw)),
  });
  return token;
}

/** Rebuilds a token from saved fields (e.g. the config file), keeping values out of inspect. */
export function restoreToken(fields: Omit<AadToken, 'raw' | 'clockSkewSeconds'> & { clockSkewSeconds?: number }): AadToken {
  return Object.assign(Object.create(tokenProto) as AadToken, {
    ...fields,
    clockSkewSeconds: fields.clockSkewSeconds ?? Math.round(fields.expiresOn - fields.expiresAt / 1000),
    raw: Object.freeze(Object.create(rawProto)),
  });
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
