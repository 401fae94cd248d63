// Checks of the CLI's own flag values (numbers, GUIDs, tenants, URLs, ports) before anything is
// called, with one-line messages that name the flag and quote what was given. The library checks
// again; these make the message the CLI's own. No secret ever comes through here (secrets are read
// from stdin or the environment).
import { cleanLine } from './clean.js';
import type { ValueKind } from './table.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** What a kind must be, as the message says it ("--timeout must be …"). */
const MUST: Record<ValueKind, string> = {
  seconds: 'a positive number of seconds',
  'whole-seconds': 'a whole number of seconds (0 or more)',
  guid: 'a GUID like 1950a258-227b-4e31-a9cf-717495945fc2',
  tenant: 'a tenant GUID or a domain such as contoso.onmicrosoft.com',
  url: 'an absolute https URL without credentials, query or fragment, such as https://contoso.operations.dynamics.com',
  authority: 'an https origin without a path, such as https://login.microsoftonline.com (plain http only to 127.0.0.1, localhost or [::1])',
  'positive-integer': 'a positive whole number',
  port: 'a whole number from 0 to 65535',
  upn: 'a user principal name such as svc-lcs@contoso.com',
  path: 'a file path',
  text: 'a value',
};

function parsesAsUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function isValid(kind: ValueKind, value: string): boolean {
  switch (kind) {
    case 'seconds':
      return /^\d+(\.\d+)?$/.test(value) && Number(value) > 0;
    case 'whole-seconds':
      return /^\d+$/.test(value) && Number.isSafeInteger(Number(value));
    case 'guid':
      return GUID.test(value);
    case 'tenant':
      return GUID.test(value) || DOMAIN.test(value) || ['common', 'organizations'].includes(value.toLowerCase());
    case 'url': {
      const url = parsesAsUrl(value);
      return (
        url !== undefined &&
        (url.protocol === 'https:' || url.protocol === 'http:') &&
        !url.username &&
        !url.password &&
        !value.includes('?') &&
        !value.includes('#') &&
        !/\s/.test(value)
      );
    }
    case 'authority': {
      const url = parsesAsUrl(value);
      if (url === undefined || (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname)))) return false;
      return !url.username && !url.password && !value.includes('?') && !value.includes('#') && (url.pathname === '/' || url.pathname === '');
    }
    case 'positive-integer':
      return /^\d+$/.test(value) && Number.isSafeInteger(Number(value)) && Number(value) > 0;
    case 'port':
      return /^\d+$/.test(value) && Number(value) <= 65535;
    case 'upn': {
      const at = value.lastIndexOf('@');
      return at > 0 && DOMAIN.test(value.slice(at + 1)) && !/[\s/\\?#]/.test(value);
    }
    case 'path':
    case 'text':
      return value.trim() !== '';
  }
}

/**
 * The message for a bad value of `flag` (e.g. `--timeout must be a positive number of seconds (got "-5").`),
 * or undefined when the value is good. `flag` may also be an environment variable's name.
 */
export function badValue(flag: string, kind: ValueKind, value: string): string | undefined {
  if (isValid(kind, value)) return undefined;
  const got = cleanLine(value);
  const shown = got.length > 80 ? `${got.slice(0, 77)}...` : got;
  // the most common slip with an authority: plain http to a host that is not this machine
  if (kind === 'authority' && parsesAsUrl(value)?.protocol === 'http:' && !LOOPBACK.test(parsesAsUrl(value)!.hostname)) {
    return `${flag} must use https; plain http is only accepted for a loopback address (127.0.0.1, localhost, [::1]) (got "${shown}").`;
  }
  return `${flag} must be ${MUST[kind]} (got "${shown}").`;
}
