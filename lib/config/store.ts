// The config file store: cross-process read-modify-write under the file lock, the LCS and OData
// sections, in-process temporary values, and the SessionStore the token provider uses. Formats,
// file I/O and the lock live in schema.ts, atomic.ts and lock.ts.
import path from 'node:path';
import { InputError } from '../errors.js';
import type { LcsHostOptions } from '../d365/hosts.js';
import { redactJsonBody } from '../redact.js';
import { lcsConfigObject, lcsSectionWithSession, plainSession, sessionFromLcsSection, sessionRecord, sessionWithoutTokens, tokenOfSession } from '../session/records.js';
import type { SessionChange, SessionId, SessionRecord, SessionStore, SessionUpdateOptions } from '../session/types.js';
import type { AadToken } from '../token.js';
import { openConfigFile } from './file.js';
import { lcsChangesOf, type LcsConfig, type LcsSettings } from './lcs.js';
import type { LockOptions } from './lock.js';
import { checkConfigName, checkODataConfig, existsError, findName, fullConfig, sameName, summaryOf, unknownNameError } from './odata.js';
import type { ODataConfig, ODataConfigInput, ODataConfigSummary } from './odata.js';
import { defaultConfigPath } from './paths.js';
import type { ConfigFile, ODataConfigOutput } from './schema.js';

export interface ConfigStoreOptions {
  /** The config file; default `defaultConfigPath()`. A relative path is resolved against the cwd. */
  path?: string | undefined;
  /** Lock tuning; the defaults suit real use. */
  lock?: Partial<Pick<LockOptions, 'waitMs' | 'staleMs' | 'heartbeatMs'>> | undefined;
  /** Receives warnings (a too-open file fixed, an unknown LCS host); default process.emitWarning. */
  onWarning?: ((message: string) => void) | undefined;
}

export interface SetOptions {
  /** Keep the values in this store object only (overlaid on reads), never written. */
  temporary?: boolean | undefined;
}

export interface LcsStore {
  /** The saved LCS config, with this process's temporary values overlaid. Secrets readable, never printed. */
  get(): Promise<LcsConfig>;
  /**
   * Saves plain keys, or an `AadToken` (bearer token = its bare access token, its refresh token
   * unless it carries none, expiries, resource, the authority it came from). Resolves to the LCS config as now seen.
   */
  set(partial: LcsSettings | AadToken, options?: SetOptions & LcsHostOptions): Promise<LcsConfig>;
  /** The saved session's token rebuilt as an `AadToken`, or `undefined` when none is saved. */
  getToken(): Promise<AadToken | undefined>;
  /** Forgets the saved tokens (a logout); the settings (client id, LCS host, project) stay. */
  clearSession(): Promise<void>;
}

export interface ODataStore {
  /** Adds a named config; an existing name (any case) is refused unless `force`. */
  add(name: string, cfg: ODataConfigInput, options?: SetOptions & { force?: boolean | undefined }): Promise<void>;
  /** Every config without its secret. */
  list(): Promise<ODataConfigSummary[]>;
  /** One config by name (any case); `undefined` when unknown. */
  get(name: string): Promise<ODataConfig | undefined>;
  /** The active config; `undefined` when none is active. */
  getActive(): Promise<ODataConfig | undefined>;
  /** Makes a config the active one; an unknown name is an InputError listing the known ones. */
  setActive(name: string, options?: SetOptions): Promise<void>;
  /** Removes a config (saved or temporary); removing the active one leaves none active. */
  remove(name: string): Promise<void>;
  /**
   * Changes some settings of a saved config (its name keeps its case); `null` removes a setting.
   * A saved session stays unless the tenant, URL, client id or authority changed.
   */
  update(name: string, changes: { [K in keyof ODataConfigInput]?: ODataConfigInput[K] | null | undefined }): Promise<void>;
  /** Forgets the session saved for a config (a logout); the config stays. */
  clearSession(name: string): Promise<void>;
}

