// Device-code sign-in, the two exchanges: ask for a code (POST /oauth2/devicecode) and redeem it
// once in the v1 dialect (grant_type=device_code, the code in `code`). Polling is device-flow.ts.
import { checkClientId, checkResource } from '../aad/input.js';
import { deviceCodeUrl, resolveAuthority, tokenUrl } from '../aad/endpoints.js';
import { oauthErrorName, parseShape, successJson, type Exchange } from '../aad/check.js';
import { checkCommon, postForm } from '../aad/exchange.js';
import { checkTokenExchange } from './token-response.js';
import { DeviceCodeResponseSchema } from '../aad/schemas.js';
import { InputError, ResponseError } from '../errors.js';
import { describeSecret } from '../redact.js';
import type { CommonOptions } from '../http/types.js';
import { hidingProto, type AadToken } from '../token.js';

export interface DeviceCode {
  /** The short code the person types at `verificationUrl`. */
  userCode: string;
  /** The long code the poller redeems (secret: never printed by inspect). */
  deviceCode: string;
  verificationUrl: string;
  /** Ready-to-show instructions from the server. */
  message: string;
  /** Seconds to wait between polls. */
  interval: number;
  /** Lifetime in seconds. */
  expiresIn: number;
  /** Epoch milliseconds (local clock): send time + expiresIn. */
  expiresAt: number;
  /** The client id and resource the code was requested for (used by pollDeviceCode by default). */
  clientId: string;
  resource: string;
}

export interface RequestDeviceCodeOptions extends CommonOptions {
  clientId: string;
  resource: string;
  /** Culture for `message`, e.g. `en-US` (sent as `mkt`). */
  language?: string | undefined;
}

const deviceCodeProto = hidingProto('DeviceCode', (code: DeviceCode) => ({ ...code, deviceCode: describeSecret(code.deviceCode) }));

export async function requestDeviceCode(options: RequestDeviceCodeOptions): Promise<DeviceCode> {
  const clientId = checkClientId(options.clientId);
  const resource = checkResource(options.resource);
  if (options.language !== undefined && !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(options.language)) {
    throw new InputError('language must be a culture name such as en-US.');
  }
  checkCommon(options);
  const authority = resolveAuthority(options);
  const ex = await postForm('device code endpoint', deviceCodeUrl(authority), { client_id: clientId, resource, mkt: options.language }, options, []);
  const body = parseShape(ex, DeviceCodeResponseSchema, successJson(ex), 'device code response');
  const verificationUrl = body.verification_url ?? body.verification_uri;
  if (verificationUrl === undefined) {
    throw new ResponseError('ERR_INVALID_RESPONSE', 'The device code response from the device code endpoint is invalid: field "verification_url" is missing.', {
      status: ex.response.status,
      url: ex.url,
      traceId: ex.response.headers['x-ms-request-id'],
    });
  }
  const interval = body.interval === undefined || body.interval === 0 ? 5 : body.interval;
  const code: DeviceCode = Object.assign(Object.create(deviceCodeProto) as DeviceCode, {
    userCode: body.user_code,
    deviceCode: body.device_code,
    verificationUrl: verificationUrl!,
    message: body.message ?? `To sign in, open ${verificationUrl} and enter the code ${body.user_code} to authenticate.`,
    interval,
    expiresIn: body.expires_in,
    expiresAt: ex.sentAt + body.expires_in * 1000,
    clientId,
    resource,
  });
  return code;
}

export interface RedeemDeviceCodeOptions extends CommonOptions {
  clientId?: string | undefined;
  resource?: string | undefined;
}

/** One redemption attempt; `authorization_pending` and friends come back as OAuthError. */
export function checkDeviceCode(deviceCode: DeviceCode): void {
  if (!deviceCode || typeof deviceCode.deviceCode !== 'string' || deviceCode.deviceCode === '' || !Number.isFinite(deviceCode.expiresAt)) {
    throw new InputError('pollDeviceCode() needs the object requestDeviceCode() returned.');
  }
}

/** The OAuth `error`s that tell a poller to keep waiting. */
const WAITING = ['authorization_pending', 'slow_down', 'bad_verification_code'] as const;

/** A poll the server answered with "not yet": the OAuth `error` that says to keep waiting. */
export interface KeepWaiting {
  waiting: (typeof WAITING)[number];
}

/**
 * One redemption attempt: the token, or "keep waiting" as a plain value. A waiting answer is checked
 * against the OAuth error schema like any other, but no OAuthError is built and thrown for it: a
 * sign-in waits through dozens of them, each in a process that has been idle for seconds. Any
 * other refusal (expired, declined, invalid_client...) is an OAuthError.
 */
export async function pollOnce(deviceCode: DeviceCode, options: RedeemDeviceCodeOptions = {}): Promise<AadToken | KeepWaiting> {
  checkDeviceCode(deviceCode);
  const clientId = checkClientId(options.clientId ?? deviceCode.clientId);
  const resource = checkResource(options.resource ?? deviceCode.resource);
  checkCommon(options);
  const authority = resolveAuthority(options);
  const ex = await postForm(
    'token endpoint',
    tokenUrl(authority),
    { grant_type: 'device_code', client_id: clientId, resource, code: deviceCode.deviceCode },
    options,
    [deviceCode.deviceCode],
  );
  const waiting = keepWaiting(ex);
  return waiting ? { waiting } : checkTokenExchange(ex, { expectedResource: resource });
}

/** The `error` of an OAuth error body that says to keep waiting (whatever the status), else undefined. */
function keepWaiting(ex: Exchange): KeepWaiting['waiting'] | undefined {
  const error = oauthErrorName(ex);
  return WAITING.find((name) => name === error);
}
