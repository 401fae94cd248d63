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

// D365 layer
export { LCS_API_URIS, DEFAULT_LCS_API_URI, type LcsApiHost } from './d365/hosts.js';
export { getLcsApiToken, refreshLcsApiToken, type GetLcsApiTokenOptions, type RefreshLcsApiTokenOptions } from './d365/lcs.js';
export {
  getODataToken,
  getODataTokenInteractive,
  odataResource,
  DEFAULT_INTERACTIVE_CLIENT_ID,
  HR_RESOURCE,
  type GetODataTokenOptions,
  type GetODataTokenInteractiveOptions,
} from './d365/odata.js';

// state
export { openConfigStore, defaultConfigPath, type ConfigStore, type ConfigStoreOptions, type LcsConfig, type ODataConfig } from './config/index.js';
export { createTokenProvider, type TokenProvider, type TokenProviderOptions } from './d365/provider.js';
export { VERSION } from './version.js';

// the AAD v1 emulator (loaded on first start)
export { startEmulator } from './start-emulator.js';
export { EMULATOR_DEMO } from './emulator/state.js';
export type { EmulatorOptions, EmulatorHandle, EmulatorUser, EmulatorClient, Fault, RecordedRequest } from './emulator/types.js';
