// The error kinds of d365fo-auth, each with a stable string `code`; messages never hold a secret.

/** Every code an error of this package can carry; `switch (err.code)` narrows on it. */
export type ErrorCode =
  | 'ERR_INVALID_INPUT' // a caller's argument is wrong (thrown before any request)
  | 'ERR_INSECURE_URL' // an authority that is neither https nor http on loopback
  | 'ERR_TRANSPORT' // the connection failed (DNS, refused, reset, TLS)
  | 'ERR_TIMEOUT' // one HTTP request took longer than `timeoutMs`
  | 'ERR_ABORTED' // the caller's AbortSignal fired
  | 'ERR_UNEXPECTED_STATUS' // an HTTP status that is neither success nor an OAuth error
  | 'ERR_NOT_JSON' // a body that should be JSON is not
  | 'ERR_INVALID_RESPONSE' // JSON of the wrong shape
  | 'ERR_BODY_TOO_LARGE' // a response body over the cap
  | 'ERR_RESOURCE_MISMATCH' // the token is for another resource than the one asked for
  | 'ERR_OAUTH' // the authority refused (an OAuth error body, AADSTS code)
  | 'ERR_SIGN_IN_REQUIRED' // a refresh was refused for good: sign in again
  | 'ERR_FEDERATED_USER' // the account is federated; its password is not sent to the token endpoint
  | 'ERR_DEVICE_CODE_EXPIRED'
  | 'ERR_DEVICE_CODE_DECLINED'
  | 'ERR_DEVICE_CODE_TIMEOUT'
  | 'ERR_CONFIG' // the config file or a saved value is invalid or missing
  | 'ERR_CONFIG_IO'; // the config file could not be read, written or locked

export interface ErrorOptions {
  cause?: unknown;
}

/** Base class of every error this package throws. */
export class D365AuthError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/** A caller's argument or option is invalid. Nothing was sent. */
export class InputError extends D365AuthError {
  constructor(message: string, code: 'ERR_INVALID_INPUT' | 'ERR_INSECURE_URL' = 'ERR_INVALID_INPUT') {
    super(code, message);
  }
}

/** The HTTP exchange itself failed: connection, timeout or abort. */
export class TransportError extends D365AuthError {
  readonly url: string;
  /** The system or undici error code behind a connection failure, e.g. `ECONNRESET`. */
  readonly reason: string | undefined;
  constructor(
    code: 'ERR_TRANSPORT' | 'ERR_TIMEOUT' | 'ERR_ABORTED',
    message: string,
    details: { url: string; reason?: string | undefined },
    options?: ErrorOptions,
  ) {
    super(code, message, options);
    this.url = details.url;
    this.reason = details.reason;
  }
}

/** The server answered, but not with something this package can use. */
export class ResponseError extends D365AuthError {
  readonly status: number;
  readonly url: string;
  /** The server's trace id (`x-ms-request-id`), when it sent one. */
  readonly traceId: string | undefined;
  constructor(
    code: 'ERR_UNEXPECTED_STATUS' | 'ERR_NOT_JSON' | 'ERR_INVALID_RESPONSE' | 'ERR_BODY_TOO_LARGE' | 'ERR_RESOURCE_MISMATCH',
    message: string,
    details: { status: number; url: string; traceId?: string | undefined },
  ) {
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
  readonly domain: string;
  readonly federationProtocol: string | undefined;
  constructor(message: string, domain: string, federationProtocol: string | undefined) {
    super('ERR_FEDERATED_USER', message);
    this.domain = domain;
    this.federationProtocol = federationProtocol;
  }
}

/** The device-code sign-in ended without a token: expired, declined or timed out. */
export class DeviceCodeError extends D365AuthError {
  constructor(code: 'ERR_DEVICE_CODE_EXPIRED' | 'ERR_DEVICE_CODE_DECLINED' | 'ERR_DEVICE_CODE_TIMEOUT', message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** The config file or a value saved in it is unusable, or could not be read or written. */
export class ConfigError extends D365AuthError {
  /** The config file concerned, when there is one. */
  readonly path: string | undefined;
  constructor(message: string, path?: string, code: 'ERR_CONFIG' | 'ERR_CONFIG_IO' = 'ERR_CONFIG', options?: ErrorOptions) {
    super(code, message, options);
    this.path = path;
  }
}

/** True when `value` is an error of this package (with an optional code to match). */
export function isD365AuthError(value: unknown, code?: ErrorCode): value is D365AuthError {
  return value instanceof D365AuthError && (code === undefined || value.code === code);
}
