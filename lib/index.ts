// d365fo-auth: the public surface. Re-exports only; it reads as the table of contents.

// errors
export {
  D365AuthError,
  InputError,
  TransportError,
  ResponseError,
  OAuthError,
  FederatedUserError,
  DeviceCodeError,
  ConfigError,
  isD365AuthError,
  type ErrorCode,
} from './errors.js';

// transport seam and common options
export type { CommonOptions, FetchLike, Logger } from './http/types.js';
export type { Clock } from './clock.js';

// AAD v1 protocol
export { AUTHORITY_HOSTS, type Cloud } from './aad/endpoints.js';
export { passwordGrant, type PasswordGrantOptions } from './grants/password.js';
export { refreshTokenGrant, type RefreshTokenGrantOptions } from './grants/refresh-token.js';
export { clientCredentialsGrant, type ClientCredentialsGrantOptions } from './grants/client-credentials.js';
export { requestDeviceCode, type DeviceCode, type RequestDeviceCodeOptions } from './grants/device-code.js';
export { pollDeviceCode, type PollDeviceCodeOptions, type PendingInfo } from './device-flow.js';
export { clearUserRealmCache } from './grants/user-realm.js';

// token model and helpers
export { bearer, remainingSeconds, remainingMinutes, isExpired, type AadToken } from './token.js';
export { decodeClaims, type Claims } from './claims.js';
