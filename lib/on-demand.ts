// The network functions of the public surface (grants, poller, LCS and OData tokens), loaded on their
// first call: importing d365fo-auth must not pay for valibot, the grants and the transport. Forwarding only.
import type { ClientCredentialsGrantOptions } from './grants/client-credentials.js';
import type { DeviceCode, RequestDeviceCodeOptions } from './grants/device-code.js';
import type { PasswordGrantOptions } from './grants/password.js';
import type { RefreshTokenGrantOptions } from './grants/refresh-token.js';
import type { PollDeviceCodeOptions } from './device-flow.js';
import type { AadToken } from './token.js';
import type { GetLcsApiTokenOptions, RefreshLcsApiTokenOptions } from './d365/lcs.js';
import type { GetODataTokenInteractiveOptions, GetODataTokenOptions } from './d365/odata.js';

type Protocol = typeof import('./protocol.js');
let protocol: Promise<Protocol> | undefined;
let loaded: Protocol | undefined;

/** The grants, the poller, the D365 token functions and their checks (valibot), one module graph, loaded once. */
export function loadProtocol(): Promise<Protocol> {
  protocol ??= import('./protocol.js').then((module) => (loaded = module));
  return protocol;
}

/**
 * Forgets cached user-realm discovery results (tests, or after an account moved). The cache lives
 * with the grants that fill it: before they are loaded there is nothing to forget.
 */
export function clearUserRealmCache(): void {
  loaded?.clearUserRealmCache();
}

export async function passwordGrant(options: PasswordGrantOptions): Promise<AadToken> {
  return (loaded ?? (await loadProtocol())).passwordGrant(options);
}

export async function refreshTokenGrant(options: RefreshTokenGrantOptions): Promise<AadToken> {
  return (loaded ?? (await loadProtocol())).refreshTokenGrant(options);
}

export async function clientCredentialsGrant(options: ClientCredentialsGrantOptions): Promise<AadToken> {
  return (loaded ?? (await loadProtocol())).clientCredentialsGrant(options);
}

export async function requestDeviceCode(options: RequestDeviceCodeOptions): Promise<DeviceCode> {
  return (loaded ?? (await loadProtocol())).requestDeviceCode(options);
}

export async function pollDeviceCode(deviceCode: DeviceCode, options: PollDeviceCodeOptions = {}): Promise<AadToken> {
  return (loaded ?? (await loadProtocol())).pollDeviceCode(deviceCode, options);
}

export async function getLcsApiToken(options: GetLcsApiTokenOptions): Promise<AadToken> {
  return (loaded ?? (await loadProtocol())).getLcsApiToken(options);
}

export async function refreshLcsApiToken(options: RefreshLcsApiTokenOptions = {}): Promise<AadToken> {
  return (loaded ?? (await loadProtocol())).refreshLcsApiToken(options);
}

export async function getODataToken(options: GetODataTokenOptions): Promise<AadToken> {
  return (loaded ?? (await loadProtocol())).getODataToken(options);
}

export async function getODataTokenInteractive(options: GetODataTokenInteractiveOptions): Promise<AadToken> {
  return (loaded ?? (await loadProtocol())).getODataTokenInteractive(options);
}
