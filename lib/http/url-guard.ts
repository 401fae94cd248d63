// The https/loopback guard for authority origins: https anywhere, plain http only to loopback.
// It does not build endpoint paths (see aad/endpoints.ts).
import { InputError } from '../errors.js';

/** True for 127.0.0.0/8, `localhost` and `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  const octets = host.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

/**
 * Checks an authority origin and returns it normalised (`https://host[:port]`, no trailing slash).
 * Throws InputError (ERR_INSECURE_URL for a plain-http non-loopback origin) before any request.
 */
export function checkAuthorityHost(value: unknown, what = 'authorityHost'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(`${what} must be an absolute URL such as https://login.microsoftonline.com.`);
  }
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`${what} is not a valid URL; give an origin such as https://login.microsoftonline.com.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`${what} must use https (got ${url.protocol.replace(':', '')}).`, 'ERR_INSECURE_URL');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new InputError(
      `${what} must use https; plain http is only accepted for a loopback address (127.0.0.1, localhost, [::1]).`,
      'ERR_INSECURE_URL',
    );
  }
  if (url.username || url.password) throw new InputError(`${what} must not contain credentials.`);
  if (url.search || url.hash || text.includes('?') || text.includes('#')) {
    throw new InputError(`${what} must not have a query or fragment; give only the origin, e.g. ${url.origin}.`);
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new InputError(`${what} must be an origin without a path (the tenant is a separate option); got path ${url.pathname}.`);
  }
  return url.origin;
}
