// openConfigStore(): a store handle that loads the implementation (store.ts, and through it the file
// format and I/O) on its first call, so opening a store costs nothing. Forwarding only. node:path is
// taken when called, not imported (see paths.ts).
import { defaultConfigPath } from './paths.js';
import type { ConfigStore, ConfigStoreOptions } from './store.js';

/** Opens the config store at `path` (default: `defaultConfigPath()`). Nothing is read or loaded until asked. */
export function openConfigStore(options: ConfigStoreOptions = {}): ConfigStore {
  const file = process.getBuiltinModule('node:path').resolve(options.path ?? defaultConfigPath());
  let created: Promise<ConfigStore> | undefined;
  const store = (): Promise<ConfigStore> => (created ??= import('./store.js').then((m) => m.createConfigStore(file, options.lock)));
  return {
    path: file,
    read: async () => (await store()).read(),
    update: async (fn) => (await store()).update(fn),
    withLock: async (fn) => (await store()).withLock(fn),
    show: async () => (await store()).show(),
    lcs: {
      get: async () => (await store()).lcs.get(),
      getToken: async () => (await store()).lcs.getToken(),
      set: async (partial, setOptions) => (await store()).lcs.set(partial, setOptions),
    },
    odata: {
      add: async (name, cfg, addOptions) => (await store()).odata.add(name, cfg, addOptions),
      list: async () => (await store()).odata.list(),
      get: async (name) => (await store()).odata.get(name),
      getActive: async () => (await store()).odata.getActive(),
      setActive: async (name, setOptions) => (await store()).odata.setActive(name, setOptions),
      remove: async (name) => (await store()).odata.remove(name),
    },
  };
}
