// The OData section's rules as pure functions: checking a config, case-insensitive names, the
// objects callers get (secrets hidden) and the listing view. No I/O.
import { checkAuthorityHost, checkClientId, checkSecret, checkTenant } from '../aad/input.js';
import { odataResource } from '../d365/resource.js';
import { InputError } from '../errors.js';
import { secretKind } from '../secret-object.js';
import type { ODataConfigOutput } from './schema.js';

/** What `odata.add()` takes (PowerShell `Add-D365ODataConfig`). */
export interface ODataConfigInput {
  tenant: string;
  url: string;
  /** Defaults to `url`. */
  systemUrl?: string | undefined;
  clientId?: string | undefined;
  /** Saved in the config file (0600); prefer a certificate. */
  clientSecret?: string | undefined;
  /** The client id is a public client ("Allow public client flows"): only then is it used for interactive sign-in. */
  publicClient?: boolean | undefined;
  /** The authority of the environment's tenant (national clouds); default public. */
  authorityHost?: string | undefined;
  /** A client certificate as file paths (the key material is read when used, never saved). */
  certificateFile?: string | undefined;
  /** The private key's PEM file, when it is not in `certificateFile`. */
  keyFile?: string | undefined;
  /** Send the certificate chain (x5c) in assertions. */
  x5c?: boolean | undefined;
  /** PS256 + x5t#S256 assertions instead of RS256 + x5t. */
  sha256?: boolean | undefined;
}

/** A saved OData config with its name; `clientSecret` is readable but never printed. */
export interface ODataConfig extends ODataConfigInput {
  name: string;
  systemUrl: string;
}

/** A saved OData config without its secret, for listings. */
export interface ODataConfigSummary {
  name: string;
  tenant: string;
  url: string;
  systemUrl: string;
  clientId?: string | undefined;
  publicClient: boolean;
  authorityHost?: string | undefined;
  hasClientSecret: boolean;
  certificateFile?: string | undefined;
  keyFile?: string | undefined;
  /** A signed-in user's session (or a cached app token) is saved for it. */
  hasSession: boolean;
  active: boolean;
  /** Kept in this process only (added with `temporary: true`). */
  temporary: boolean;
}

const configKind = secretKind<ODataConfig>('ODataConfig', ['clientSecret']);

function checkPath(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.includes('\u0000')) throw new InputError(`${option} must be a file path.`, 'ERR_INVALID_INPUT', option);
  return value.trim();
}

function checkFlag(value: unknown, option: string): boolean {
  if (typeof value !== 'boolean') throw new InputError(`${option} must be true or false.`, 'ERR_INVALID_INPUT', option);
  return value;
}

/** Validates and normalises a config to save (URLs lose trailing slashes, systemUrl defaults to url). */
export function checkODataConfig(name: string, cfg: ODataConfigInput): ODataConfigOutput {
  try {
    return checkFields(name, cfg);
  } catch (error) {
    // the message says which config it is about
    if (error instanceof InputError) throw new InputError(`OData config "${name}": ${error.message}`, error.code, error.option);
    throw error;
  }
}

