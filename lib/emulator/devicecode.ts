// The v1 device flow: POST /{tenant}/oauth2/devicecode and the token-endpoint poll (v1 and RFC 8628 dialects). Not the HTML page.
import { AADSTS } from './errors.js';
import { fromAadError, json, type RequestContext } from './context.js';
import { authenticateClient } from './client-auth.js';
import { issueTokenResponse } from './issue.js';
import type { EmulatorResponse } from './types.js';

/** Seconds as v1 writes them: a decimal string ("900"); fractions only when configured (fast tests). */
function seconds(value: number): string {
  return String(Number.isInteger(value) ? value : Number(value.toFixed(3)));
}

export function deviceCodeEndpoint(ctx: RequestContext, tenant: string): EmulatorResponse {
  const { form, state, errors } = ctx;
  const clientId = form['client_id'];
  if (!clientId) return fromAadError(AADSTS.missingParameter(errors, 'client_id'));
  if (!form['resource']) return fromAadError(AADSTS.missingParameter(errors, 'resource'));
  const client = state.findClient(clientId);
  if (!client) return fromAadError(AADSTS.unknownClient(errors, clientId, tenant));
  const record = state.createDeviceCode(client.clientId, form['resource']!);
  const verificationUrl = `${ctx.origin}/devicelogin`;
  return json(200, {
    user_code: record.userCode,
    device_code: record.deviceCode,
    verification_url: verificationUrl,
    expires_in: seconds(state.deviceCodeLifetimeSeconds),
    interval: seconds(state.deviceCodeIntervalSeconds),
    message: `To sign in, use a web browser to open the page ${verificationUrl} and enter the code ${record.userCode} to authenticate.`,
  });
}

/**
 * grant_type=device_code + code (v1, what ADAL sends) or the RFC 8628 URN with `code` or `device_code`.
 * `resource` is optional: the device code's own resource is used when it is absent.
 */
export async function pollDeviceCode(ctx: RequestContext, tenant: string): Promise<EmulatorResponse> {
  const { form, state, errors } = ctx;
  const code = form['code'] || form['device_code'];
  if (!form['client_id']) return fromAadError(AADSTS.missingParameter(errors, 'client_id'));
  if (!code) return fromAadError(AADSTS.missingParameter(errors, 'code'));
  const auth = authenticateClient(ctx, 'public-flows', tenant);
  if ('error' in auth) return fromAadError(auth.error);
  const record = state.findDeviceCode(code);
  if (!record || record.clientId.toLowerCase() !== auth.client.clientId.toLowerCase()) {
    return fromAadError(AADSTS.badVerificationCode(errors));
  }
  if (record.status === 'redeemed') return fromAadError(AADSTS.badGrant(errors));
  if (state.isExpired(record)) return fromAadError(AADSTS.codeExpired(errors));
  if (record.status === 'declined') return fromAadError(AADSTS.declined(errors));
  if (record.status === 'pending') return fromAadError(AADSTS.pending(errors));
  const user = record.username ? state.findUser(record.username) : undefined;
  if (!user) return fromAadError(AADSTS.badVerificationCode(errors));
  record.status = 'redeemed';
  const resource = form['resource'] || record.resource;
  // Device-code tokens carry an id_token like the ADAL fixtures do (UNCONFIRMED without scope=openid).
  return issueTokenResponse(ctx, { ...auth, resource, user, idToken: true, amr: ['pwd', 'mfa'] });
}
