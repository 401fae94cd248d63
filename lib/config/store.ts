// The config store's implementation (loaded by open.ts on first use): reads, locked read-modify-write, the LCS and OData sections, in-process overlays; formats live elsewhere.
import { InputError } from '../errors.js';
import { redactJsonBody } from '../redact.js';
import type { AadToken } from '../token.js';
import type { LcsConfig, LcsSettings } from './lcs.js';
import { applyLcsChanges, lcsChangesOf, lcsTokenOf } from './lcs.js';
import type { LockOptions } from './lock.js';
import { loadFiles, loadFormat, loadLock } from './modules.js';
import type { ODataConfig, ODataConfigInput, ODataConfigSummary } from './odata.js';
import { checkODataConfig, existsError, findName, fullConfig, sameName, summaryOf, unknownNameError } from './odata.js';
import { lockPathOf } from './paths.js';
import type { ConfigFile, ODataConfigOutput } from './schema.js';
import { checkConfigName } from './validate.js';

export interface ConfigStoreOptions {
  /** The config file; default `defaultConfigPath()`. A relative path is resolved against the cwd. */
  path?: string | undefined;
  /** Lock tuning (timeout, staleness); the defaults suit real use. */
  lock?: Partial<LockOptions> | undefined;
}

export interface SetOptions {
  /** Keep the values in this store object only (overlaid on reads), never written. */
  temporary?: boolean | undefined;
}

export interface LcsStore {
  /** The saved LCS config, with this process's temporary values overlaid. Secrets included. */
  get(): Promise<LcsConfig>;
  /** The saved session rebuilt as an `AadToken`, or `undefined` when no bearer token is saved. */
  getToken(): Promise<AadToken | undefined>;
  /**
   * Saves plain keys, or an `AadToken` (bearer token = its bare access token, its refresh token
   * unless it carries none, expiries, resource). Resolves to the LCS config as now seen.
   */
  set(partial: LcsSettings | AadToken, options?: SetOptions): Promise<LcsConfig>;
}

export interface ODataStore {
  /** Adds a named config; an existing name (any case) is refused unless `force`. */
  add(name: string, cfg: ODataConfigInput, options?: SetOptions & { force?: boolean | undefined }): Promise<void>;
  /** Every config without its secret (`hasClientSecret` says whether one is saved). */
  list(): Promise<ODataConfigSummary[]>;
  /** One config by name (any case), secret included; `undefined` when unknown. */
  get(name: string): Promise<ODataConfig | undefined>;
  /** The active config, secret included; `undefined` when none is active. */
  getActive(): Promise<ODataConfig | undefined>;
  /** Makes a config the active one; an unknown name is an InputError listing the known ones. */
  setActive(name: string, options?: SetOptions): Promise<void>;
  /** Removes a config (saved or temporary); removing the active one leaves none active. */
  remove(name: string): Promise<void>;
}