function checkFields(name: string, cfg: ODataConfigInput): ODataConfigOutput {
  if (typeof cfg !== 'object' || cfg === null) throw new InputError(`OData config "${name}" needs an object with tenant and url.`);
  const url = odataResource(cfg.url, 'url');
  const out: ODataConfigOutput = {
    tenant: checkTenant(cfg.tenant),
    url,
    systemUrl: cfg.systemUrl === undefined ? url : odataResource(cfg.systemUrl, 'systemUrl'),
  };
  if (cfg.clientId !== undefined) out.clientId = checkClientId(cfg.clientId);
  if (cfg.clientSecret !== undefined && cfg.certificateFile !== undefined) {
    throw new InputError('Give clientSecret or certificateFile, not both.', 'ERR_INVALID_INPUT', 'clientSecret');
  }
  if (cfg.clientSecret !== undefined) out.clientSecret = checkSecret(cfg.clientSecret, 'clientSecret');
  if (cfg.publicClient !== undefined) out.publicClient = checkFlag(cfg.publicClient, 'publicClient');
  if (cfg.authorityHost !== undefined) out.authorityHost = checkAuthorityHost(cfg.authorityHost);
  if (cfg.certificateFile !== undefined) out.certificateFile = checkPath(cfg.certificateFile, 'certificateFile');
  if (cfg.keyFile !== undefined) {
    if (cfg.certificateFile === undefined) throw new InputError('keyFile needs certificateFile.', 'ERR_INVALID_INPUT', 'keyFile');
    out.keyFile = checkPath(cfg.keyFile, 'keyFile');
  }
  if (cfg.x5c !== undefined) out.x5c = checkFlag(cfg.x5c, 'x5c');
  if (cfg.sha256 !== undefined) out.sha256 = checkFlag(cfg.sha256, 'sha256');
  if ((out.clientSecret !== undefined || out.certificateFile !== undefined) && out.clientId === undefined) {
    throw new InputError('clientId is required with a client secret or certificate.', 'ERR_INVALID_INPUT', 'clientId');
  }
  if (out.publicClient && (out.clientSecret !== undefined || out.certificateFile !== undefined)) {
    throw new InputError('A public client has no client secret or certificate: drop publicClient, or the credential.', 'ERR_INVALID_INPUT', 'publicClient');
  }
  return out;
}

/** An OData config name: non-empty, no `*`, no control characters. Returned trimmed. */
export function checkConfigName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InputError('An OData config name must not be empty.', 'ERR_INVALID_INPUT', 'name');
  const name = value.trim();
  if (name.includes('*')) throw new InputError(`The OData config name "${name}" must not contain "*".`, 'ERR_INVALID_INPUT', 'name');
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new InputError('An OData config name must not contain control characters.', 'ERR_INVALID_INPUT', 'name');
  return name;
}

/** The stored key matching `name` case-insensitively, or `undefined`. */
export function findName(configs: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const wanted = name.trim().toLowerCase();
  return Object.keys(configs).find((key) => key.toLowerCase() === wanted);
}

export function sameName(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

export function unknownNameError(name: string, known: readonly string[]): InputError {
  return new InputError(
    known.length === 0 ? `No OData config named "${name}": none is saved. Add one first.` : `No OData config named "${name}". Known configs: ${known.join(', ')}.`,
    'ERR_INVALID_INPUT',
    'name',
  );
}

export function existsError(name: string): InputError {
  return new InputError(`An OData config named "${name}" already exists; pass force to overwrite it.`, 'ERR_INVALID_INPUT', 'force');
}

/** The config as callers get it: settings as properties, the secret readable but never printed. */
export function fullConfig(name: string, cfg: ODataConfigOutput): ODataConfig {
  const { clientSecret, session: _session, ...rest } = cfg;
  return configKind.create({ ...rest, name, systemUrl: cfg.systemUrl ?? cfg.url }, { clientSecret });
}

export function summaryOf(name: string, cfg: ODataConfigOutput, active: boolean, temporary: boolean): ODataConfigSummary {
  const out: ODataConfigSummary = {
    name,
    tenant: cfg.tenant,
    url: cfg.url,
    systemUrl: cfg.systemUrl ?? cfg.url,
    publicClient: cfg.publicClient === true,
    hasClientSecret: typeof cfg.clientSecret === 'string' && cfg.clientSecret !== '',
    hasSession: cfg.session?.accessToken !== undefined || cfg.session?.refreshToken !== undefined,
    active,
    temporary,
  };
  if (cfg.clientId !== undefined) out.clientId = cfg.clientId;
  if (cfg.authorityHost !== undefined) out.authorityHost = cfg.authorityHost;
  if (cfg.certificateFile !== undefined) out.certificateFile = cfg.certificateFile;
  if (cfg.keyFile !== undefined) out.keyFile = cfg.keyFile;
  return out;
}
