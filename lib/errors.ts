// The error kinds of d365fo-auth, each with a stable string `code`; messages never hold a secret.
// `AnyD365AuthError` is the union of the classes, so `switch (err.code)` narrows to a class's fields.

export interface ErrorOptions {
  cause?: unknown;
}

/** Base class of every error this package throws. */
export class D365AuthError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/** A caller's argument or option is invalid. Nothing was sent. */
export class InputError extends D365AuthError {
  declare readonly code: 'ERR_INVALID_INPUT' | 'ERR_INSECURE_URL';
  /**
   * The library option the message is about (e.g. `clientId`), written as a word in the message, so
   * a front end such as the CLI can say it in its own words (`--client-id`).
   */
  readonly option: string | undefined;
  constructor(message: string, code: 'ERR_INVALID_INPUT' | 'ERR_INSECURE_URL' = 'ERR_INVALID_INPUT', option?: string) {
    super(code, message);
    this.option = option;
  }
}

/** The HTTP exchange itself failed: connection, timeout or abort. */
export class TransportError extends D365AuthError {
  declare readonly code: 'ERR_TRANSPORT' | 'ERR_TIMEOUT' | 'ERR_ABORTED';
  readonly url: string;
  /** The system or undici error code behind a connection failure, e.g. `ECONNREFUSED`. */
  readonly reason: string | undefined;
  constructor(code: 'ERR_TRANSPORT' | 'ERR_TIMEOUT' | 'ERR_ABORTED', message: string, details: { url: string; reason?: string | undefined }, options?: ErrorOptions) {
    super(code, message, options);
    this.url = details.url;
    this.reason = details.reason;
  }
}

export type ResponseErrorCode = 'ERR_UNEXPECTED_STATUS' | 'ERR_NOT_JSON' | 'ERR_INVALID_RESPONSE' | 'ERR_BODY_TOO_LARGE' | 'ERR_RESOURCE_MISMATCH';

/** The server answered, but not with something this package can use. */
export class ResponseError extends D365AuthError {
  declare readonly code: ResponseErrorCode;
  readonly status: number;
  readonly url: string;
  /** The server's trace id (`x-ms-request-id`), when it sent one. */
  readonly traceId: string | undefined;
  constructor(code: ResponseErrorCode, message: string, details: { status: number; url: string; traceId?: string | undefined }) {
    super(code, message);
    this.status = details.status;
    this.url = details.url;
    this.traceId = details.traceId;
  }
}

export interface OAuthErrorDetails {
  status: number;
  error: string;
  errorDescription?: string | undefined;
  errorCodes?: number[] | undefined;
  traceId?: string | undefined;
  correlationId?: string | undefined;
  timestamp?: string | undefined;
  errorUri?: string | undefined;
  suberror?: string | undefined;
  claims?: string | undefined;
  remedy?: string | undefined;
}

/** The authority refused: an OAuth 2.0 error body, usually with an AADSTS code. */
export class OAuthError extends D365AuthError {
  /** ERR_SIGN_IN_REQUIRED: a refresh token was refused for good; sign in again. */
  declare readonly code: 'ERR_OAUTH' | 'ERR_SIGN_IN_REQUIRED';
  /** HTTP status of the answer (0 when the error came in a browser redirect). */
  readonly status: number;
  /** The OAuth error code to branch on, e.g. `invalid_grant`. */
  readonly error: string;
  readonly errorDescription: string | undefined;
  readonly errorCodes: number[];
  /** The first AADSTS code as text, e.g. `AADSTS50126`. */
  readonly aadsts: string | undefined;
  readonly traceId: string | undefined;
  readonly correlationId: string | undefined;
  readonly timestamp: string | undefined;
  readonly errorUri: string | undefined;
  readonly suberror: string | undefined;
  readonly claims: string | undefined;
  /** One line of what to do, for the common AADSTS codes. */
  readonly remedy: string | undefined;
  constructor(message: string, details: OAuthErrorDetails, code: 'ERR_OAUTH' | 'ERR_SIGN_IN_REQUIRED' = 'ERR_OAUTH') {
    super(code, message);
    this.status = details.status;
    this.error = details.error;
    this.errorDescription = details.errorDescription;
    this.errorCodes = details.errorCodes ?? [];
    this.aadsts = this.errorCodes[0] === undefined ? undefined : `AADSTS${this.errorCodes[0]}`;
    this.traceId = details.traceId;
    this.correlationId = details.correlationId;
    this.timestamp = details.timestamp;
    this.errorUri = details.errorUri;
    this.suberror = details.suberror;
    this.claims = details.claims;
    this.remedy = details.remedy;
  }
}

