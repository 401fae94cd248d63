// The v1 resource of an F&O / HR environment URL, and the OData constants. Pure: no I/O.
import { checkHttpsUrl } from '../aad/input.js';

/** The public first-party client id the PowerShell original uses for interactive sign-in. */
export const DEFAULT_INTERACTIVE_CLIENT_ID = '1950a258-227b-4e31-a9cf-717495945fc2';
export const HR_RESOURCE = 'http://hr.talent.dynamics.com';

/**
 * The v1 resource for an environment URL: the https URL without a trailing slash; Talent / HR (the
 * plain-http identifier itself, or an instance under *.hr.talent.dynamics.com) uses the HR resource.
 */
export function odataResource(url: unknown, option = 'url'): string {
  if (typeof url === 'string') {
    const text = url.trim().replace(/\/+$/, '').toLowerCase();
    if (text === HR_RESOURCE) return HR_RESOURCE;
    try {
      if (new URL(text).hostname.endsWith('.hr.talent.dynamics.com')) return HR_RESOURCE;
    } catch {
      // checked below
    }
  }
  return checkHttpsUrl(url, option, { example: 'https://contoso.operations.dynamics.com' });
}
