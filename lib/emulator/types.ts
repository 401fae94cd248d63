// The emulator's public types: options, users, clients, faults, the request log and the handle. No logic.

/** A user account of the emulated tenant. */
export interface EmulatorUser {
  username: string;
  password: string;
  /**
   * Password sign-in (ROPC) fails with AADSTS50076; the browser sign-in adds an approval step ("Approve
   * sign-in request") and the device-code page lets the user in; their tokens say amr ['pwd', 'mfa'].
   */
  mfaRequired?: boolean;
  /** Every sign-in fails with AADSTS50053 (the browser pages show it as an error on the page). */
  locked?: boolean;
  /** UserRealm answers Federated; a direct password grant fails with AADSTS50126, as ESTS does. */
  federated?: boolean;
  /** Display name for the `name`/`given_name`/`family_name` claims (default: derived from the username). */
  displayName?: string;
}

/** An app registration of the emulated tenant. */
export interface EmulatorClient {
  clientId: string;
  /** Present: a confidential client (client_credentials works, the secret must be sent). */
  secret?: string;
  /** "Allow public client flows": password, refresh and device code without a secret. */
  allowPublicClientFlows?: boolean;
  /** App roles put in the `roles` claim of app-only tokens (default: none, so no claim). */
  roles?: string[];
  /**
   * Registered certificates (one RSA X.509 PEM each; an expired one is accepted here and refused when
   * used). Present: a confidential client that may authenticate with a signed client assertion
   * (`client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`), found by its
   * header's `x5t` (SHA-1 thumbprint) or `x5t#S256` (SHA-256), alongside or instead of `secret`.
   */
  certificates?: Array<string | Buffer>;
  /**
   * Redirect URIs registered for the browser sign-in (/oauth2/authorize). A loopback `http://localhost`
   * or `http://127.0.0.1` URI matches any port (AAD's localhost exception); others match exactly.
   * Default: any `http://localhost[:port][/path]` or `http://127.0.0.1[:port][/path]`.
   */
  redirectUris?: string[];
}

export interface EmulatorOptions {
  /** Interface to bind; loopback by default. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Serve https with this PEM key and certificate (Microsoft's clients accept only https authorities). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** The tenant's GUID (default: a fixed demo GUID). */
  tenantId?: string;
  /** The tenant's verified domain (default: contoso.onmicrosoft.com). */
  tenantDomain?: string;
  users?: EmulatorUser[];
  clients?: EmulatorClient[];
  tokenLifetimeSeconds?: number;
  /** Sent as a decimal string; fractional values are allowed for fast tests (real v1 sends integers). */
  deviceCodeIntervalSeconds?: number;
  deviceCodeLifetimeSeconds?: number;
  /** Approve every new device code as the first user after this many seconds (demo, CI). */
  autoApproveDeviceCodeAfterSeconds?: number;
  /** The server's clock minus the real one, in seconds (to test skew). */
  clockOffsetSeconds?: number;
  /**
   * Strict refresh tokens: a redeemed refresh token is spent, and redeeming it again gets
   * invalid_grant AADSTS70008. Default false: like AAD, a redeemed refresh token stays valid
   * (each redemption still returns a new one).
   */
  singleUseRefreshTokens?: boolean;
  /**
   * Strict client assertions: a `jti` a client already used (within the assertion's lifetime) is
   * refused with invalid_client AADSTS50013, and an assertion without `jti` is malformed. Default
   * false: like AAD, a replayed assertion is accepted (Microsoft's clients reuse one for minutes).
   */
  rejectReplayedJti?: boolean;
  /** Receives one line when the server listens (bind address, loopback or not). Default: silent. */
  log?: (line: string) => void;
}

/** One request as received, with every secret replaced by `[redacted]`. */
export interface RecordedRequest {
  /** ISO time on the real clock. */
  at: string;
  method: string;
  /** Path with query string. */
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Form fields of an x-www-form-urlencoded body (empty otherwise). */
  form: Record<string, string>;
}

/** A response as the emulator is about to send it (used by fault rewrites). */
export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/**
 * A fault for the next `count` matching requests (any route but `/_emulator/` by default).
 * With `status` or `body` it replaces the real answer; with only `delayMs`/`headers` it delays or
 * decorates the real answer; `rewrite` post-processes the real answer. `inject()` checks it first
 * (TypeError, nothing queued): only these keys, `status` 200-599, `delayMs` 0-600000, header names
 * and values that fit in a header line, functions for `match` and `rewrite`. A `match` that throws
 * drops its fault; a `rewrite` that throws leaves the real answer.
 */
export interface Fault {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array | Record<string, unknown>;
  delayMs?: number;
  match?: (request: RecordedRequest) => boolean;
  rewrite?: (response: EmulatorResponse) => EmulatorResponse;
}

/** How `completeAuthorization()` answers the sign-in pages. */
export interface CompleteAuthorizationOptions {
  /** Who signs in (default: the first user). */
  username?: string;
  /** Checked when given (a wrong one rejects with AADSTS50126); skipped when not. */
  password?: string;
  /** Press Cancel instead: the redirect carries error=access_denied (AADSTS65004). */
  decline?: boolean;
}

/** What `startEmulator` resolves to. */
export interface EmulatorHandle {
  /** Bare origin, e.g. `https://127.0.0.1:50123`; usable as `authorityHost`. */
  readonly url: string;
  readonly tenantId: string;
  readonly tenantDomain: string;
  /** Where it listens, and whether that is loopback only. */
  readonly address: { host: string; port: number; loopback: boolean };
  /** Closes the server, every socket (keep-alive too) and every timer. */
  stop(): Promise<void>;
  /** Approves a pending device code as `username` (default: the first user). Returns false if unknown or not pending. */
  approveDeviceCode(userCode: string, username?: string): boolean;
  /** Declines a pending device code. Returns false if unknown or not pending. */
  declineDeviceCode(userCode: string): boolean;
  /**
   * Completes a browser sign-in without a browser: runs the checks of `/{tenant}/oauth2/authorize` on
   * `authorizeUrl` (path and query; the origin is not checked), signs in as `username` (an MFA user's
   * approval step approved), and resolves with the URL the page would have redirected the browser to:
   * `redirect_uri` with `code`, `session_state` and `state`, or with `error` (e.g. access_denied,
   * login_required). For response_mode=form_post the fields are in the URL's query; for fragment, in
   * its fragment. Rejects (an Error whose message holds the AADSTS code, `aadsts` property) where the
   * pages stop on an error page: unknown client (700016), redirect URI not allowed (50011), unknown
   * user (50034), locked user (50053), wrong password (50126).
   */
  completeAuthorization(authorizeUrl: string, options?: CompleteAuthorizationOptions): Promise<string>;
  /** Applies `fault` to the next `count` matching requests. */
  inject(fault: Fault, count?: number): void;
  /** Drops every fault not yet used. */
  clearFaults(): void;
  /** Revokes refresh tokens (of one user, or all): redeeming them gives AADSTS70008. Returns how many. */
  revokeRefreshTokens(username?: string): number;
  /** Marks refresh tokens expired through inactivity: redeeming them gives AADSTS700082. Returns how many. */
  expireRefreshTokens(username?: string): number;
  /**
   * A snapshot of what was received (control routes excluded), secrets redacted. Bounded: the newest
   * 10,000 requests within 16 Mi characters in all; a value over 2,048 characters is cut and ends in
   * "…[truncated, N bytes]", and a form keeps its first 64 fields (key "…" counts the rest).
   */
  readonly requests: readonly RecordedRequest[];
}
