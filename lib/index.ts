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
  SessionStoreError,
  isD365AuthError,
  type ErrorCode,
} from './errors.js';

// transport seam and common options
export type { CommonOptions, FetchLike, Logger } from './http/types.js';
export type { Clock } from './clock.js';

// AAD v1 protocol
// (the network functions are loaded on their first call: see on-demand.ts)
export { AUTHORITY_HOSTS, type Cloud } from './aad/clouds.js';
export { passwordGrant, refreshTokenGrant, clientCredentialsGrant, requestDeviceCode, pollDeviceCode } from './on-demand.js';
export type { PasswordGrantOptions } from './grants/password.js';
export type { RefreshTokenGrantOptions } from './grants/refresh-token.js';
export type { ClientCredentialsGrantOptions } from './grants/client-credentials.js';
export type { DeviceCode, RequestDeviceCodeOptions } from './grants/device-code.js';
export type { PollDeviceCodeOptions, PendingInfo } from './device-flow.js';
export { clearUserRealmCache } from './on-demand.js';

// token model and helpers
export { bearer, remainingSeconds, remainingMinutes, isExpired, serializeToken, type AadToken } from './token.js';
export { decodeClaims, type Claims } from './claims.js';

// D365 layer (its token functions are loaded on first call: see on-demand.ts)
export { LCS_API_URIS, DEFAULT_LCS_API_URI, type LcsApiHost } from './d365/hosts.js';
export { getLcsApiToken, refreshLcsApiToken, getODataToken, getODataTokenInteractive } from './on-demand.js';
export type { GetLcsApiTokenOptions, RefreshLcsApiTokenOptions } from './d365/lcs.js';
export type { GetODataTokenOptions, GetODataTokenInteractiveOptions } from './d365/odata.js';
export { odataResource, DEFAULT_INTERACTIVE_CLIENT_ID, HR_RESOURCE } from './d365/resource.js';

// state (the store's implementation is loaded on first use: see config/open.ts)
export { openConfigStore } from './config/open.js';
export type { ConfigStore, ConfigStoreOptions } from './config/store.js';
export { defaultConfigPath } from './config/paths.js';
export type { LcsConfig } from './config/lcs.js';
export type { ODataConfig } from './config/odata.js';
export { createTokenProvider, type TokenProvider, type TokenProviderOptions } from './d365/provider.js';
// a session shared by a fleet: Redis (the caller's own `redis` client; its implementation loads on first use)
export { createRedisSessionStore } from './session/redis.js';
export type { RedisSessionStore, RedisSessionStoreOptions, RedisLcsStore, RedisClientLike, EncryptionKey } from './session/redis.js';
export { VERSION } from './version.js';

// the AAD v1 emulator (loaded on first start)
export { startEmulator } from './start-emulator.js';
export { EMULATOR_DEMO } from './emulator/demo.js';
export type { EmulatorOptions, EmulatorHandle, EmulatorUser, EmulatorClient, Fault, RecordedRequest } from './emulator/types.js';
