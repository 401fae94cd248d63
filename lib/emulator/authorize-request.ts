// Checks an /oauth2/authorize query as ESTS does: error page (no redirect), error redirect, or the accepted request. No HTML, no sign-in.
import { AADSTS, type AadError, type ErrorContext } from './errors.js';
import type { EmulatorState } from './state.js';
import type { EmulatorClient } from './types.js';

export type ResponseMode = 'query' | 'fragment' | 'form_post';

/** Where an answer goes once client_id and redirect_uri are trusted. */
export interface RedirectTarget {
  redirectUri: string;
  responseMode: ResponseMode;
  state?: string;
}

export interface AuthorizeRequest extends RedirectTarget {
  /** The tenant path segment as sent. */
  tenant: string;
  client: EmulatorClient;
  resource: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  /** `prompt`, lower-cased, when sent. */
  prompt?: string;
  loginHint?: string;
}

export type AuthorizeCheck =
  | { ok: AuthorizeRequest }
  /** No redirect: client_id or redirect_uri cannot be trusted; ESTS shows an error page. */
  | { page: AadError }
  | { redirect: RedirectTarget; error: AadError };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1']);
/** ADAL.NET also sends refresh_session and attempt_none (= none for a managed user). */
const PROMPTS = new Set(['login', 'select_account', 'consent', 'admin_consent', 'none', 'refresh_session', 'attempt_none']);
/** RFC 7636 §4.2: 43-128 unreserved characters; an S256 challenge is 32 bytes of base64url. */
const PLAIN_CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

const isLoopback = (u: URL): boolean => u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname) && !u.username && !u.password;

/**
 * A loopback http URI is compared without its port (Doc reply-url, "Localhost exceptions"); the host is
 * compared as written (127.0.0.1 is not localhost), the path and query exactly.
 */
function sameRedirect(registered: string, requested: URL): boolean {
  const r = parseUrl(registered);
  if (!r) return false;
  if (isLoopback(r) && isLoopback(requested)) {
    return r.hostname === requested.hostname && r.pathname === requested.pathname && r.search === requested.search;
  }
  return registered === requested.href || r.href === requested.href;
}

/** Without `redirectUris`, any http://localhost or http://127.0.0.1 URI (any port, any path) is registered. */
export function redirectAllowed(client: EmulatorClient, uri: URL): boolean {
  if (uri.hash) return false;
  return client.redirectUris ? client.redirectUris.some((r) => sameRedirect(r, uri)) : isLoopback(uri);
}

export function checkAuthorizeRequest(q: URLSearchParams, tenant: string, state: EmulatorState, errors: ErrorContext): AuthorizeCheck {
  const get = (name: string): string | undefined => q.get(name) || undefined;
  const clientId = get('client_id');
  if (!clientId) return { page: AADSTS.missingParameter(errors, 'client_id') };
  const client = state.findClient(clientId);
  if (!client) return { page: AADSTS.unknownClient(errors, clientId, tenant) };
  const redirectUri = get('redirect_uri');
  if (!redirectUri) return { page: AADSTS.noReplyAddress(errors) };
  const parsed = parseUrl(redirectUri);
  if (!parsed) return { page: AADSTS.replyNotAbsolute(errors) };
  if (!redirectAllowed(client, parsed)) return { page: AADSTS.replyNotRegistered(errors, redirectUri, client.clientId) };

  // from here on the redirect URI is trusted: errors go back to the application, with its state
  const sentState = get('state');
  const mode = get('response_mode') ?? 'query';
  const target: RedirectTarget = { redirectUri, responseMode: 'query', ...(sentState !== undefined ? { state: sentState } : {}) };
  if (mode !== 'query' && mode !== 'fragment' && mode !== 'form_post') return { redirect: target, error: AADSTS.unsupportedResponseMode(errors) };
  target.responseMode = mode;
  const fail = (error: AadError): AuthorizeCheck => ({ redirect: target, error });

  const responseType = get('response_type');
  if (!responseType) return fail(AADSTS.missingParameter(errors, 'response_type'));
  if (responseType !== 'code') return fail(AADSTS.unsupportedResponseType(errors, responseType));
  const resource = get('resource');
  if (!resource) return fail(AADSTS.missingParameter(errors, 'resource'));
  const prompt = get('prompt')?.toLowerCase();
  if (prompt !== undefined && !PROMPTS.has(prompt)) return fail(AADSTS.badPrompt(errors));

  const challenge = get('code_challenge');
  let method: 'S256' | 'plain' | undefined;
  if (challenge !== undefined) {
    const m = get('code_challenge_method') ?? 'plain'; // a challenge without a method is plain (Doc v1-code)
    if (m !== 'S256' && m !== 'plain') return fail(AADSTS.badChallengeMethod(errors));
    method = m;
    if (!(method === 'S256' ? S256_CHALLENGE : PLAIN_CHALLENGE).test(challenge)) return fail(AADSTS.badChallenge(errors));
  }
  if (prompt === 'none' || prompt === 'attempt_none') return fail(AADSTS.loginRequired(errors)); // the emulator keeps no session

  const loginHint = get('login_hint');
  return {
    ok: {
      ...target,
      tenant,
      client,
      resource,
      ...(challenge !== undefined && method ? { codeChallenge: challenge, codeChallengeMethod: method } : {}),
      ...(prompt !== undefined ? { prompt } : {}),
      ...(loginHint !== undefined ? { loginHint } : {}),
    },
  };
}
