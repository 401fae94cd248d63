// The v1 authorization code flow with PKCE (RFC 7636, S256), its two halves: the authorize URL a
// browser opens, and the one exchange that redeems the code. The loopback listener is browser.ts.
import { createHash, randomBytes } from 'node:crypto';
import { clientAuth, type ClientAuthOptions } from '../aad/client-auth.js';
import { authorizeUrl, resolveAuthority, tokenEndpoint, tokenUrl } from '../aad/endpoints.js';
import { checkCommon, postForm } from '../aad/exchange.js';
import { checkClientId, checkResource, checkSecret, isLoopbackHost } from '../aad/input.js';
import { InputError } from '../errors.js';
import type { CommonOptions } from '../http/types.js';
import { secretKind } from '../secret-object.js';
import type { AadToken } from '../token.js';
import { checkTokenExchange } from './token-response.js';

export type Prompt = 'login' | 'select_account' | 'consent' | 'none';
const PROMPTS: readonly string[] = ['login', 'select_account', 'consent', 'none'];

export interface AuthorizationRequestOptions extends CommonOptions {
  clientId: string;
  resource: string;
  /** Where the browser is sent back, e.g. `http://localhost:8400` (http only on loopback). */
  redirectUri: string;
  prompt?: Prompt | undefined;
  /** Prefills the account (a UPN). */
  loginHint?: string | undefined;
  /** A verified domain of the tenant (a federated one goes straight to its identity provider). */
  domainHint?: string | undefined;
}

export interface AuthorizationRequest {
  /** `{authority}/{tenant}/oauth2/authorize?response_type=code&…&code_challenge_method=S256`. */
  url: string;
  /** Random; the redirect must carry it back. */
  state: string;
  /** The PKCE verifier (43 characters from 32 random bytes): a secret until the code is redeemed. */
  codeVerifier: string;
  redirectUri: string;
  /** Where the code must be redeemed (the same tenant path as the authorize leg). */
  authorityHost: string;
  tenant: string;
}

const requestKind = secretKind<AuthorizationRequest>('AuthorizationRequest', ['codeVerifier']);

/** A redirect URI as given: absolute http(s), plain http only to loopback, no fragment or credentials. */
export function checkRedirectUri(value: unknown, option = 'redirectUri'): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || typeof value !== 'string' || !(url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)))) {
    throw new InputError(`${option} must be an absolute https URI, or http on a loopback address such as http://localhost:8400.`, 'ERR_INVALID_INPUT', option);
  }
  if (url.hash || value.includes('#') || url.username || url.password || /[\s\u0000-\u001f]/.test(value)) {
    throw new InputError(`${option} must not contain a fragment, credentials or spaces.`, 'ERR_INVALID_INPUT', option);
  }
  return value;
}

function checkHint(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 256 || /[\s\u0000-\u001f]/.test(value)) {
    throw new InputError(`${option} must be a short value without spaces, e.g. an account name or a domain.`, 'ERR_INVALID_INPUT', option);
  }
  return value;
}

/** The authorize URL with a fresh `state` and PKCE verifier (S256). Sends nothing. */
export function createAuthorizationRequest(options: AuthorizationRequestOptions): AuthorizationRequest {
  const clientId = checkClientId(options.clientId);
  const resource = checkResource(options.resource);
  const redirectUri = checkRedirectUri(options.redirectUri);
  if (options.prompt !== undefined && !PROMPTS.includes(options.prompt)) {
    throw new InputError(`prompt must be one of ${PROMPTS.join(', ')}.`, 'ERR_INVALID_INPUT', 'prompt');
  }
  const loginHint = checkHint(options.loginHint, 'loginHint');
  const domainHint = checkHint(options.domainHint, 'domainHint');
  checkCommon(options);
  const authority = resolveAuthority(options);
  const state = randomBytes(16).toString('base64url');
  const codeVerifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    resource,
    state,
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  if (options.prompt !== undefined) query.set('prompt', options.prompt);
  if (loginHint !== undefined) query.set('login_hint', loginHint);
  if (domainHint !== undefined) query.set('domain_hint', domainHint);
  if (options.correlationId !== undefined) query.set('client-request-id', options.correlationId);
  return requestKind.create(
    { url: `${authorizeUrl(authority)}?${query.toString()}`, state, redirectUri, authorityHost: authority.host, tenant: authority.tenant },
    { codeVerifier },
  );
}

export interface AuthorizationCodeGrantOptions extends CommonOptions, ClientAuthOptions {
  clientId: string;
  code: string;
  /** Exactly the redirect URI of the authorize request. */
  redirectUri: string;
  codeVerifier: string;
  resource: string;
}

/** Redeems an authorization code (grant_type=authorization_code) at the authority of the authorize leg. */
export async function authorizationCodeGrant(options: AuthorizationCodeGrantOptions): Promise<AadToken> {
  const clientId = checkClientId(options.clientId);
  const code = checkSecret(options.code, 'code', 'the authorization code from the redirect');
  const redirectUri = checkRedirectUri(options.redirectUri);
  const codeVerifier = checkSecret(options.codeVerifier, 'codeVerifier', 'the PKCE verifier of the authorize request');
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(codeVerifier)) {
    throw new InputError('codeVerifier must be 43 to 128 characters of A-Z, a-z, 0-9 and -._~ (RFC 7636).', 'ERR_INVALID_INPUT', 'codeVerifier');
  }
  const resource = checkResource(options.resource);
  const client = clientAuth(clientId, options);
  checkCommon(options);
  const authority = resolveAuthority(options);
  const ex = await postForm(
    {
      what: 'token endpoint',
      url: tokenUrl(authority),
      fields: { grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: redirectUri, resource, code_verifier: codeVerifier },
      auth: { client, audience: tokenEndpoint(authority) },
      secrets: [code, codeVerifier],
    },
    options,
  );
  return checkTokenExchange(ex, { expectedResource: resource, origin: { authorityHost: authority.host, tenant: authority.tenant } });
}
