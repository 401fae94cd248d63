// One look at an authority for diagnostics (`doctor`): is it reachable (through which proxy), does
// it answer like a v1 authority, and what time does its clock say. It sends no credential.
import { resolveAuthority } from '../aad/endpoints.js';
import { checkCommon, getJson } from '../aad/exchange.js';
import type { CommonOptions } from '../http/types.js';

export interface AuthorityProbe {
  /** The authority origin that was asked. */
  authorityHost: string;
  /** The proxy the request went through (from HTTPS_PROXY / HTTP_PROXY, credentials removed), if any. */
  proxy: string | undefined;
  /** HTTP status of its openid-configuration document (200 for a working v1 authority). */
  status: number;
  /** Milliseconds the request took. */
  durationMs: number;
  /** The authority's clock (its `Date` header), epoch ms; undefined when it sent none. */
  serverTime: number | undefined;
  /** The local clock minus the authority's, in seconds (positive: this machine is ahead); undefined without a `Date`. */
  clockOffsetSeconds: number | undefined;
}

/** The proxy this process's requests use for `url` (as undici's EnvHttpProxyAgent decides), credentials removed. */
export function proxyFor(url: string, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const target = new URL(url);
  const proxy = target.protocol === 'https:' ? (env['HTTPS_PROXY'] ?? env['https_proxy'] ?? env['HTTP_PROXY'] ?? env['http_proxy']) : (env['HTTP_PROXY'] ?? env['http_proxy']);
  if (!proxy) return undefined;
  const noProxy = (env['NO_PROXY'] ?? env['no_proxy'] ?? '').split(/[\s,]+/).filter(Boolean);
  const host = target.hostname.toLowerCase();
  if (noProxy.some((entry) => entry === '*' || host === entry.toLowerCase().replace(/^\./, '') || host.endsWith(`.${entry.toLowerCase().replace(/^\./, '')}`))) return undefined;
  try {
    const parsed = new URL(proxy);
    parsed.username = '';
    parsed.password = '';
    return parsed.origin;
  } catch {
    return '(unreadable proxy setting)';
  }
}

/** GETs `{authority}/{tenant}/.well-known/openid-configuration` once and reports what it saw. */
export async function probeAuthority(options: CommonOptions = {}): Promise<AuthorityProbe> {
  checkCommon(options);
  const authority = resolveAuthority(options);
  const url = `${authority.host}/${encodeURIComponent(authority.tenant)}/.well-known/openid-configuration`;
  const started = Date.now();
  const ex = await getJson('authority', url, options);
  const date = ex.response.headers['date'];
  const serverTime = date === undefined || Number.isNaN(Date.parse(date)) ? undefined : Date.parse(date);
  const now = Date.now();
  return {
    authorityHost: authority.host,
    proxy: proxyFor(url),
    status: ex.response.status,
    durationMs: ex.response.durationMs || now - started,
    serverTime,
    // a Date header has whole seconds: the local time half-way through the request is compared with it
    clockOffsetSeconds: serverTime === undefined ? undefined : Math.round(((started + now) / 2 - serverTime) / 1000),
  };
}
