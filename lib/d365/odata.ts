// OData / custom-service tokens for an F&O (or HR) environment: client credentials and device
// code, with the URL turned into the v1 resource. Saved named configs are read by the caller.
import { InputError } from '../errors.js';
import { clientCredentialsGrant } from '../grants/client-credentials.js';
import { requestDeviceCode, type DeviceCode } from '../grants/device-code.js';
import { pollDeviceCode, type PendingInfo } from '../device-flow.js';
import type { CommonOptions } from '../http/types.js';
import type { AadToken } from '../token.js';
import { openConfigStore, type ConfigStore, type ODataConfig } from '../config/index.js';

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

interface ODataDefaults {
  /** Missing values come from the active OData config of this store (default: the default config file). */
  store?: ConfigStore | undefined;
}

/** The active OData config when any of `needed` is missing from the options. */
async function activeDefaults(options: ODataDefaults & Record<string, unknown>, needed: readonly string[]): Promise<Partial<ODataConfig>> {
  if (needed.every((key) => options[key] !== undefined)) return {};
  return (await (options.store ?? openConfigStore()).odata.getActive()) ?? {};
}

export interface GetODataTokenOptions extends CommonOptions, ODataDefaults {
  tenant?: string | undefined;
  url?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
}

/** An app-only token for an environment (client credentials); defaults from the active OData config. */
export async function getODataToken(options: GetODataTokenOptions): Promise<AadToken> {
  const saved = await activeDefaults(options as GetODataTokenOptions & Record<string, unknown>, ['tenant', 'url', 'clientId', 'clientSecret']);
  const url = options.url ?? saved.url;
  return clientCredentialsGrant({
    ...options,
    tenant: options.tenant ?? saved.tenant,
    clientId: (options.clientId ?? saved.clientId)!,
    clientSecret: (options.clientSecret ?? saved.clientSecret)!,
    resource: odataResource(url),
  });
}

export interface GetODataTokenInteractiveOptions extends CommonOptions, ODataDefaults {
  tenant?: string | undefined;
  url?: string | undefined;
  /** Default 300 s. */
  timeoutSeconds?: number | undefined;
  /** Default: the public first-party client id (some resources need your own app: AADSTS65002). */
  clientId?: string | undefined;
  /** Called once with the code to show the person. */
  onDeviceCode?: ((code: DeviceCode) => void | Promise<void>) | undefined;
  onPending?: ((info: PendingInfo) => void) | undefined;
}

/** A delegated token for a person at a terminal (device code); defaults from the active OData config. */
export async function getODataTokenInteractive(options: GetODataTokenInteractiveOptions): Promise<AadToken> {
  const saved = await activeDefaults(options as GetODataTokenInteractiveOptions & Record<string, unknown>, ['tenant', 'url']);
  const resource = odataResource(options.url ?? saved.url);
  const clientId = options.clientId ?? saved.clientId ?? DEFAULT_INTERACTIVE_CLIENT_ID;
  const tenant = options.tenant ?? saved.tenant;
  const code = await requestDeviceCode({ ...options, tenant, clientId, resource });
  await options.onDeviceCode?.(code);
  return pollDeviceCode(code, { ...options, tenant, clientId, resource, timeoutSeconds: options.timeoutSeconds ?? 300 });
}
