// The browser sign-in steps (password, MFA approval, Cancel) ending in a redirect with a code, and completeAuthorization(). Not the token leg.
import { randomBytes, randomUUID } from 'node:crypto';
import { checkAuthorizeRequest, type AuthorizeRequest } from './authorize-request.js';
import { errorFields, errorPage, mfaPage, redirectResponse, redirectUrl, signInPage } from './authorize-pages.js';
import { methodNotAllowed, type RequestContext } from './context.js';
import { AADSTS, type AadError, type ErrorContext } from './errors.js';
import { sameSecret, type EmulatorState, type UserRecord } from './state.js';
import type { CompleteAuthorizationOptions, EmulatorResponse } from './types.js';

interface Flow {
  request: AuthorizeRequest;
  createdMs: number;
  /** Set once the password step passed and the MFA step is showing. */
  username?: string;
}

/** A sign-in left open this long is forgotten (ESTS: "flow token expired"). */
const FLOW_TTL_MS = 30 * 60_000;
const MAX_FLOWS = 10_000;

type Credentials = { user: UserRecord } | { error: AadError; pageText: string };

/** The page's checks, in ESTS's order: the account, its lock, then the password (skipped when not given). */
function checkCredentials(state: EmulatorState, errors: ErrorContext, username: string, password: string | undefined): Credentials {
  const user = state.findUser(username);
  if (!user) return { error: AADSTS.unknownUser(errors, state.tenantDomain), pageText: "We couldn't find an account with that username. (AADSTS50034)" };
  if (user.locked) return { error: AADSTS.locked(errors), pageText: 'Your account is locked. Contact your administrator to unlock it, then try again. (AADSTS50053)' };
  if (password !== undefined && !sameSecret(password, user.password)) {
    return { error: AADSTS.wrongPassword(errors), pageText: 'Your account or password is incorrect. (AADSTS50126)' };
  }
  return { user };
}

/** The success fields of the redirect: a fresh single-use code bound to this request, and session_state. */
function success(state: EmulatorState, req: AuthorizeRequest, user: UserRecord, mfa: boolean): Record<string, string> {
  const code = state.authCodes.issue({
    clientId: req.client.clientId,
    redirectUri: req.redirectUri,
    resource: req.resource,
    tenant: req.tenant,
    ...(req.codeChallenge !== undefined && req.codeChallengeMethod ? { codeChallenge: req.codeChallenge, codeChallengeMethod: req.codeChallengeMethod } : {}),
    username: user.username,
    amr: mfa ? ['pwd', 'mfa'] : ['pwd'],
  });
  return { code, session_state: randomUUID() };
}

/** One handler per emulator: it keeps the sign-ins in progress (never a password) between the steps. */
export function createAuthorize(): (ctx: RequestContext, tenant: string) => EmulatorResponse {
  const flows = new Map<string, Flow>();

  function forgetOld(): void {
    const horizon = Date.now() - FLOW_TTL_MS;
    for (const [id, f] of flows) {
      if (f.createdMs > horizon && flows.size < MAX_FLOWS) break; // insertion order is age order
      flows.delete(id);
    }
  }

  return (ctx, tenant) => {
    const { state, errors, form } = ctx;
    const action = `/${encodeURIComponent(tenant)}/oauth2/authorize`;
    if (ctx.method === 'GET') {
      const check = checkAuthorizeRequest(ctx.url.searchParams, tenant, state, errors);
      if ('page' in check) return errorPage(check.page);
      if ('redirect' in check) return redirectResponse(check.redirect, errorFields(check.error));
      forgetOld();
      const id = randomBytes(24).toString('base64url');
      flows.set(id, { request: check.ok, createdMs: Date.now() });
      return signInPage(action, id, check.ok.client.clientId, check.ok.resource, check.ok.loginHint ?? '');
    }
    if (ctx.method !== 'POST') return methodNotAllowed(ctx, 'GET, POST');

    forgetOld();
    const id = form['flow'] ?? '';
    const flow = flows.get(id);
    if (!flow) return errorPage(AADSTS.flowExpired(errors));
    const req = flow.request;
    const step = form['action'];
    if (step === 'cancel') {
      flows.delete(id);
      return redirectResponse(req, errorFields(AADSTS.userCancelled(errors)));
    }
    if (flow.username === undefined) {
      const username = form['username'] ?? '';
      if (step !== 'signin') return signInPage(action, id, req.client.clientId, req.resource, username);
      const checked = checkCredentials(state, errors, username, form['password'] ?? '');
      if ('error' in checked) return signInPage(action, id, req.client.clientId, req.resource, username, checked.pageText);
      if (checked.user.mfaRequired) {
        flow.username = checked.user.username;
        return mfaPage(action, id, checked.user.username);
      }
      flows.delete(id);
      return redirectResponse(req, success(state, req, checked.user, false));
    }
    const user = state.findUser(flow.username);
    if (step === 'deny' || !user) {
      flows.delete(id);
      return redirectResponse(req, errorFields(AADSTS.mfaDenied(errors)));
    }
    if (step !== 'approve') return mfaPage(action, id, user.username);
    flows.delete(id);
    return redirectResponse(req, success(state, req, user, true));
  };
}

