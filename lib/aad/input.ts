// Validation of caller input before it reaches a URL or a form body: tenant, client id, resource,
// username, secrets. Messages say what is wrong and how to fix it, and never echo a secret.
import { InputError } from '../errors.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;
const WELL_KNOWN_TENANTS = new Set(['common', 'organizations', 'consumers', 'adfs']);

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** True for a tenant GUID, a verified domain, or `common`/`organizations`/`consumers`/`adfs`. */
export function isTenant(value: string): boolean {
  return isGuid(value) || DOMAIN.test(value) || WELL_KNOWN_TENANTS.has(value.toLowerCase());
}

/** A tenant GUID, a verified domain, or `common`/`organizations`/`consumers`/`adfs`. */
export function checkTenant(value: unknown, what = 'tenant'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(`${what} is required: a tenant GUID or a domain such as contoso.onmicrosoft.com.`);
  }
  const tenant = value.trim();
  if (isTenant(tenant)) return tenant;
  throw new InputError(
    `${what} must be a tenant GUID, a domain such as contoso.onmicrosoft.com, or common/organizations; ` +
      `it may not contain '/', '?', '#', spaces or other URL characters.`,
  );
}

/** An application (client) id: a GUID. */
export function checkClientId(value: unknown, what = 'clientId'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(`${what} is required: the application (client) id GUID of your app registration.`);
  }
  const id = value.trim();
  if (!isGuid(id)) {
    throw new InputError(`${what} must be a GUID like 00000000-0000-0000-0000-000000000000 (the application id of the app registration).`);
  }
  return id;
}

/** Resources that passed the check (it is pure), so a grant per request need not parse them again. */
const goodResources = new Set<string>();
function remember(value: string): void {
  if (goodResources.size >= 64) goodResources.clear();
  goodResources.add(value);
}

/** A v1 resource: an absolute http(s) URI (e.g. https://lcsapi.lcs.dynamics.com) or an app id GUID. */
export function checkResource(value: unknown, what = 'resource'): string {
  if (typeof value === 'string' && goodResources.has(value)) return value.trim();
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(`${what} is required: the resource URI, e.g. https://lcsapi.lcs.dynamics.com.`);
  }
  const resource = value.trim();
  if (isGuid(resource)) return resource;
  let url: URL | undefined;
  try {
    url = new URL(resource);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || /[\s\u0000-\u001f]/.test(resource)) {
    throw new InputError(`${what} must be an absolute http(s) URI such as https://lcsapi.lcs.dynamics.com, or an application id GUID.`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new InputError(`${what} must not contain credentials, a query or a fragment.`);
  }
  remember(value);
  return resource;
}

/** A user principal name: `name@domain`. */
export function checkUsername(value: unknown, what = 'username'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(`${what} is required: the user principal name, e.g. svc-lcs@contoso.com.`);
  }
  const name = value.trim();
  const at = name.lastIndexOf('@');
  if (at < 1 || !DOMAIN.test(name.slice(at + 1)) || /[\s\u0000-\u001f/\\?#]/.test(name)) {
    throw new InputError(`${what} must be a user principal name such as svc-lcs@contoso.com.`);
  }
  return name;
}

/** A non-empty secret string; the message names the option, never the value. */
export function checkSecret(value: unknown, what: string, hint = ''): string {
  if (typeof value !== 'string' || value === '') {
    throw new InputError(`${what} is required${hint ? `: ${hint}` : ''}.`);
  }
  if (/[\u0000]/.test(value)) throw new InputError(`${what} contains a NUL character.`);
  return value;
}

/** A GUID sent as `client-request-id`. */
export function checkCorrelationId(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isGuid(value)) {
    throw new InputError('correlationId must be a GUID (it is sent as the client-request-id header).');
  }
  return value;
}

/** A positive whole number of milliseconds or seconds. */
export function checkPositive(value: unknown, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new InputError(`${what} must be a positive number${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}.`);
  }
  return value;
}
