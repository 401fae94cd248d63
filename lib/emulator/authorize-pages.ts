// The HTML of the browser sign-in (sign-in, MFA approval, error, form_post) and the redirect back. Plain forms, no JS needed; no decisions.
import { esc, html } from './context.js';
import type { AadError } from './errors.js';
import type { RedirectTarget } from './authorize-request.js';
import type { EmulatorResponse } from './types.js';

/*
 * Stable hooks for browser tests (every page: body[data-step=signin|mfa|error|form_post], h1#title):
 *   sign-in    form#signin-form  input#username[name=username]  input#password[name=password]
 *              button#sign-in[name=action][value=signin]  button#cancel[name=action][value=cancel]
 *              p#error (after a refused attempt: wrong password, unknown or locked account)
 *   MFA        form#mfa-form  p#mfa-text  b#signed-in-user  button#mfa-approve[name=action][value=approve]
 *              button#mfa-deny[name=action][value=deny]  button#cancel[name=action][value=cancel]
 *   error      p#error-code (e.g. "AADSTS50011")  p#error-message  p#error-details (ids, time); no redirect
 *   form_post  form#response-form[method=post][action=redirect_uri]  button#continue (a script submits it)
 * Every form posts back to /{tenant}/oauth2/authorize with a hidden `flow` field.
 */

function page(step: string, title: string, content: string, status = 200): EmulatorResponse {
  return html(
    status,
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)} - AAD v1 emulator</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}
input,button{font-size:1rem;padding:.4rem;margin:.3rem 0;display:block;width:100%}
#error,#error-code{color:#b00020}.note{color:#555;font-size:.85rem}</style></head>
<body data-step="${esc(step)}"><h1 id="title">${esc(title)}</h1>
${content}
<p class="note">d365fo-auth AAD v1 emulator: test tenant, test users only.</p></body></html>`,
  );
}

const formStart = (id: string, action: string, flowId: string) => `<form id="${id}" method="post" action="${esc(action)}">
<input type="hidden" name="flow" value="${esc(flowId)}">`;

export function signInPage(action: string, flowId: string, clientId: string, resource: string, username = '', error?: string): EmulatorResponse {
  return page(
    'signin',
    'Sign in',
    `${error ? `<p id="error" role="alert">${esc(error)}</p>` : ''}<p id="app-text">The application <code>${esc(clientId)}</code> wants a token for <code>${esc(resource)}</code>.</p>
${formStart('signin-form', action, flowId)}
<label for="username">Email or phone</label><input id="username" name="username" type="email" autocomplete="username" value="${esc(username)}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<button id="sign-in" type="submit" name="action" value="signin">Sign in</button>
<button id="cancel" type="submit" name="action" value="cancel" formnovalidate>Cancel</button></form>`,
  );
}

export function mfaPage(action: string, flowId: string, username: string): EmulatorResponse {
  return page(
    'mfa',
    'Approve sign-in request',
    `<p id="mfa-text">Signed in as <b id="signed-in-user">${esc(username)}</b>. Your organisation requires a second
verification: approve the sign-in request (in a real tenant this is the Authenticator app).</p>
${formStart('mfa-form', action, flowId)}
<button id="mfa-approve" type="submit" name="action" value="approve">Approve</button>
<button id="mfa-deny" type="submit" name="action" value="deny">Deny</button>
<button id="cancel" type="submit" name="action" value="cancel">Cancel</button></form>`,
  );
}

/** ESTS's page for a request it cannot send back (bad client_id or redirect_uri, expired flow). HTTP 400. */
export function errorPage(e: AadError): EmulatorResponse {
  const b = e.body as { error_codes: number[]; error_description: string; trace_id: string; correlation_id: string; timestamp: string };
  const text = b.error_description.split('\r\n')[0]!.replace(/^AADSTS\d+: /, '');
  return page(
    'error',
    'Sorry, but we’re having trouble signing you in.',
    `<p id="error-code">AADSTS${b.error_codes[0]}</p><p id="error-message">${esc(text)}</p>
<p id="error-details" class="note">Request Id: ${esc(b.trace_id)}<br>Correlation Id: ${esc(b.correlation_id)}<br>Timestamp: ${esc(b.timestamp)}</p>`,
    400,
  );
}

/** The redirect URL the browser is sent to: the fields in the query or the fragment (form_post: in the query). */
export function redirectUrl(target: RedirectTarget, fields: Record<string, string>): string {
  const url = new URL(target.redirectUri);
  const all = { ...fields, ...(target.state !== undefined ? { state: target.state } : {}) };
  if (target.responseMode === 'fragment') {
    url.hash = new URLSearchParams(all).toString();
  } else {
    for (const [k, v] of Object.entries(all)) url.searchParams.append(k, v);
  }
  return url.href;
}

/** The answer to the application: a 302 (query, fragment) or an auto-submitting form (form_post). */
export function redirectResponse(target: RedirectTarget, fields: Record<string, string>): EmulatorResponse {
  if (target.responseMode !== 'form_post') {
    return { status: 302, headers: { location: redirectUrl(target, fields), 'cache-control': 'no-store, no-cache', pragma: 'no-cache' }, body: '' };
  }
  const all = { ...fields, ...(target.state !== undefined ? { state: target.state } : {}) };
  const inputs = Object.entries(all).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('\n');
  return page(
    'form_post',
    'Working…',
    `<form id="response-form" method="post" action="${esc(target.redirectUri)}">
${inputs}
<noscript><p>Script is disabled. Click Continue to return to the application.</p></noscript>
<button id="continue" type="submit">Continue</button></form>
<script>document.getElementById('response-form').submit();</script>`,
  );
}

/** The error fields of a redirect: error, error_description (with ESTS's trailer), error_uri. */
export function errorFields(e: AadError): Record<string, string> {
  const b = e.body as { error: string; error_description: string; error_uri: string };
  return { error: b.error, error_description: b.error_description, error_uri: b.error_uri };
}
