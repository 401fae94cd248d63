// The device-code poller (RFC 8628 §3.5 on the v1 dialect): waits `interval` before every poll,
// +5 s on slow_down, keeps polling on authorization_pending / bad_verification_code, and stops at
// min(code expiry, caller timeout), on decline, or on abort. It polls the authority the code came
// from; it sends nothing itself.
import { systemClock } from './clock.js';
import { DeviceCodeError, InputError, OAuthError, TransportError } from './errors.js';
import { checkDeviceCode, pollOnce, type DeviceCode } from './grants/device-code.js';
import type { CommonOptions } from './http/types.js';
import type { AadToken } from './token.js';

export interface PendingInfo {
  /** Seconds until the poller gives up (code expiry or timeout, whichever is first). */
  secondsLeft: number;
  /** Polls sent so far. */
  polls: number;
  /** The current interval in seconds. */
  interval: number;
  /** The OAuth error of the last poll (`authorization_pending`, `slow_down`, `bad_verification_code`). */
  error: string;
}

/** The common options (its `authorityHost` and `tenant` are not used: a code is polled where it was issued). */
export interface PollDeviceCodeOptions extends CommonOptions {
  /** Give up after this many seconds (default 300). */
  timeoutSeconds?: number | undefined;
  onPending?: ((info: PendingInfo) => void) | undefined;
}

const EXPIRED = new Set(['code_expired', 'expired_token']);
const DECLINED = new Set(['authorization_declined', 'access_denied']);

export async function pollDeviceCode(deviceCode: DeviceCode, options: PollDeviceCodeOptions = {}): Promise<AadToken> {
  const clock = options.clock ?? systemClock;
  const timeoutSeconds = options.timeoutSeconds ?? 300;
  if (typeof timeoutSeconds !== 'number' || !(timeoutSeconds > 0) || !Number.isFinite(timeoutSeconds)) {
    throw new InputError('timeoutSeconds must be a positive number of seconds.', 'ERR_INVALID_INPUT', 'timeoutSeconds');
  }
  checkDeviceCode(deviceCode);
  const start = clock.now();
  const expiresAt = deviceCode.expiresAt;
  const byExpiry = expiresAt <= start + timeoutSeconds * 1000;
  const deadline = byExpiry ? expiresAt : start + timeoutSeconds * 1000;
  let interval = Math.max(1, deviceCode.interval || 5);
  let polls = 0;

  for (;;) {
    const left = deadline - clock.now();
    if (left <= 0) throw ended(byExpiry, timeoutSeconds);
    try {
      await clock.sleep(Math.min(interval * 1000, left), options.signal);
    } catch {
      throw cancelled();
    }
    polls++;
    // authorization_pending, slow_down and bad_verification_code come back as a value (pollOnce)
    const answer = await pollOnce(deviceCode, options).catch((error: unknown) => {
      if (error instanceof TransportError && error.code === 'ERR_ABORTED') throw cancelled(error);
      if (error instanceof OAuthError && EXPIRED.has(error.error)) {
        throw new DeviceCodeError('ERR_DEVICE_CODE_EXPIRED', 'The device code expired before sign-in finished; start a new device-code sign-in.', { cause: error });
      }
      if (error instanceof OAuthError && DECLINED.has(error.error)) {
        throw new DeviceCodeError('ERR_DEVICE_CODE_DECLINED', 'The sign-in was declined at the verification page.', { cause: error });
      }
      throw error;
    });
    if (!('waiting' in answer)) return answer;
    const waiting = answer.waiting;
    if (waiting === 'slow_down') interval += 5;
    options.log?.(`device code: ${waiting}, next poll in ${interval} s`);
    options.onPending?.({ secondsLeft: Math.max(0, Math.round((deadline - clock.now()) / 1000)), polls, interval, error: waiting });
  }
}

function cancelled(cause?: unknown): DeviceCodeError {
  return new DeviceCodeError('ERR_DEVICE_CODE_CANCELLED', 'Device-code sign-in was cancelled.', cause === undefined ? undefined : { cause });
}

function ended(byExpiry: boolean, timeoutSeconds: number): DeviceCodeError {
  return byExpiry
    ? new DeviceCodeError('ERR_DEVICE_CODE_EXPIRED', 'The device code expired before sign-in finished; start a new device-code sign-in.')
    : new DeviceCodeError('ERR_DEVICE_CODE_TIMEOUT', `Nobody finished the device-code sign-in within ${timeoutSeconds} s (timeoutSeconds).`);
}
