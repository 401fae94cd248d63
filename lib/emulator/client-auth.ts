// Client authentication for every grant: no credential, a secret or a certificate assertion, by registration and grant. Not the grants.
import { verifyClientAssertion } from './assertion.js';
import type { RequestContext } from './context.js';
import { AADSTS, JWT_BEARER, type AadError } from './errors.js';
import { sameSecret } from './state.js';
import type { EmulatorClient } from './types.js';

/** How the client proved itself: the access token's `appidacr` is 0, 1 or 2 for these. */
export type ClientAuthMethod = 'none' | 'secret' | 'certificate';

export type ClientCheck = { client: EmulatorClient; auth: ClientAuthMethod } | { error: AadError };

/**
 * What a grant accepts without a credential:
 * - `public-flows`: password, device code: a client with "Allow public client flows";
 * - `public-client`: authorization code: a client that has no credential registered at all;
 * - `refresh`: either of those (a desktop app refreshes what its browser sign-in got);
 * - `confidential`: client credentials: nobody.
 */
export type CredentialRule = 'public-flows' | 'public-client' | 'refresh' | 'confidential';

export function authenticateClient(ctx: RequestContext, rule: CredentialRule, tenantLabel: string): ClientCheck {
  const { form, state, errors } = ctx;
  const clientId = form['client_id'];
  if (!clientId) return { error: AADSTS.missingParameter(errors, 'client_id') };
  const client = state.findClient(clientId);
  if (!client) return { error: AADSTS.unknownClient(errors, clientId, tenantLabel) };
  // ADAL-node sends an empty client_secret= for public clients: empty counts as absent
  const secret = form['client_secret'] || undefined;
  const assertion = form['client_assertion'] || undefined;
  const assertionType = form['client_assertion_type'] || undefined;

  if (secret !== undefined && (assertion !== undefined || assertionType !== undefined)) return { error: AADSTS.bothCredentials(errors) };
  if (assertion !== undefined || assertionType !== undefined) {
    if (assertionType === undefined) return { error: AADSTS.missingParameter(errors, 'client_assertion_type') };
    if (assertion === undefined) return { error: AADSTS.missingParameter(errors, 'client_assertion') };
    if (assertionType !== JWT_BEARER) return { error: AADSTS.badAssertionType(errors) };
    if (state.isPublicClient(client)) return { error: AADSTS.publicClientWithSecret(errors) };
    const error = verifyClientAssertion(ctx, client, assertion);
    return error ? { error } : { client, auth: 'certificate' };
  }
  if (secret !== undefined) {
    if (state.isPublicClient(client)) return { error: AADSTS.publicClientWithSecret(errors) };
    if (client.secret === undefined || !sameSecret(secret, client.secret)) return { error: AADSTS.wrongSecret(errors, client.clientId) };
    return { client, auth: 'secret' };
  }
  const flows = client.allowPublicClientFlows === true;
  const allowed = rule === 'public-flows' ? flows : rule === 'public-client' ? state.isPublicClient(client) : rule === 'refresh' ? flows || state.isPublicClient(client) : false;
  return allowed ? { client, auth: 'none' } : { error: AADSTS.secretRequired(errors) };
}
