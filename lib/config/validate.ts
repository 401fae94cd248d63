// Checks of values a caller wants to save (ids, URLs, names); messages never echo the value itself.
// The rules themselves (GUID, tenant, loopback) are the protocol layer's, so a saved value is one
// the grants accept.
import { isGuid, isTenant } from '../aad/input.js';
import { InputError } from '../errors.js';
import { isLoopbackHost } from '../http/url-guard.js';

export function checkGuid(value: unknown, label: string): string {
  if (typeof value !== 'string' || !isGuid(value.trim())) {
    throw new InputError(`${label} must be a GUID like 1950a258-227b-4e31-a9cf-717495945fc2.`);
  }
  return value.trim();
}

export function checkTenant(value: unknown, label: string): string {
  if (typeof value !== 'string' || !isTenant(value.trim())) {
    throw new InputError(`${label} must be a tenant id (GUID) or a domain name like contoso.onmicrosoft.com.`);
  }
  return value.trim();
}

/** An https URL (plain http only on a loopback host), without credentials, query or fragment; trailing slashes removed. */
export function checkUrl(value: unknown, label: string): string {
  const message = `${label} must be an https URL (http only on a loopback address) without credentials, query or fragment.`;
  if (typeof value !== 'string') throw new InputError(message);
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(message);
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  if (!secure || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || text.includes('?') || text.includes('#')) {
    throw new InputError(message);
  }
  return text.replace(/\/+$/, '');
}

/** A positive integer, given as a number or a string of digits. */
export function checkProjectId(value: unknown, label: string): number {
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) {
    throw new InputError(`${label} must be a positive integer (a number or a string of digits).`);
  }
  return number;
}

/** A non-empty string; the message names the field only. */
export function checkSecret(value: unknown, label: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InputError(`${label} must be a non-empty string.`);
  return value.trim();
}

/** Epoch seconds: a positive integer (a number or a string of digits, as the v1 wire sends it). */
export function checkEpochSeconds(value: unknown, label: string): number {
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) {
    throw new InputError(`${label} must be epoch seconds (a positive integer).`);
  }
  return number;
}

/** An OData config name: non-empty, no `*`, no control characters. Returned trimmed. */
export function checkConfigName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InputError('An OData config name must not be empty.');
  const name = value.trim();
  if (name.includes('*')) throw new InputError(`The OData config name "${name}" must not contain "*".`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new InputError('An OData config name must not contain control characters.');
  return name;
}
