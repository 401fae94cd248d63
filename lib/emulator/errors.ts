// AADSTS error bodies as v1 ESTS sends them (shape, texts, HTTP status). Does not decide when to send them.
import { randomUUID } from 'node:crypto';

export interface ErrorContext {
  /** The emulator's origin, for error_uri. */
  origin: string;
  /** x-ms-request-id of this response. */
  traceId: string;
  /** Echo of the request's client-request-id, or a fresh GUID. */
  correlationId: string;
  /** Server clock, epoch milliseconds. */
  nowMs: number;
}

export interface AadError {
  status: number;
  body: Record<string, unknown>;
}

/** "2024-01-01 00:00:00Z", as ESTS writes it. */
export function estsTimestamp(nowMs: number): string {
  return new Date(nowMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** ESTS echoes a GUID client-request-id as correlation id, otherwise it makes one up. */
export function correlationIdFor(clientRequestId: string | undefined): string {
  return clientRequestId && GUID.test(clientRequestId) ? clientRequestId.toLowerCase() : randomUUID();
}

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const CERT_DOC = 'https://learn.microsoft.com/entra/identity-platform/certificate-credentials';

/** "2024-10-02T22:05:03.6755165Z": ESTS writes instants in assertion errors with seven decimals. */
export function estsInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, (_, millis: string) => `.${millis}0000Z`);
}

/** "01/22/2018 09:13:33": how ESTS quotes a registered key's validity. */
function keyDate(ms: number): string {
  const d = new Date(ms).toISOString();
  return `${d.slice(5, 7)}/${d.slice(8, 10)}/${d.slice(0, 4)} ${d.slice(11, 19)}`;
}

