// The v1 resource of an F&O / HR environment URL, and the OData constants. Pure: no I/O.
import { InputError } from '../errors.js';

/** The public first-party client id the PowerShell original uses for device code. */
export const DEFAULT_INTERACTIVE_CLIENT_ID = '1950a258-227b-4e31-a9cf-717495945fc2';
export const HR_RESOURCE = 'http://hr.talent.dynamics.com';

/** The v1 resource for an environment URL: the URL without a trailing slash; HR hosts use the HR resource. */
export function odataResource(url: unknown): string {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new InputError('url is required: the environment URL, e.g. https://contoso.operations.dynamics.com.');
  }
  const trimmed = url.trim().replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new InputError('url must be an absolute URL such as https://contoso.operations.dynamics.com.');
  }
  if (parsed.hostname.toLowerCase().endsWith('.hr.talent.dynamics.com')) return HR_RESOURCE;
  if (parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw new InputError('url must not contain credentials, a query or a fragment.');
  }
  return trimmed;
}
