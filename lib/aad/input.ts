// The one vocabulary of input checks, used before a value reaches a URL, a form body or the config
// file: tenant, client id, resource, username, secrets, https URLs. Messages name the option (the
// InputError's `option`), say how to fix it, and never echo a secret.
import { InputError } from '../errors.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;
const WELL_KNOWN_TENANTS = new Set(['common', 'organizations', 'consumers', 'adfs']);

const fail = (option: string, message: string, code: 'ERR_INVALID_INPUT' | 'ERR_INSECURE_URL' = 'ERR_INVALID_INPUT') => new InputError(message, code, option);

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** True for a tenant GUID, a verified domain, or `common`/`organizations`/`consumers`/`adfs`. */
export function isTenant(value: string): boolean {
  return isGuid(value) || DOMAIN.test(value) || WELL_KNOWN_TENANTS.has(value.toLowerCase());
}

/** A tenant GUID, a verified domain, or `common`/`organizations`/`consumers`/`adfs`. */
export function checkTenant(value: unknown, option = 'tenant'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw fail(option, `${option} is required: a tenant GUID or a domain such as contoso.onmicrosoft.com.`);
  }
  const tenant = value.trim();
  if (isTenant(tenant)) return tenant;
  throw fail(option, `${option} must be a tenant GUID, a domain such as contoso.onmicrosoft.com, or common/organizations; it may not contain '/', '?', '#', spaces or other URL characters.`);
}

/** A tenant that identifies one directory (not `common`/`organizations`/`consumers`), as client credentials need. */
export function checkSpecificTenant(value: unknown, option = 'tenant', flow = 'client credentials'): string {
  const message = `${option} is required for ${flow} and must be the tenant GUID or domain, not common or organizations.`;
  if (typeof value !== 'string' || value.trim() === '' || ['common', 'organizations', 'consumers'].includes(value.trim().toLowerCase())) throw fail(option, message);
  return checkTenant(value, option);
}

/** An application (client) id: a GUID. */
export function checkClientId(value: unknown, option = 'clientId'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw fail(option, `${option} is required: the application (client) id GUID of your app registration.`);
  }
  const id = value.trim();
  if (!isGuid(id)) throw fail(option, `${option} must be a GUID like 00000000-0000-0000-0000-000000000000 (the application id of the app registration).`);
  return id;
}

/** A v1 resource: an absolute http(s) URI (e.g. https://lcsapi.lcs.dynamics.com) or an app id GUID. */
export function checkResource(value: unknown, option = 'resource'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw fail(option, `${option} is required: the resource URI, e.g. https://lcsapi.lcs.dynamics.com.`);
  }
  const resource = value.trim();
  if (isGuid(resource)) return resource;
  const url = parseUrl(resource);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || /[\s\u0000-\u001f]/.test(resource)) {
    throw fail(option, `${option} must be an absolute http(s) URI such as https://lcsapi.lcs.dynamics.com, or an application id GUID.`);
  }
  if (url.username || url.password || url.search || url.hash || resource.includes('?') || resource.includes('#')) {
    throw fail(option, `${option} must not contain credentials, a query or a fragment.`);
  }
  return resource;
}

/** A user principal name: `name@domain`. */
export function checkUsername(value: unknown, option = 'username'): string {
  if (typeof value !== 'string' || value.trim() === '') throw fail(option, `${option} is required: the user principal name, e.g. svc-lcs@contoso.com.`);
  const name = value.trim();
  const at = name.lastIndexOf('@');
  if (at < 1 || !DOMAIN.test(name.slice(at + 1)) || /[\s\u0000-\u001f/\\?#]/.test(name)) {
    throw fail(option, `${option} must be a user principal name such as svc-lcs@contoso.com.`);
  }
  return name;
}

/** A secret (password, client secret, token): a non-blank string without NUL, kept exactly as given. */
export function checkSecret(value: unknown, option: string, hint = ''): string {
  if (typeof value !== 'string' || value.trim() === '') throw fail(option, `${option} is required${hint ? `: ${hint}` : ''}.`);
  if (value.includes('\u0000')) throw fail(option, `${option} contains a NUL character.`);
  return value;
}

/** A GUID sent as `client-request-id`. */
export function checkCorrelationId(value: unknown, option = 'correlationId'): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isGuid(value)) throw fail(option, `${option} must be a GUID (it is sent as the client-request-id header).`);
  return value;
}

/** A positive number no larger than `max`. */
export function checkPositive(value: unknown, option: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw fail(option, `${option} must be a positive number${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}.`);
  }
  return value;
}

/** True for 127.0.0.0/8, `localhost` and `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  const octets = host.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * An https URL (plain http only to a loopback address), without credentials, query or fragment;
 * returned without trailing slashes. With `origin: true` it must have no path and the origin is
 * returned. ERR_INSECURE_URL for plain http elsewhere.
 */
export function checkHttpsUrl(value: unknown, option: string, options: { origin?: boolean; example?: string } = {}): string {
  const example = options.example ?? 'https://login.microsoftonline.com';
  if (typeof value !== 'string' || value.trim() === '') throw fail(option, `${option} is required: an https URL such as ${example}.`);
  const text = value.trim();
  const url = parseUrl(text);
  if (!url) throw fail(option, `${option} is not a valid URL; give one such as ${example}.`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw fail(option, `${option} must use https (got ${url.protocol.replace(':', '')}).`, 'ERR_INSECURE_URL');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw fail(option, `${option} must use https; plain http is only accepted for a loopback address (127.0.0.1, localhost, [::1]).`, 'ERR_INSECURE_URL');
  }
  if (url.username || url.password) throw fail(option, `${option} must not contain credentials.`);
  if (url.search || url.hash || text.includes('?') || text.includes('#')) throw fail(option, `${option} must not have a query or fragment, e.g. ${url.origin}.`);
  if (/[\s\u0000-\u001f]/.test(text)) throw fail(option, `${option} must not contain spaces or control characters.`);
  if (options.origin) {
    if (url.pathname !== '/' && url.pathname !== '') throw fail(option, `${option} must be an origin without a path, such as ${example}; got path ${url.pathname}.`);
    return url.origin;
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** An authority origin (`https://login.microsoftonline.com`, or http on loopback for the emulator). */
export function checkAuthorityHost(value: unknown, option = 'authorityHost'): string {
  return checkHttpsUrl(value, option, { origin: true });
}
