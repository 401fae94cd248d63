// OData / custom-service tokens for an F&O (or HR) environment: client credentials and device
// code, with the URL turned into the v1 resource. Saved named configs are read by the caller.
import { clientCredentialsGrant } from '../grants/client-credentials.js';
import { requestDeviceCode, type DeviceCode } from '../grants/device-code.js';
import { pollDeviceCode, type PendingInfo } from '../device-flow.js';
import type { CommonOptions } from '../http/types.js';
import type { AadToken } from '../token.js';
import { openConfigStore } from '../config/open.js';
import type { ConfigStore } from '../config/store.js';
import type { ODataConfig } from '../config/odata.js';
import { DEFAULT_INTERACTIVE_CLIENT_ID, odataResource } from './resource.js';

export { DEFAULT_INTERACTIVE_CLIENT_ID, HR_RESOURCE, odataResource } from './resource.js';

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
