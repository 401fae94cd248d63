// The /devicelogin HTML pages: enter the code, sign in, approve or decline. Plain forms, no JS. Not the token poll.
import { randomBytes } from 'node:crypto';
import { esc, html, methodNotAllowed, type Handler, type RequestContext } from './context.js';
import { sameSecret } from './state.js';
import type { EmulatorResponse } from './types.js';

/*
 * Stable hooks for browser tests:
 *   step 1  form#code-form     input#user-code[name=user_code]                      button#next
 *   step 2  form#signin-form   input#username[name=username] input#password[name=password]  button#sign-in
 *   step 3  form#consent-form  button#approve[name=decision][value=approve]  button#decline[value=decline]
 *   result  h1#result-title, p#result-message, body[data-outcome=approved|declined]; errors in p#error
 */

interface Flow {
  userCode: string;
  username?: string;
  createdMs: number;
}

const FLOW_TTL_MS = 30 * 60 * 1000;

function page(title: string, content: string, outcome = ''): EmulatorResponse {
  return html(
    200,
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)} - AAD v1 emulator</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}
input,button{font-size:1rem;padding:.4rem;margin:.3rem 0;display:block;width:100%}
#error{color:#b00020}.note{color:#555;font-size:.85rem}</style></head>
<body data-outcome="${esc(outcome)}"><h1 id="${outcome ? 'result-title' : 'title'}">${esc(title)}</h1>
${content}
<p class="note">d365fo-auth AAD v1 emulator: test tenant, test users only.</p></body></html>`,
  );
}

const errorLine = (message?: string) => (message ? `<p id="error" role="alert">${esc(message)}</p>` : '');

function codePage(error?: string, prefill = ''): EmulatorResponse {
  return page(
    'Enter code',
    `${errorLine(error)}<p>Enter the code displayed on your app or device.</p>
<form id="code-form" method="post" action="/devicelogin">
<input type="hidden" name="step" value="code">
<label for="user-code">Code</label><input id="user-code" name="user_code" autocomplete="off" autofocus value="${esc(prefill)}">
<button id="next" type="submit">Next</button></form>`,
  );
}

function signInPage(flowId: string, error?: string, username = ''): EmulatorResponse {
  return page(
    'Sign in',
    `${errorLine(error)}<form id="signin-form" method="post" action="/devicelogin">
<input type="hidden" name="step" value="signin"><input type="hidden" name="flow" value="${esc(flowId)}">
<label for="username">Email or phone</label><input id="username" name="username" type="email" autocomplete="username" value="${esc(username)}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<button id="sign-in" type="submit">Sign in</button></form>`,
  );
}

function consentPage(flowId: string, username: string, clientId: string, resource: string): EmulatorResponse {
  return page(
    'Are you trying to sign in?',
    `<p id="consent-text">Signed in as <b id="signed-in-user">${esc(username)}</b>. The application <code>${esc(clientId)}</code>
wants a token for <code>${esc(resource)}</code>. Only continue if you started this on your own device.</p>
<form id="consent-form" method="post" action="/devicelogin">
<input type="hidden" name="step" value="consent"><input type="hidden" name="flow" value="${esc(flowId)}">
<button id="approve" type="submit" name="decision" value="approve">Continue</button>
<button id="decline" type="submit" name="decision" value="decline">Cancel</button></form>`,
  );
}

/** One handler per emulator: it keeps the in-progress sign-ins (never passwords) between steps. */
export function createDeviceLogin(): Handler {
  const flows = new Map<string, Flow>();

  function takeFlow(ctx: RequestContext): Flow | undefined {
    const id = ctx.form['flow'] ?? '';
    const now = Date.now();
    for (const [k, f] of flows) if (now - f.createdMs > FLOW_TTL_MS) flows.delete(k);
    return flows.get(id);
  }

  return (ctx) => {
    if (ctx.method === 'GET') return codePage(undefined, ctx.url.searchParams.get('otc') ?? '');
    if (ctx.method !== 'POST') return methodNotAllowed(ctx, 'GET, POST');
    const { state, form } = ctx;
    const step = form['step'];
    if (step === 'code') {
      const record = state.findDeviceCodeByUserCode(form['user_code'] ?? '');
      if (!record || record.status !== 'pending') return codePage('That code is not valid or has already been used. Check the code and try again.');
      if (state.isExpired(record)) return codePage('That code has expired. Go back to your device and start again.');
      const flowId = randomBytes(24).toString('base64url');
      flows.set(flowId, { userCode: record.userCode, createdMs: Date.now() });
      return signInPage(flowId);
    }
    const flowId = form['flow'] ?? '';
    const flow = takeFlow(ctx);
    if (!flow) return codePage('Your sign-in session expired. Enter the code again.');
    if (step === 'signin') {
      const user = state.findUser(form['username'] ?? '');
      if (!user || !sameSecret(form['password'] ?? '', user.password)) {
        return signInPage(flowId, 'Your account or password is incorrect.', form['username'] ?? '');
      }
      if (user.locked) return signInPage(flowId, 'Your account is locked. Contact your administrator.', user.username);
      flow.username = user.username;
      const record = state.findDeviceCodeByUserCode(flow.userCode);
      return consentPage(flowId, user.username, record?.clientId ?? '', record?.resource ?? '');
    }
    if (step === 'consent' && flow.username) {
      flows.delete(flowId);
      const decision = form['decision'] === 'approve' ? 'approved' : 'declined';
      const ok = state.settleDeviceCode(flow.userCode, decision, flow.username);
      if (!ok) return codePage('That code is no longer valid. Go back to your device and start again.');
      return decision === 'approved'
        ? page('You have signed in', '<p id="result-message">You have signed in to the application on your device. You may now close this window.</p>', 'approved')
        : page('Sign-in declined', '<p id="result-message">You declined to sign in to the application on your device. You may now close this window.</p>', 'declined');
    }
    return codePage('Something went wrong. Enter the code again.');
  };
}
