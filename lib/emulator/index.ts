// The AAD v1 emulator's public surface: startEmulator(), the demo defaults, fault shortcuts, the types. Re-exports and wiring only.
import { completeAuthorization } from './authorize.js';
import { checkOptions } from './options.js';
import { startServer } from './server.js';
import { EmulatorState } from './state.js';
import { TokenMinter } from './tokens.js';
import type { EmulatorHandle, EmulatorOptions } from './types.js';

export { EMULATOR_DEMO } from './state.js';
export { faults, matchers } from './faults.js';
export { CONTROL_PREFIX } from './control.js';
export { createSelfSignedCertificate } from './certificate.js';
export type { SelfSignedCertificate, SelfSignedCertificateOptions } from './certificate.js';
export type {
  CompleteAuthorizationOptions,
  EmulatorClient,
  EmulatorHandle,
  EmulatorOptions,
  EmulatorResponse,
  EmulatorUser,
  Fault,
  RecordedRequest,
} from './types.js';

/**
 * Starts a local AAD v1 authority (token, devicecode, authorize, UserRealm, discovery, JWKS, /devicelogin).
 * Listens on 127.0.0.1 and a free port unless told otherwise.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  checkOptions(options);
  const state = new EmulatorState(options);
  const minter = await TokenMinter.create();
  const server = await startServer(options, state, minter);
  const where = server.address.loopback
    ? `${server.origin} (loopback only)`
    : `${server.origin} (bound to ${server.address.host}: NOT loopback, reachable from other machines)`;
  if (!server.address.loopback) process.emitWarning(`AAD v1 emulator listening on ${where}`);
  options.log?.(`AAD v1 emulator listening on ${where}`);
  return {
    url: server.origin,
    tenantId: state.tenantId,
    tenantDomain: state.tenantDomain,
    address: server.address,
    stop: () => server.stop(),
    approveDeviceCode: (userCode, username) => state.settleDeviceCode(userCode, 'approved', username),
    declineDeviceCode: (userCode) => state.settleDeviceCode(userCode, 'declined'),
    completeAuthorization: (authorizeUrl, options) => completeAuthorization(state, server.origin, authorizeUrl, options),
    inject: (fault, count = 1) => server.faults.add(fault, count),
    clearFaults: () => server.faults.clear(),
    revokeRefreshTokens: (username) => state.markRefreshTokens('revoked', username),
    expireRefreshTokens: (username) => state.markRefreshTokens('inactive', username),
    get requests() {
      return server.requests();
    },
  };
}
