// Browser sign-in (RFC 8252): a loopback listener on 127.0.0.1 (and ::1 when there is one), the
// authorize URL opened in the system browser, exactly one redirect with the right path and `state`
// accepted, then the code redeemed with its PKCE verifier. Wrong requests get 400 and are ignored.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from './clock.js';
import { remedyFor } from './aad/remedies.js';
import { BrowserSignInError, InputError, OAuthError } from './errors.js';
import { authorizationCodeGrant, createAuthorizationRequest, type Prompt } from './grants/authorization-code.js';
import type { ClientAuthOptions } from './aad/client-auth.js';
import type { CommonOptions } from './http/types.js';
import { openInBrowser } from './open-url.js';
import { printable } from './redact.js';
import type { AadToken } from './token.js';

export interface SignInWithBrowserOptions extends CommonOptions, ClientAuthOptions {
  clientId: string;
  resource: string;
  /** Opens the sign-in URL; default: the system browser (best effort). Return false when it could not. */
  openBrowser?: ((url: string) => boolean | void | Promise<boolean | void>) | undefined;
  /** Receives the URL too, e.g. to print it for a person to open by hand. */
  onUrl?: ((url: string) => void) | undefined;
  /** Give up waiting for the redirect after this long (default 300). */
  timeoutSeconds?: number | undefined;
  /** Loopback port (default 0: any free one). */
  port?: number | undefined;
  prompt?: Prompt | undefined;
  loginHint?: string | undefined;
  domainHint?: string | undefined;
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'referrer-policy': 'no-referrer',
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, title: string, text: string): void {
  res.writeHead(status, PAGE_HEADERS);
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`);
}

/** Listens on 127.0.0.1:port, then on [::1] at the same port when this machine has IPv6 loopback. */
async function listen(port: number, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server[]> {
  const start = (host: string, p: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer(handler);
      server.once('error', reject);
      server.listen(p, host, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  let first: Server;
  try {
    first = await start('127.0.0.1', port);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unknown error';
    throw new BrowserSignInError('ERR_LOOPBACK_LISTENER', `Could not listen on 127.0.0.1:${port} for the sign-in redirect (${code}); pick another port or leave it at 0.`, { cause: error });
  }
  const chosen = (first.address() as AddressInfo).port;
  // browsers may resolve localhost to ::1; without IPv6 loopback the IPv4 listener is enough
  const second = await start('::1', chosen).catch(() => undefined);
  return second ? [first, second] : [first];
}

/** Signs a person in with the system browser and returns the token (authorization code + PKCE). */
export async function signInWithBrowser(options: SignInWithBrowserOptions): Promise<AadToken> {
  const timeoutSeconds = options.timeoutSeconds ?? 300;
  if (typeof timeoutSeconds !== 'number' || !Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new InputError('timeoutSeconds must be a positive number of seconds.', 'ERR_INVALID_INPUT', 'timeoutSeconds');
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError('port must be a whole number from 0 to 65535.', 'ERR_INVALID_INPUT', 'port');
  if (options.signal?.aborted) throw new BrowserSignInError('ERR_BROWSER_CANCELLED', 'Browser sign-in was cancelled.');
  // checks every option (client, resource, authority, credentials) before a port is opened
  createAuthorizationRequest({ ...options, redirectUri: 'http://localhost' });

  let settle: { resolve: (code: string) => void; reject: (error: unknown) => void } | undefined;
  const redirect = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  // the redirect may come while the browser is still being opened: it is awaited below
  redirect.catch(() => {});
  let expected: { path: string; state: string } | undefined;
  const servers = await listen(port, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!expected || req.method !== 'GET' || url.pathname !== expected.path || url.searchParams.get('state') !== expected.state) {
      page(res, 400, 'Not this request', 'This address only accepts the sign-in redirect it is waiting for; the request was ignored.');
      return;
    }
    expected = undefined; // exactly one redirect is accepted
    const error = url.searchParams.get('error');
    const code = url.searchParams.get('code');
    if (error !== null || code === null) {
      const description = printable(url.searchParams.get('error_description') ?? '');
      page(res, 200, 'Sign-in did not finish', description ? `${printable(error ?? 'no code')}: ${description.split(' Trace ID')[0]}` : `The authority answered ${printable(error ?? 'without a code')}.`);
      settle?.reject(redirectError(error ?? 'invalid_request', description));
      return;
    }
    page(res, 200, 'Signed in', 'You are signed in; you can close this tab and return to the application.');
    settle?.resolve(code);
  });

  const clock = options.clock ?? systemClock;
  const timer = new AbortController();
  try {
    const chosen = (servers[0]!.address() as AddressInfo).port;
    const request = createAuthorizationRequest({ ...options, redirectUri: `http://localhost:${chosen}` });
    expected = { path: '/', state: request.state };
    options.onUrl?.(request.url);
    const opened = options.openBrowser ? await options.openBrowser(request.url) : (await openInBrowser(request.url)).opened;
    if (opened === false && !options.onUrl) {
      throw new BrowserSignInError('ERR_NO_BROWSER', 'No browser could be opened for the sign-in, and nobody was given its URL: pass onUrl to show it, or use device-code sign-in.');
    }
    const signal = options.signal ? AbortSignal.any([options.signal, timer.signal]) : timer.signal;
    const waiting = clock.sleep(timeoutSeconds * 1000, signal).then(
      () => {
        throw new BrowserSignInError('ERR_BROWSER_TIMEOUT', `Nobody finished the browser sign-in within ${timeoutSeconds} s (timeoutSeconds).`);
      },
      () => {
        throw new BrowserSignInError('ERR_BROWSER_CANCELLED', 'Browser sign-in was cancelled.');
      },
    );
    const code = await Promise.race([redirect, waiting]);
    timer.abort();
    waiting.catch(() => {});
    return await authorizationCodeGrant({ ...options, code, redirectUri: request.redirectUri, codeVerifier: request.codeVerifier, authorityHost: request.authorityHost, tenant: request.tenant });
  } finally {
    timer.abort();
    for (const server of servers) {
      server.close();
      server.closeAllConnections();
    }
  }
}

/** The error a redirect carried (e.g. access_denied), as an OAuthError with its AADSTS code and remedy. */
function redirectError(error: string, description: string): OAuthError {
  const match = /^AADSTS(\d+)/.exec(description);
  const codes = match ? [Number(match[1])] : [];
  const summary = description.replace(/^AADSTS\d+:\s*/, '').split(' Trace ID')[0]?.trim();
  return new OAuthError(`${printable(error)}${codes[0] ? ` (AADSTS${codes[0]})` : ''}: ${summary || 'the sign-in in the browser did not finish'}`, {
    status: 0,
    error: printable(error),
    errorDescription: description || undefined,
    errorCodes: codes,
    remedy: remedyFor(codes[0]) ?? (error === 'access_denied' ? 'The sign-in was cancelled or consent was refused in the browser: sign in again and accept.' : undefined),
  });
}
