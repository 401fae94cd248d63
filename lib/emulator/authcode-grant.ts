// grant_type=authorization_code: the code's bindings (client, tenant, redirect_uri, resource), single use, expiry, PKCE. Not the authorize leg.
import { createHash, timingSafeEqual } from 'node:crypto';
import { authenticateClient } from './client-auth.js';
import { fromAadError, type RequestContext } from './context.js';
import { AADSTS } from './errors.js';
import { issueTokenResponse } from './issue.js';
import type { AuthCodeRecord } from './authcodes.js';
import type { EmulatorResponse } from './types.js';

/** RFC 7636 §4.6: S256 compares base64url(SHA-256(verifier)) with the challenge; plain compares them as they are. */
function verifierMatches(record: AuthCodeRecord, verifier: string): boolean {
  const derived = record.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier;
  const a = Buffer.from(derived);
  const b = Buffer.from(record.codeChallenge ?? '');
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function authorizationCodeGrant(ctx: RequestContext, tenant: string): Promise<EmulatorResponse> {
  const { form, state, errors } = ctx;
  for (const name of ['client_id', 'code', 'redirect_uri'] as const) {
    if (!form[name]) return fromAadError(AADSTS.missingParameter(errors, name));
  }
  // a client with no credential registered is public (a desktop redirect); any other must authenticate
  const auth = authenticateClient(ctx, 'public-client', tenant);
  if ('error' in auth) return fromAadError(auth.error);
  const record = state.authCodes.find(form['code']!);
  if (!record) return fromAadError(AADSTS.badGrant(errors));
  if (record.redeemed) return fromAadError(AADSTS.codeRedeemed(errors));
  if (state.authCodes.isExpired(record)) return fromAadError(AADSTS.refreshRevoked(errors));
  if (record.clientId.toLowerCase() !== auth.client.clientId.toLowerCase()) {
    return fromAadError(AADSTS.codeMismatch(errors, 'The code was issued to another application.'));
  }
  if (record.tenant.toLowerCase() !== tenant.toLowerCase()) return fromAadError(AADSTS.codeOtherTenant(errors));
  if (form['redirect_uri'] !== record.redirectUri) return fromAadError(AADSTS.codeReplyMismatch(errors, form['redirect_uri']!, record.redirectUri));
  if (form['resource'] && form['resource'] !== record.resource) {
    return fromAadError(AADSTS.codeMismatch(errors, "The 'resource' of the token request differs from the authorization request's."));
  }
  if (record.codeChallenge !== undefined) {
    const verifier = form['code_verifier'];
    // UNCONFIRMED (PROTOCOL.md §14.2): ESTS's answer to a missing verifier after a challenge
    if (!verifier) return fromAadError(AADSTS.missingParameter(errors, 'code_verifier'));
    if (!verifierMatches(record, verifier)) return fromAadError(AADSTS.verifierMismatch(errors));
  }
  const user = state.findUser(record.username);
  if (!user) return fromAadError(AADSTS.unknownUser(errors, state.tenantDomain));
  if (user.locked) return fromAadError(AADSTS.locked(errors));
  record.redeemed = true;
  // Doc v1-code's sample carries an unsigned id_token although no openid was asked for
  return issueTokenResponse(ctx, { ...auth, resource: record.resource, user, idToken: true, amr: record.amr });
}