export interface ConfigStore extends SessionStore {
  /** The absolute path of the config file. */
  readonly path: string;
  /** The file's content with every secret (bearerToken, refreshToken, clientSecret, …) replaced by `[redacted]`. */
  show(): Promise<Record<string, unknown>>;
  readonly lcs: LcsStore;
  readonly odata: ODataStore;
}

interface Overlay {
  /** key → value; `undefined` masks the saved value. */
  lcs: Map<string, unknown>;
  odataConfigs: Map<string, ODataConfigOutput>;
  odataActive: string | undefined;
}

/** Opens the config store at `path` (default: `defaultConfigPath()`). Nothing is read until asked. */
export function openConfigStore(options: ConfigStoreOptions = {}): ConfigStore {
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, 'D365foAuthWarning'));
  const { path: file, read, update } = openConfigFile(path.resolve(options.path ?? defaultConfigPath()), { lock: options.lock, onWarning: warn });
  const overlay: Overlay = { lcs: new Map(), odataConfigs: new Map(), odataActive: undefined };

  function lcsView(config: ConfigFile): Record<string, unknown> {
    const out: Record<string, unknown> = { ...config.lcs };
    for (const [key, value] of overlay.lcs) {
      if (value === undefined) delete out[key];
      else out[key] = value;
    }
    return out;
  }

  /** Saved configs with temporary ones laid over them (a temporary name replaces any case variant). */
  function odataView(config: ConfigFile): { configs: Map<string, ODataConfigOutput>; temporary: Set<string>; active: string | undefined } {
    const configs = new Map(Object.entries(config.odata.configs));
    for (const [name, cfg] of overlay.odataConfigs) {
      for (const key of [...configs.keys()]) if (sameName(key, name)) configs.delete(key);
      configs.set(name, cfg);
    }
    const activeName = overlay.odataActive ?? config.odata.active;
    const active = activeName === undefined ? undefined : [...configs.keys()].find((key) => sameName(key, activeName));
    return { configs, temporary: new Set(overlay.odataConfigs.keys()), active };
  }

  const lookup = (configs: Map<string, ODataConfigOutput>, name: string) => findName(Object.fromEntries(configs), name);

  /** The saved config a session id names (`odata:<name>`), or an InputError. */
  function odataKey(config: ConfigFile, id: SessionId): string {
    const name = id.slice('odata:'.length);
    const key = findName(config.odata.configs, name);
    if (key === undefined) throw unknownNameError(name, Object.keys(config.odata.configs));
    return key;
  }

  function sessionOf(config: ConfigFile, id: SessionId): SessionRecord | undefined {
    if (id === 'lcs') {
      const record = sessionFromLcsSection(config.lcs);
      return Object.keys(record).length === 0 ? undefined : record;
    }
    const session = config.odata.configs[odataKey(config, id)]?.session;
    return session === undefined ? undefined : (session as SessionRecord);
  }

  function checkId(id: SessionId): void {
    if (id !== 'lcs' && !(typeof id === 'string' && id.startsWith('odata:') && id.length > 'odata:'.length)) {
      throw new InputError(`A session id is 'lcs' or 'odata:<config name>', not ${JSON.stringify(id)}.`, 'ERR_INVALID_INPUT', 'session');
    }
  }

  const lcs: LcsStore = {
    async get() {
      return lcsConfigObject(lcsView(await read())) as LcsConfig;
    },
    async set(partial, setOptions = {}) {
      const changes = lcsChangesOf(partial, { onWarning: warn, ...setOptions });
      if (setOptions.temporary) {
        const before = lcsView(await read());
        const after = changes.section(before);
        for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) if (before[key] !== after[key]) overlay.lcs.set(key, after[key]);
        return lcsConfigObject(lcsView(await read())) as LcsConfig;
      }
      const saved = await update((draft) => {
        const before = draft.lcs as Record<string, unknown>;
        draft.lcs = changes.section(before) as ConfigFile['lcs'];
        // the newest value wins: a saved value replaces a temporary one
        for (const key of new Set([...Object.keys(before), ...Object.keys(draft.lcs)])) {
          if (before[key] !== (draft.lcs as Record<string, unknown>)[key]) overlay.lcs.delete(key);
        }
        return draft;
      });
      return lcsConfigObject(lcsView(saved)) as LcsConfig;
    },
    async getToken() {
      return tokenOfSession(sessionFromLcsSection(lcsView(await read())));
    },
    async clearSession() {
      await update((draft) => {
        draft.lcs = lcsSectionWithSession(draft.lcs, sessionWithoutTokens(sessionFromLcsSection(draft.lcs))) as ConfigFile['lcs'];
      });
    },
  };

  const odata: ODataStore = {
    async add(rawName, cfg, addOptions = {}) {
      const name = checkConfigName(rawName);
      const entry = checkODataConfig(name, cfg);
      if (addOptions.temporary) {
        const view = odataView(await read());
        const existing = lookup(view.configs, name);
        if (existing !== undefined && !addOptions.force) throw existsError(existing);
        for (const key of [...overlay.odataConfigs.keys()]) if (sameName(key, name)) overlay.odataConfigs.delete(key);
        overlay.odataConfigs.set(name, entry);
        if (sameName(overlay.odataActive, name)) overlay.odataActive = name;
        return;
      }
      const temporaryName = lookup(overlay.odataConfigs, name);
      await update((draft) => {
        const configs = draft.odata.configs;
        const existing = findName(configs, name) ?? temporaryName;
        if (existing !== undefined && !addOptions.force) throw existsError(existing);
        for (const key of Object.keys(configs)) if (sameName(key, name)) delete configs[key];
        configs[name] = entry;
        if (sameName(draft.odata.active, name)) draft.odata.active = name;
        // the first config becomes the active one
        if (draft.odata.active === undefined) draft.odata.active = name;
      });
      if (temporaryName !== undefined) overlay.odataConfigs.delete(temporaryName);
      if (sameName(overlay.odataActive, name)) overlay.odataActive = name;
    },
    async list() {
      const view = odataView(await read());
      return [...view.configs].map(([name, cfg]) => summaryOf(name, cfg, name === view.active, view.temporary.has(name)));
    },
    async get(name) {
      const view = odataView(await read());
      const key = lookup(view.configs, String(name));
      const cfg = key === undefined ? undefined : view.configs.get(key);
      return key === undefined || cfg === undefined ? undefined : fullConfig(key, cfg);
    },
    async getActive() {
      const view = odataView(await read());
      const cfg = view.active === undefined ? undefined : view.configs.get(view.active);
      return view.active === undefined || cfg === undefined ? undefined : fullConfig(view.active, cfg);
    },
    async setActive(rawName, setOptions = {}) {
      const name = checkConfigName(rawName);
      if (setOptions.temporary) {
        const view = odataView(await read());
        const key = lookup(view.configs, name);
        if (key === undefined) throw unknownNameError(name, [...view.configs.keys()]);
        overlay.odataActive = key;
        return;
      }
      await update((draft) => {
        const key = findName(draft.odata.configs, name);
        if (key === undefined) {
          const temporaryName = lookup(overlay.odataConfigs, name);
          if (temporaryName !== undefined) {
            throw new InputError(`The OData config "${temporaryName}" exists in this process only; make it active with temporary: true, or add it without temporary first.`);
          }
          throw unknownNameError(name, [...odataView(draft).configs.keys()]);
        }
        draft.odata.active = key;
      });
      overlay.odataActive = undefined;
    },
    async remove(rawName) {
      const name = checkConfigName(rawName);
      const temporaryName = lookup(overlay.odataConfigs, name);
      if (temporaryName !== undefined) {
        overlay.odataConfigs.delete(temporaryName);
        if (sameName(overlay.odataActive, name)) overlay.odataActive = undefined;
      }
      await update((draft) => {
        const key = findName(draft.odata.configs, name);
        if (key === undefined) {
          if (temporaryName !== undefined) return;
          throw unknownNameError(name, [...odataView(draft).configs.keys()]);
        }
        delete draft.odata.configs[key];
        if (sameName(draft.odata.active, key)) delete draft.odata.active;
      });
      if (sameName(overlay.odataActive, name)) overlay.odataActive = undefined;
    },
    async update(rawName, changes) {
      const name = checkConfigName(rawName);
      await update((draft) => {
        const key = findName(draft.odata.configs, name);
        if (key === undefined) throw unknownNameError(name, Object.keys(draft.odata.configs));
        const { session, ...current } = draft.odata.configs[key]!;
        const merged: Record<string, unknown> = { ...current };
        // a system URL that only followed the URL keeps following it
        if (changes.url !== undefined && changes.systemUrl === undefined && current.systemUrl === current.url) delete merged['systemUrl'];
        for (const [field, value] of Object.entries(changes)) {
          if (value === null) delete merged[field];
          else if (value !== undefined) merged[field] = value;
        }
        const entry = checkODataConfig(key, merged as unknown as ODataConfigInput);
        const sameSignIn = (['tenant', 'url', 'clientId', 'authorityHost'] as const).every((field) => entry[field] === current[field]);
        if (session !== undefined && sameSignIn) entry.session = session;
        draft.odata.configs[key] = entry;
      });
    },
    async clearSession(rawName) {
      const name = checkConfigName(rawName);
      await update((draft) => {
        const key = findName(draft.odata.configs, name);
        if (key === undefined) throw unknownNameError(name, Object.keys(draft.odata.configs));
        delete draft.odata.configs[key]!.session;
      });
    },
  };

  return {
    path: file,
    location: file,
    async show() {
      return JSON.parse(redactJsonBody(JSON.stringify(await read()))) as Record<string, unknown>;
    },
    lcs,
    odata,
    async readSession(id) {
      checkId(id);
      const config = await read();
      const record = sessionOf(config, id);
      return record === undefined ? undefined : sessionRecord(record);
    },
    updateSession<T>(id: SessionId, fn: (current: SessionRecord | undefined) => Promise<SessionChange<T>>, updateOptions: SessionUpdateOptions = {}): Promise<T> {
      checkId(id);
      const lock: Partial<LockOptions> = { signal: updateOptions.signal };
      if (updateOptions.waitMs !== undefined) lock.waitMs = updateOptions.waitMs;
      return update(async (draft) => {
        if (id !== 'lcs') odataKey(draft, id); // an unknown config is refused before fn runs
        const current = sessionOf(draft, id);
        const change = await fn(current === undefined ? undefined : sessionRecord(current));
        if (change.session !== undefined) {
          if (id === 'lcs') {
            const next = change.session === null ? sessionWithoutTokens(sessionFromLcsSection(draft.lcs)) : plainSession(change.session);
            draft.lcs = lcsSectionWithSession(draft.lcs, next) as ConfigFile['lcs'];
          } else {
            const cfg = draft.odata.configs[odataKey(draft, id)]!;
            if (change.session === null) delete cfg.session;
            else {
              const { clientId, authorityHost, tenant, tokenType, accessToken, refreshToken, resource, scope, expiresIn, expiresOn, expiresAt, sentAt, notBefore, refreshRefused } = plainSession(change.session);
              cfg.session = dropUndefined({ clientId, authorityHost, tenant, tokenType, accessToken, refreshToken, resource, scope, expiresIn, expiresOn, expiresAt, sentAt, notBefore, refreshRefused });
            }
          }
        }
        return change.result;
      }, lock);
    },
  };
}

function dropUndefined<T extends Record<string, unknown>>(record: T): T {
  for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
  return record;
}