export interface ConfigStore {
  /** The absolute path of the config file. */
  readonly path: string;
  /** The file as it is now (a missing file is an empty config); no temporary values. */
  read(): Promise<ConfigFile>;
  /**
   * The cross-process read-modify-write: takes the lock, re-reads the file, calls `fn` with a
   * mutable copy (the draft), and if `fn` changed the draft, validates it and writes it atomically;
   * then releases the lock. Resolves to whatever `fn` returned. A corrupt file makes it throw
   * before `fn` runs, so it is never overwritten.
   */
  update<T>(fn: (draft: ConfigFile) => T | Promise<T>): Promise<T>;
  /** Runs `fn` holding the file's lock, without reading anything. */
  withLock<T>(fn: () => T | Promise<T>): Promise<T>;
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

/** The store over `file` (an absolute path); `openConfigStore()` (open.ts) is the public way in. */
export function createConfigStore(file: string, lockOptions: Partial<LockOptions> = {}): ConfigStore {
  const lockPath = lockPathOf(file);
  const overlay: Overlay = { lcs: new Map(), odataConfigs: new Map(), odataActive: undefined };

  async function read(): Promise<ConfigFile> {
    const [{ readTextFile }, { emptyConfig, parseConfigText }] = await Promise.all([loadFiles(), loadFormat()]);
    const text = await readTextFile(file);
    return text === undefined ? emptyConfig() : parseConfigText(text, file);
  }

  async function withLock<T>(fn: () => T | Promise<T>): Promise<T> {
    const [{ ensureDir }, { withFileLock }] = await Promise.all([loadFiles(), loadLock()]);
    await ensureDir(file);
    return withFileLock(lockPath, fn, lockOptions);
  }

  function update<T>(fn: (draft: ConfigFile) => T | Promise<T>): Promise<T> {
    return withLock(async () => {
      const [{ removeOrphanTemps, writeFileAtomic }, { checkConfigToWrite, serializeConfig }] = await Promise.all([loadFiles(), loadFormat()]);
      const current = await read();
      const before = serializeConfig(current);
      const draft = structuredClone(current);
      const result = await fn(draft);
      const after = serializeConfig(checkConfigToWrite(draft, file));
      if (after !== before) {
        await removeOrphanTemps(file);
        await writeFileAtomic(file, after);
      }
      return result;
    });
  }

  function lcsView(config: ConfigFile): LcsConfig {
    const out: Record<string, unknown> = { ...config.lcs };
    for (const [key, value] of overlay.lcs) {
      if (value === undefined) delete out[key];
      else out[key] = value;
    }
    return out as LcsConfig;
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

  function lookup(configs: Map<string, ODataConfigOutput>, name: string): string | undefined {
    return findName(Object.fromEntries(configs), name);
  }

  const lcs: LcsStore = {
    async get() {
      return lcsView(await read());
    },
    async getToken() {
      return lcsTokenOf(lcsView(await read()));
    },
    async set(partial, options = {}) {
      const changes = lcsChangesOf(partial);
      if (options.temporary) {
        for (const [key, value] of Object.entries(changes)) overlay.lcs.set(key, value);
        return lcsView(await read());
      }
      const saved = await update((draft) => {
        applyLcsChanges(draft.lcs, changes);
        return draft;
      });
      // the newest value wins: a saved value replaces a temporary one
      for (const key of Object.keys(changes)) overlay.lcs.delete(key);
      return lcsView(saved);
    },
  };

  const odata: ODataStore = {
    async add(rawName, cfg, options = {}) {
      const name = checkConfigName(rawName);
      const entry = checkODataConfig(name, cfg);
      if (options.temporary) {
        const view = odataView(await read());
        const existing = lookup(view.configs, name);
        if (existing !== undefined && !options.force) throw existsError(existing);
        for (const key of [...overlay.odataConfigs.keys()]) if (sameName(key, name)) overlay.odataConfigs.delete(key);
        overlay.odataConfigs.set(name, entry);
        if (sameName(overlay.odataActive, name)) overlay.odataActive = name;
        return;
      }
      const temporaryName = lookup(overlay.odataConfigs, name);
      await update((draft) => {
        const configs = draft.odata.configs;
        const existing = findName(configs, name) ?? temporaryName;
        if (existing !== undefined && !options.force) throw existsError(existing);
        for (const key of Object.keys(configs)) if (sameName(key, name)) delete configs[key];
        configs[name] = entry;
        if (sameName(draft.odata.active, name)) draft.odata.active = name;
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

    async setActive(rawName, options = {}) {
      const name = checkConfigName(rawName);
      if (options.temporary) {
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
            throw new InputError(
              `The OData config "${temporaryName}" exists in this process only; make it active with temporary: true, or add it without temporary first.`,
            );
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
  };

  return {
    path: file,
    read,
    update,
    withLock,
    async show() {
      return JSON.parse(redactJsonBody(JSON.stringify(await read()))) as Record<string, unknown>;
    },
    lcs,
    odata,
  };
}
