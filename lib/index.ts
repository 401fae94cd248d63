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
  BrowserSignInError,
  ConfigError,
  SessionStoreError,
  isD365AuthError,
  type AnyD365AuthError,
  type ErrorCode,
} from './errors.js';

// transport seam and common options
export type { CommonOptions, FetchLike, Logger } from './http/types.js';
export type { Clock } from './clock.js';

// AAD v1 protocol: one exchange per function
export { AUTHORITY_HOSTS, type Cloud } from './aad/clouds.js';
export type { ClientAuthOptions, ClientCertificate } from './aad/client-auth.js';
export { passwordGrant, type PasswordGrantOptions } from './grants/password.js';
export { refreshTokenGrant, type RefreshTokenGrantOptions } from './grants/refresh-token.js';
export { clientCredentialsGrant, type ClientCredentialsGrantOptions } from './grants/client-credentials.js';
export { requestDeviceCode, type DeviceCode, type RequestDeviceCodeOptions } from './grants/device-code.js';
export { pollDeviceCode, type PollDeviceCodeOptions, type PendingInfo } from './device-flow.js';
export {
  createAuthorizationRequest,
  authorizationCodeGrant,
  type AuthorizationRequest,
  type AuthorizationRequestOptions,
  type AuthorizationCodeGrantOptions,
  type Prompt,
} from './grants/authorization-code.js';
export { signInWithBrowser, type SignInWithBrowserOptions } from './browser.js';
export { openInBrowser, runDesktopProgram, isOpenableUrl, openerFor, type OpenResult, type DesktopOptions } from './open-url.js';
export { getUserRealm, clearUserRealmCache, type UserRealm, type AccountType } from './grants/user-realm.js';
export { probeAuthority, type AuthorityProbe } from './grants/probe.js';

// token model and helpers
export {
  bearer,
  remainingSeconds,
  remainingMinutes,
  isExpired,
  serializeToken,
  parseSerializedToken,
  type AadToken,
  type SerializedToken,
} from './token.js';
export { decodeClaims, type Claims } from './claims.js';

// D365 layer
export { LCS_API_URIS, DEFAULT_LCS_API_URI, isKnownLcsHost, type LcsApiHost, type LcsHostOptions } from './d365/hosts.js';
export {
  getLcsApiToken,
  refreshLcsApiToken,
  getLcsApiTokenInteractive,
  type GetLcsApiTokenOptions,
  type RefreshLcsApiTokenOptions,
  type GetLcsApiTokenInteractiveOptions,
} from './d365/lcs.js';
export { getODataToken, getODataTokenInteractive, interactiveClientId, type GetODataTokenOptions, type GetODataTokenInteractiveOptions } from './d365/odata.js';
export { odataResource, DEFAULT_INTERACTIVE_CLIENT_ID, HR_RESOURCE } from './d365/resource.js';

// state: the config file, session stores, the token provider
export { openConfigStore, type ConfigStore, type ConfigStoreOptions, type LcsStore, type ODataStore, type SetOptions } from './config/store.js';
export { defaultConfigPath } from './config/paths.js';
export type { LcsConfig, LcsSettings } from './config/lcs.js';
export type { ODataConfig, ODataConfigInput, ODataConfigSummary } from './config/odata.js';
export type { SessionStore, SessionId, SessionRecord, SessionChange, SessionUpdateOptions, RefreshRefusal } from './session/types.js';
export { odataSessionId } from './session/types.js';
export { createTokenProvider, type TokenProvider, type TokenProviderOptions } from './d365/provider.js';
// a session shared by a fleet: Redis (the caller's own `redis` client; its implementation loads on first use)
export { createRedisSessionStore } from './session/redis.js';
export type { RedisSessionStore, RedisSessionStoreOptions, RedisLcsStore, RedisClientLike, EncryptionKey } from './session/redis.js';
export { VERSION } from './version.js';

// the AAD v1 emulator (loaded when first started; also the `d365fo-auth/emulator` entry)
export { startEmulator, createSelfSignedCertificate } from './start-emulator.js';
export { EMULATOR_DEMO } from './emulator/demo.js';
export type { EmulatorOptions, EmulatorHandle, EmulatorUser, EmulatorClient, Fault, RecordedRequest, CompleteAuthorizationOptions } from './emulator/types.js';
export type { SelfSignedCertificate, SelfSignedCertificateOptions } from './emulator/certificate.js';