/** An Error for a sign-in that ends on an error page (no redirect): the message starts with AADSTSnnnn. */
function pageError(e: AadError): Error {
  const b = e.body as { error_codes: number[]; error_description: string };
  return Object.assign(new Error(`completeAuthorization(): ${b.error_description.split('\r\n')[0]}`), { aadsts: `AADSTS${b.error_codes[0]}` });
}

function checkOptions(o: unknown): CompleteAuthorizationOptions {
  const fail = (m: string): never => {
    throw new TypeError(`completeAuthorization(): ${m}`);
  };
  if (o === undefined) return {};
  if (o === null || typeof o !== 'object') return fail('options must be an object');
  const { username, password, decline, ...rest } = o as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length) fail(`unknown option '${extra[0]}' (allowed: username, password, decline)`);
  if (username !== undefined && (typeof username !== 'string' || !username)) fail('username must be a non-empty string');
  if (password !== undefined && typeof password !== 'string') fail('password must be a string');
  if (decline !== undefined && typeof decline !== 'boolean') fail('decline must be a boolean');
  return o as CompleteAuthorizationOptions;
}

/**
 * Completes a sign-in for `authorizeUrl` without a browser, after the checks the pages make, and resolves
 * with the URL the browser would have been sent to (form_post: the fields in its query). Its origin is not
 * checked; its path and query are. Rejects when the pages would stop on an error.
 */
export async function completeAuthorization(state: EmulatorState, origin: string, authorizeUrl: string, options?: CompleteAuthorizationOptions): Promise<string> {
  const o = checkOptions(options);
  let url: URL;
  try {
    url = new URL(authorizeUrl);
  } catch {
    throw new TypeError('completeAuthorization(): authorizeUrl must be an absolute URL');
  }
  let segments: string[];
  try {
    segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    segments = [];
  }
  const [tenant = '', oauth2 = '', authorize = ''] = segments;
  if (segments.length !== 3 || oauth2.toLowerCase() !== 'oauth2' || authorize.toLowerCase() !== 'authorize') {
    throw new TypeError('completeAuthorization(): authorizeUrl must be a /{tenant}/oauth2/authorize URL');
  }
  const errors: ErrorContext = { origin, traceId: randomUUID(), correlationId: randomUUID(), nowMs: state.nowMs() };
  if (!state.resolveTenant(tenant)) throw pageError(AADSTS.unknownTenant(errors, tenant));
  const check = checkAuthorizeRequest(url.searchParams, tenant, state, errors);
  if ('page' in check) throw pageError(check.page);
  if ('redirect' in check) return redirectUrl(check.redirect, errorFields(check.error));
  const req = check.ok;
  if (o.decline) return redirectUrl(req, errorFields(AADSTS.userCancelled(errors)));
  const checked = checkCredentials(state, errors, o.username ?? state.users[0]!.username, o.password);
  if ('error' in checked) throw pageError(checked.error);
  // an mfaRequired user's approval step is approved, as a person at the page would
  return redirectUrl(req, success(state, req, checked.user, checked.user.mfaRequired === true));
}
