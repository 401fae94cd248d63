// Test-only helpers for the browser sign-in over plain HTTP: PKCE pairs, authorize URLs, the pages' elements and forms. Tests only.
import { createHash, randomBytes } from 'node:crypto';
import { postForm, type RawResponse } from './emulator-http.js';

/** A fresh RFC 7636 verifier (43 chars) and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** `{origin}/{tenant}/oauth2/authorize?…`; undefined values are left out. */
export function authorizeUrl(origin: string, tenant: string, params: Record<string, string | undefined>): string {
  const u = new URL(`${origin}/${tenant}/oauth2/authorize`);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.href;
}

const decode = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');

/** The text of the element with this id (tags inside stripped), or undefined. */
export function textOf(html: string, id: string): string | undefined {
  const m = new RegExp(`<(\\w+)[^>]*id="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return m ? decode(m[2]!.replace(/<[^>]+>/g, '')) : undefined;
}

/** The value attribute of the input with this id or name. */
export function valueOf(html: string, idOrName: string): string | undefined {
  const m = new RegExp(`<input[^>]*(?:id|name)="${idOrName}"[^>]*value="([^"]*)"`).exec(html);
  return m ? decode(m[1]!) : undefined;
}

/** data-step of the page: signin, mfa, error, form_post. */
export const stepOf = (html: string): string | undefined => /<body data-step="([^"]+)"/.exec(html)?.[1];

/** The form's action (a path) and its hidden flow id. */
export function formOf(html: string): { action: string; flow: string } {
  const action = /<form id="(?:signin|mfa)-form" method="post" action="([^"]+)"/.exec(html)?.[1];
  const flow = valueOf(html, 'flow');
  if (!action || !flow) throw new Error(`not a sign-in page: ${html.slice(0, 200)}`);
  return { action: decode(action), flow };
}

/** Posts a step of the sign-in (what pressing a button sends). */
export function submit(origin: string, html: string, fields: Record<string, string>): Promise<RawResponse> {
  const { action, flow } = formOf(html);
  return postForm(`${origin}${action}`, { flow, ...fields });
}

/** The query (or fragment) fields of a redirect's Location. */
export function redirectFields(r: RawResponse): Record<string, string> {
  const location = r.headers.get('location');
  if (r.status !== 302 || !location) throw new Error(`expected a 302 redirect, got HTTP ${r.status}: ${r.text.slice(0, 200)}`);
  const u = new URL(location);
  return Object.fromEntries(u.hash ? new URLSearchParams(u.hash.slice(1)) : u.searchParams);
}