/** Builds the error body: `error`, `error_description` with the trailer, numbers in `error_codes`. */
export function aadError(
  ctx: ErrorContext,
  error: string,
  code: number,
  text: string,
  extra: { status?: number; suberror?: string } = {},
): AadError {
  const timestamp = estsTimestamp(ctx.nowMs);
  const body: Record<string, unknown> = {
    error,
    error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${ctx.traceId}\r\nCorrelation ID: ${ctx.correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: ctx.traceId,
    correlation_id: ctx.correlationId,
    error_uri: `${ctx.origin}/error?code=${code}`,
  };
  if (extra.suberror) body['suberror'] = extra.suberror;
  return { status: extra.status ?? (error === 'invalid_client' ? 401 : 400), body };
}

/** The cases the emulator answers, one function each so texts live in one place. */
export const AADSTS = {
  missingParameter: (c: ErrorContext, name: string) =>
    aadError(c, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  unknownTenant: (c: ErrorContext, tenant: string) =>
    aadError(c, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`),
  noTenantInfo: (c: ErrorContext) =>
    aadError(c, 'invalid_request', 50059, 'No tenant-identifying information found in either the request or implied by any provided credentials.'),
  unsupportedGrant: (c: ErrorContext, grant: string) =>
    aadError(c, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`),
  unknownClient: (c: ErrorContext, clientId: string, tenant: string) =>
    aadError(c, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`),
  secretRequired: (c: ErrorContext) =>
    aadError(c, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
  wrongSecret: (c: ErrorContext, clientId: string) =>
    aadError(c, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`),
  publicClientWithSecret: (c: ErrorContext) =>
    aadError(c, 'invalid_client', 700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented."),
  wrongPassword: (c: ErrorContext) =>
    aadError(c, 'invalid_grant', 50126, 'Error validating credentials due to invalid username or password.'),
  unknownUser: (c: ErrorContext, tenantDomain: string) =>
    aadError(c, 'invalid_grant', 50034, `The user account {EmailHidden} does not exist in the ${tenantDomain} directory. To sign into this application, the account must be added to the directory.`),
  mfaRequired: (c: ErrorContext, resource: string) =>
    aadError(c, 'invalid_grant', 50076, `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resource}'.`, { suberror: 'basic_action' }),
  locked: (c: ErrorContext) =>
    aadError(c, 'invalid_grant', 50053, "Your account is locked because you've tried to sign in too many times with an incorrect user ID or password."),
  badGrant: (c: ErrorContext) =>
    aadError(c, 'invalid_grant', 70000, 'Provided grant is invalid or malformed.'),
  refreshRevoked: (c: ErrorContext) =>
    aadError(c, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.'),
  refreshInactive: (c: ErrorContext, issuedMs: number) =>
    aadError(c, 'invalid_grant', 700082, `The refresh token has expired due to inactivity. The token was issued on ${new Date(issuedMs).toISOString()} and was inactive for 90.00:00:00.`),
  pending: (c: ErrorContext) =>
    aadError(c, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.'),
  badVerificationCode: (c: ErrorContext) =>
    aadError(c, 'bad_verification_code', 70018, 'Invalid verification code due to User typing in wrong user code for device code flow. Authorization is not approved.'),
  codeExpired: (c: ErrorContext) =>
    aadError(c, 'code_expired', 70019, 'Verification code expired.'),
  declined: (c: ErrorContext) =>
    aadError(c, 'authorization_declined', 65004, 'User declined to consent to access the app.'),
  slowDown: (c: ErrorContext) =>
    aadError(c, 'slow_down', 70016, 'OAuth 2.0 device flow error. Polling too frequently; slow down.'),
  // --- authorization code + PKCE (PROTOCOL.md §14.6) ---
  noReplyAddress: (c: ErrorContext) =>
    aadError(c, 'invalid_request', 900971, 'No reply address provided.'),
  replyNotAbsolute: (c: ErrorContext) =>
    aadError(c, 'invalid_request', 90102, "'redirect_uri' value must be a valid absolute URI."),
  replyNotRegistered: (c: ErrorContext, redirectUri: string, clientId: string) =>
    aadError(c, 'invalid_request', 50011, `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`),
  unsupportedResponseType: (c: ErrorContext, responseType: string) =>
    aadError(c, 'unsupported_response_type', 70005, `response_type '${responseType}' is not enabled for the application.`),
  unsupportedResponseMode: (c: ErrorContext) =>
    aadError(c, 'invalid_request', 70007, "The application requested an unsupported value of 'response_mode'; use 'query', 'fragment' or 'form_post'."),
  badPrompt: (c: ErrorContext) =>
    aadError(c, 'invalid_request', 90023, "Invalid request. Unsupported 'prompt' value."),
  badChallengeMethod: (c: ErrorContext) =>
    aadError(c, 'invalid_request', 50149, "The code_challenge_method is not valid. Supported values are 'S256' and 'plain'."),
  badChallenge: (c: ErrorContext) =>
    aadError(c, 'invalid_request', 50147, 'The size of the code challenge parameter is not valid.'),
  loginRequired: (c: ErrorContext) =>
    aadError(c, 'login_required', 50058, 'A silent sign-in request was sent but no user is signed in.'),
  userCancelled: (c: ErrorContext) =>
    aadError(c, 'access_denied', 65004, 'User declined to consent to access the app.'),
  mfaDenied: (c: ErrorContext) =>
    aadError(c, 'access_denied', 500121, 'Authentication failed during strong authentication request.'),
  flowExpired: (c: ErrorContext) =>
    aadError(c, 'invalid_request', 50089, 'Authentication failed due to flow token expired. Start the sign-in again from the application.'),
  codeRedeemed: (c: ErrorContext) =>
    aadError(c, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.'),
  codeOtherTenant: (c: ErrorContext) =>
    aadError(c, 'invalid_grant', 700005, 'Provided Authorization Code is intended to use against other tenant, thus rejected.'),
  codeReplyMismatch: (c: ErrorContext, sent: string, authorized: string) =>
    aadError(c, 'invalid_grant', 50011, `The reply address '${sent}' does not match the reply address '${authorized}' provided when requesting Authorization code.`),
  codeMismatch: (c: ErrorContext, detail: string) =>
    aadError(c, 'invalid_grant', 70000, `Provided grant is invalid or malformed. ${detail}`),
  verifierMismatch: (c: ErrorContext) =>
    aadError(c, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.'),

  // --- client assertions (certificate credentials, PROTOCOL.md §15.5) ---
  bothCredentials: (c: ErrorContext) =>
    aadError(c, 'invalid_request', 90023, "The request must carry only one client credential: 'client_secret' or 'client_assertion', not both."),
  badAssertionType: (c: ErrorContext) =>
    aadError(c, 'invalid_request', 90023, `The 'client_assertion_type' is not supported; use '${JWT_BEARER}'.`),
  assertionMalformed: (c: ErrorContext, detail: string) =>
    aadError(c, 'invalid_client', 50027, `JWT token is invalid or malformed. ${detail}`),
  keyNotFound: (c: ErrorContext, thumbprint: string, clientId: string) =>
    aadError(c, 'invalid_client', 700027, `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`),
  keyUnusable: (c: ErrorContext, reason: 'The provided signature value did not match the expected signature value.' | 'The key used is expired.' | 'The key used is not yet valid.', thumbprint: string, key: { notBeforeMs: number; notAfterMs: number }) =>
    aadError(c, 'invalid_client', 700027, `Client assertion contains an invalid signature. [Reason - ${reason}, Thumbprint of key used by client: '${thumbprint}', Found key 'Start=${keyDate(key.notBeforeMs)}, End=${keyDate(key.notAfterMs)}']`),
  assertionTimeRange: (c: ErrorContext, nbfMs: number, expMs: number) =>
    aadError(c, 'invalid_client', 700024, `Client assertion is not within its valid time range. Current time: ${estsInstant(c.nowMs)}, assertion valid from ${estsInstant(nbfMs)}, expiry time of assertion ${estsInstant(expMs)}. Review the documentation at ${CERT_DOC} .`),
  subjectMismatch: (c: ErrorContext) =>
    aadError(c, 'invalid_client', 50048, `Subject mismatches Issuer claim in the client assertion. Review the documentation at ${CERT_DOC} .`),
  assertionIssuer: (c: ErrorContext) =>
    aadError(c, 'invalid_client', 700021, `Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at ${CERT_DOC} .`),
  assertionAudience: (c: ErrorContext) =>
    aadError(c, 'invalid_client', 50012, `Client assertion audience claim does not match Realm issuer. Review the documentation at ${CERT_DOC} .`),
  assertionReplayed: (c: ErrorContext) =>
    aadError(c, 'invalid_client', 50013, "Assertion is invalid: a client assertion with this 'jti' was already used (the emulator's rejectReplayedJti option)."),
  throttled: (c: ErrorContext) =>
    aadError(c, 'temporarily_unavailable', 90055, 'The tenant is being throttled: too many incoming requests. Please try again later.', { status: 429 }),
  unavailable: (c: ErrorContext, status: number) =>
    aadError(c, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.', { status }),
  serverError: (c: ErrorContext, status: number) =>
    aadError(c, 'server_error', 50000, 'There was an error issuing a token or an issue with our sign-in service.', { status }),
};
