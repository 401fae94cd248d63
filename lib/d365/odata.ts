// OData / custom-service tokens for an F&O (or HR) environment: client credentials (secret or
// certificate) and interactive sign-in (device code or browser), with the URL turned into the v1
// resource and missing values from the active OData config. Nothing is saved here.
import type { ClientAuthOptions } from '../aad/client-auth.js';
import { openConfigStore, type ConfigStore } from '../config/store.js';
import type { ODataConfig } from '../config/odata.js';
import { clientCredentialsGrant } from '../grants/client-credentials.js';
import type { CommonOptions } from '../http/types.js';
import type { AadToken } from '../token.js';
import { certificateOf } from './certificate-files.js';
import { DEFAULT_INTERACTIVE_CLIENT_ID, odataResource } from './resource.js';
import { signInInteractively, type InteractiveOptions } from './interactive.js';

interface ODataDefaults {
  /** Missing values come from the active OData config of this store (default: the default config file). */
  store?: ConfigStore | undefined;
}

/** The active OData config when any of `needed` is missing from the options. */
async function activeDefaults(options: ODataDefaults & Record<string, unknown>, needed: readonly string[]): Promise<Partial<ODataConfig>> {
  if (needed.every((key) => options[key] !== undefined)) return {};
  return (await (options.store ?? openConfigStore()).odata.getActive()) ?? {};
}

export interface GetODataTokenOptions extends CommonOptions, ClientAuthOptions, ODataDefaults {
  tenant?: string | undefined;
  url?: string | undefined;
  clientId?: string | undefined;
  /** Passphrase of a saved config's encrypted key file. */
  keyPassphrase?: string | undefined;
}

/** An app-only token for an environment (client credentials); defaults from the active OData config. */
export async function getODataToken(options: GetODataTokenOptions = {}): Promise<AadToken> {
  const given = options.clientSecret !== undefined || options.clientCertificate !== undefined;
  const saved = await activeDefaults({ ...options, credential: given ? true : undefined }, ['tenant', 'url', 'clientId', 'credential']);
  // a saved credential is sent only for the client it was saved with
  const savedCredential = !given && (options.clientId === undefined || options.clientId.toLowerCase() === saved.clientId?.toLowerCase());
  const fromSaved = savedCredential && saved.certificateFile !== undefined ? await certificateOf(saved, options.keyPassphrase) : undefined;
  return clientCredentialsGrant({
    ...options,
    tenant: options.tenant ?? saved.tenant,
    authorityHost: options.authorityHost ?? saved.authorityHost,
    clientId: (options.clientId ?? saved.clientId)!,
    clientSecret: given ? options.clientSecret : savedCredential ? saved.clientSecret : undefined,
    clientCertificate: given ? options.clientCertificate : fromSaved,
    resource: odataResource(options.url ?? saved.url),
  });
}

export interface GetODataTokenInteractiveOptions extends CommonOptions, ODataDefaults, InteractiveOptions {
  tenant?: string | undefined;
  url?: string | undefined;
  /**
   * A public client id. Default: the saved config's client id if that config says it is a public
   * client, else the first-party public client (some resources need your own app: AADSTS65002).
   */
  clientId?: string | undefined;
  /** Default `device-code` (as the PowerShell original); `browser` for MFA and Conditional Access. */
  method?: 'device-code' | 'browser' | undefined;
}

/** The client id an interactive sign-in uses: the caller's, a saved public client's, else the first-party one. */
export function interactiveClientId(clientId: string | undefined, saved: Partial<ODataConfig>): string {
  return clientId ?? (saved.publicClient === true ? saved.clientId : undefined) ?? DEFAULT_INTERACTIVE_CLIENT_ID;
}

/** A delegated token for a person (device code or browser); defaults from the active OData config. */
export async function getODataTokenInteractive(options: GetODataTokenInteractiveOptions = {}): Promise<AadToken> {
  const saved = await activeDefaults(options as GetODataTokenInteractiveOptions & Record<string, unknown>, ['tenant', 'url']);
  return signInInteractively(options.method ?? 'device-code', {
    ...options,
    tenant: options.tenant ?? saved.tenant,
    authorityHost: options.authorityHost ?? saved.authorityHost,
    clientId: interactiveClientId(options.clientId, saved),
    resource: odataResource(options.url ?? saved.url),
  });
}