/** The account's domain is federated (e.g. ADFS): the password grant cannot work for it. */
export class FederatedUserError extends D365AuthError {
  declare readonly code: 'ERR_FEDERATED_USER';
  readonly domain: string;
  readonly federationProtocol: string | undefined;
  constructor(message: string, domain: string, federationProtocol: string | undefined) {
    super('ERR_FEDERATED_USER', message);
    this.domain = domain;
    this.federationProtocol = federationProtocol;
  }
}

export type DeviceCodeErrorCode =
  | 'ERR_DEVICE_CODE_EXPIRED' // the device code's lifetime ended first
  | 'ERR_DEVICE_CODE_DECLINED' // the person declined at the verification page
  | 'ERR_DEVICE_CODE_TIMEOUT' // the caller's timeoutSeconds passed first
  | 'ERR_DEVICE_CODE_CANCELLED'; // the caller's signal aborted the wait

/** The device-code sign-in ended without a token: expired, declined, timed out or cancelled. */
export class DeviceCodeError extends D365AuthError {
  declare readonly code: DeviceCodeErrorCode;
  constructor(code: DeviceCodeErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

export type BrowserSignInErrorCode =
  | 'ERR_BROWSER_TIMEOUT' // nobody came back to the loopback redirect within timeoutSeconds
  | 'ERR_BROWSER_CANCELLED' // the caller's signal aborted the wait
  | 'ERR_LOOPBACK_LISTENER' // no loopback listener could be opened (port taken, no loopback)
  | 'ERR_NO_BROWSER'; // no browser could be opened and nobody was given the URL (onUrl)

/** The browser sign-in ended without an authorization code (a refusal in the redirect is an OAuthError). */
export class BrowserSignInError extends D365AuthError {
  declare readonly code: BrowserSignInErrorCode;
  constructor(code: BrowserSignInErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** The config file or a value saved in it is unusable, or could not be read, written or locked. */
export class ConfigError extends D365AuthError {
  declare readonly code: 'ERR_CONFIG' | 'ERR_CONFIG_IO';
  /** The config file concerned, when there is one. */
  readonly path: string | undefined;
  constructor(message: string, path?: string, code: 'ERR_CONFIG' | 'ERR_CONFIG_IO' = 'ERR_CONFIG', options?: ErrorOptions) {
    super(code, message, options);
    this.path = path;
  }
}

/**
 * A shared session store (e.g. Redis) failed or refused: unreachable, not authenticated, read-only,
 * wrong encryption key, or another holder kept the session's lock longer than this caller waits.
 */
export class SessionStoreError extends D365AuthError {
  declare readonly code: 'ERR_SESSION_STORE' | 'ERR_SESSION_LOCKED';
  /** One line of what to do. */
  readonly remedy: string | undefined;
  constructor(message: string, options: ErrorOptions & { remedy?: string | undefined; code?: 'ERR_SESSION_STORE' | 'ERR_SESSION_LOCKED' } = {}) {
    super(options.code ?? 'ERR_SESSION_STORE', message, options);
    this.remedy = options.remedy;
  }
}

/** Every error class of this package; `switch (error.code)` narrows to one of them. */
export type AnyD365AuthError =
  | InputError
  | TransportError
  | ResponseError
  | OAuthError
  | FederatedUserError
  | DeviceCodeError
  | BrowserSignInError
  | ConfigError
  | SessionStoreError;

/** Every code an error of this package can carry. */
export type ErrorCode = AnyD365AuthError['code'];

/** True when `value` is an error of this package (with an optional code to match). */
export function isD365AuthError(value: unknown, code?: ErrorCode): value is AnyD365AuthError {
  return value instanceof D365AuthError && (code === undefined || value.code === code);
}
