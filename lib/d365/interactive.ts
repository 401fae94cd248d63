// A person's sign-in for the D365 functions: the browser (authorization code + PKCE) or a device
// code, with the options both take. It chooses nothing itself: the caller gives the method.
import type { ClientAuthOptions } from '../aad/client-auth.js';
import { signInWithBrowser } from '../browser.js';
import { pollDeviceCode, type PendingInfo } from '../device-flow.js';
import { InputError } from '../errors.js';
import type { Prompt } from '../grants/authorization-code.js';
import { requestDeviceCode, type DeviceCode } from '../grants/device-code.js';
import type { CommonOptions } from '../http/types.js';
import type { AadToken } from '../token.js';

export interface InteractiveOptions {
  /** Default 300. */
  timeoutSeconds?: number | undefined;
  /** Device code: called once with the code to show the person (its `clientId` says which client signs in). */
  onDeviceCode?: ((code: DeviceCode) => void | Promise<void>) | undefined;
  onPending?: ((info: PendingInfo) => void) | undefined;
  /** Browser: opens the sign-in URL (default: the system browser); return false when it could not. */
  openBrowser?: ((url: string) => boolean | void | Promise<boolean | void>) | undefined;
  /** Browser: receives the URL too, e.g. to print it. */
  onUrl?: ((url: string) => void) | undefined;
  port?: number | undefined;
  prompt?: Prompt | undefined;
  loginHint?: string | undefined;
}

/** Signs a person in with `method` for `resource` as `clientId`. */
export async function signInInteractively(
  method: 'browser' | 'device-code',
  options: InteractiveOptions & CommonOptions & ClientAuthOptions & { clientId: string; resource: string },
): Promise<AadToken> {
  if (method === 'browser') return signInWithBrowser(options);
  if (method !== 'device-code') throw new InputError("method must be 'browser' or 'device-code'.", 'ERR_INVALID_INPUT', 'method');
  const code = await requestDeviceCode(options);
  await options.onDeviceCode?.(code);
  return pollDeviceCode(code, { ...options, timeoutSeconds: options.timeoutSeconds ?? 300 });
}
