// Device-code sign-in, the two exchanges: ask for a code (POST /oauth2/devicecode) and redeem it
// once in the v1 dialect (grant_type=device_code, the code in `code`). Polling is device-flow.ts.
// A DeviceCode carries the authority, tenant, client and resource it was issued for, and is polled there.
import { oauthErrorName, parseShape, successJson, type Exchange } from '../aad/check.js';
import { deviceCodeUrl, resolveAuthority, tokenUrl } from '../aad/endpoints.js';
import { checkCommon, postForm } from '../aad/exchange.js';
import { checkAuthorityHost, checkClientId, checkResource, checkTenant } from '../aad/input.js';
import { DeviceCodeResponseSchema } from '../aad/schemas.js';
import { InputError, ResponseError } from '../errors.js';
import type { CommonOptions } from '../http/types.js';
import { printable } from '../redact.js';
import { secretKind } from '../secret-object.js';
import type { AadToken } from '../token.js';
import { checkTokenExchange } from './token-response.js';

export interface DeviceCode {
  /** The short code the person types at `verificationUrl`. */
  userCode: string;
  /** The long code the poller redeems: a credential until redeemed (never printed). */
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
  /** What the code was issued for; pollDeviceCode() polls exactly there. */
  authorityHost: string;
  tenant: string;
  clientId: string;
  resource: string;
}

export interface RequestDeviceCodeOptions extends CommonOptions {
  clientId: string;
  resource: string;
  /** Culture for `message`, e.g. `en-US` (sent as `mkt`). */
  language?: string | undefined;
}

const deviceCodeKind = secretKind<DeviceCode>('DeviceCode', ['deviceCode']);

export async function requestDeviceCode(options: RequestDeviceCodeOptions): Promise<DeviceCode> {
  const clientId = checkClientId(options.clientId);
  const resource = checkResource(options.resource);
  if (options.language !== undefined && !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(options.language)) {
    throw new InputError('language must be a culture name such as en-US.', 'ERR_INVALID_INPUT', 'language');
  }
  checkCommon(options);
  const authority = resolveAuthority(options);
  const ex = await postForm(
    { what: 'device code endpoint', url: deviceCodeUrl(authority), fields: { client_id: clientId, resource, mkt: options.language }, secrets: [] },
    options,
  );
  const body = parseShape(ex, DeviceCodeResponseSchema, successJson(ex), 'device code response');
  const verificationUrl = body.verification_url ?? body.verification_uri;
  if (verificationUrl === undefined || !/^https?:\/\//i.test(verificationUrl)) {
    throw new ResponseError('ERR_INVALID_RESPONSE', 'The device code response from the device code endpoint is invalid: field "verification_url" is missing or not an http(s) URL.', {
      status: ex.response.status,
      url: ex.url,
      traceId: ex.response.headers['x-ms-request-id'],
    });
  }
  const userCode = printable(body.user_code);
  return deviceCodeKind.create(
    {
      userCode,
      verificationUrl,
      message: body.message === undefined ? `To sign in, open ${verificationUrl} and enter the code ${userCode} to authenticate.` : printable(body.message),
      interval: body.interval === undefined || body.interval === 0 ? 5 : body.interval,
      expiresIn: body.expires_in,
      expiresAt: ex.sentAt + body.expires_in * 1000,
      authorityHost: authority.host,
      tenant: authority.tenant,
      clientId,
      resource,
    },
    { deviceCode: body.device_code },
  );
}

/** Checks that `deviceCode` is what requestDeviceCode() returned (or an equivalent object). */
export function checkDeviceCode(deviceCode: DeviceCode): void {
  if (
    !deviceCode ||
    typeof deviceCode.deviceCode !== 'string' ||
    deviceCode.deviceCode === '' ||
    !Number.isFinite(deviceCode.expiresAt) ||
    typeof deviceCode.authorityHost !== 'string' ||
    typeof deviceCode.tenant !== 'string'
  ) {
    throw new InputError('pollDeviceCode() needs the object requestDeviceCode() returned.', 'ERR_INVALID_INPUT', 'deviceCode');
  }
}

/** The OAuth `error`s that tell a poller to keep waiting. */
const WAITING = ['authorization_pending', 'slow_down', 'bad_verification_code'] as const;

/** A poll the server answered with "not yet": the OAuth `error` that says to keep waiting. */
export interface KeepWaiting {
  waiting: (typeof WAITING)[number];
}

/**
 * One redemption attempt at the authority the code came from: the token, or "keep waiting" as a
 * plain value. Any other refusal (expired, declined, invalid_client...) is an OAuthError.
 */
export async function pollOnce(deviceCode: DeviceCode, options: CommonOptions = {}): Promise<AadToken | KeepWaiting> {
  checkDeviceCode(deviceCode);
  const clientId = checkClientId(deviceCode.clientId);
  const resource = checkResource(deviceCode.resource);
  checkCommon(options);
  const authority = { host: checkAuthorityHost(deviceCode.authorityHost), tenant: checkTenant(deviceCode.tenant) };
  const ex = await postForm(
    {
      what: 'token endpoint',
      url: tokenUrl(authority),
      fields: { grant_type: 'device_code', client_id: clientId, resource, code: deviceCode.deviceCode },
      secrets: [deviceCode.deviceCode],
    },
    options,
  );
  const waiting = keepWaiting(ex);
  return waiting ? { waiting } : checkTokenExchange(ex, { expectedResource: resource, origin: { authorityHost: authority.host, tenant: authority.tenant } });
}

/** The `error` of an OAuth error body that says to keep waiting (whatever the status), else undefined. */
function keepWaiting(ex: Exchange): KeepWaiting['waiting'] | undefined {
  const error = oauthErrorName(ex);
  return WAITING.find((name) => name === error);
}
