// The OData section's rules as pure functions: checking a config, case-insensitive lookup, the listing view; no I/O.
import { InputError } from '../errors.js';
import type { ODataConfigOutput } from './schema.js';
import { checkGuid, checkSecret, checkTenant, checkUrl } from './validate.js';

/** What `odata.add()` takes (PowerShell `Add-D365ODataConfig`). */
export interface ODataConfigInput {
  tenant: string;
  url: string;
  /** Defaults to `url`. */
  systemUrl?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
}

/** A saved OData config with its name, secret included (for the library's use). */
export interface ODataConfig {
  name: string;
  tenant: string;
  url: string;
  systemUrl: string;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
}

/** A saved OData config without its secret, for listings. */
export interface ODataConfigSummary {
  name: string;
  tenant: string;
  url: string;
  systemUrl: string;
  clientId?: string | undefined;
  hasClientSecret: boolean;
  active: boolean;
  /** Kept in this process only (added with `temporary: true`). */
  temporary: boolean;
}

/** Validates and normalises a config to save (URLs lose trailing slashes, systemUrl defaults to url). */
export function checkODataConfig(name: string, cfg: ODataConfigInput): ODataConfigOutput {
  if (typeof cfg !== 'object' || cfg === null) throw new InputError(`OData config "${name}" needs an object with tenant and url.`);
  const label = (field: string) => `OData config "${name}": ${field}`;
  // Talent / HR: the token resource is the plain-http identifier, never contacted (d365fo.integrations' -Url)
  const hr = typeof cfg.url === 'string' && cfg.url.trim().replace(/\/+$/, '').toLowerCase() === 'http://hr.talent.dynamics.com';
  const url = hr ? 'http://hr.talent.dynamics.com' : checkUrl(cfg.url, label('url'));
  const out: ODataConfigOutput = {
    tenant: checkTenant(cfg.tenant, label('tenant')),
    url,
    systemUrl: cfg.systemUrl === undefined ? url : checkUrl(cfg.systemUrl, label('systemUrl')),
  };
  if (cfg.clientId !== undefined) out.clientId = checkGuid(cfg.clientId, label('clientId'));
  if (cfg.clientSecret !== undefined) out.clientSecret = checkSecret(cfg.clientSecret, label('clientSecret'));
  return out;
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
    known.length === 0
      ? `No OData config named "${name}": none is saved. Add one first.`
      : `No OData config named "${name}". Known configs: ${known.join(', ')}.`,
  );
}

export function existsError(name: string): InputError {
  return new InputError(`An OData config named "${name}" already exists; pass force to overwrite it.`);
}

export function fullConfig(name: string, cfg: ODataConfigOutput): ODataConfig {
  const out: ODataConfig = { name, tenant: cfg.tenant, url: cfg.url, systemUrl: cfg.systemUrl ?? cfg.url };
  if (cfg.clientId !== undefined) out.clientId = cfg.clientId;
  if (cfg.clientSecret !== undefined) out.clientSecret = cfg.clientSecret;
  return out;
}

export function summaryOf(name: string, cfg: ODataConfigOutput, active: boolean, temporary: boolean): ODataConfigSummary {
  const out: ODataConfigSummary = {
    name,
    tenant: cfg.tenant,
    url: cfg.url,
    systemUrl: cfg.systemUrl ?? cfg.url,
    hasClientSecret: typeof cfg.clientSecret === 'string' && cfg.clientSecret !== '',
    active,
    temporary,
  };
  if (cfg.clientId !== undefined) out.clientId = cfg.clientId;
  return out;
}
