// The network functions (protocol and D365 layers) as one module for on-demand.ts to load: re-exports only.
export { passwordGrant } from './grants/password.js';
export { refreshTokenGrant } from './grants/refresh-token.js';
export { clientCredentialsGrant } from './grants/client-credentials.js';
export { requestDeviceCode } from './grants/device-code.js';
export { pollDeviceCode } from './device-flow.js';
export { getLcsApiToken, refreshLcsApiToken } from './d365/lcs.js';
export { getODataToken, getODataTokenInteractive } from './d365/odata.js';
// the realm cache lives with the grants that fill it (on-demand.ts forwards the public clear)
export { clearUserRealmCache } from './grants/realm-cache.js';
