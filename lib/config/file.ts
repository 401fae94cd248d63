// The config file as a whole: read (permissions checked, a symlink followed) and the cross-process
// read-modify-write under its lock. The sections' rules live in store.ts, lcs.ts and odata.ts.
import { checkPermissions, ensureDir, readTextFile, removeOrphanTemps, targetOf, writeFileAtomic } from './atomic.js';
import { withFileLock, type LockOptions } from './lock.js';
import { checkConfigToWrite, emptyConfig, parseConfigText, serializeConfig, type ConfigFile } from './schema.js';

export interface ConfigFileHandle {
  /** The absolute path given (a symlink is followed for reading and writing). */
  readonly path: string;
  /** The file as it is now; a missing or blank file is an empty config. */
  read(): Promise<ConfigFile>;
  /**
   * Takes the lock (which proves the folder writable), re-reads the file, calls `fn` with a mutable
   * copy, and writes it atomically if `fn` changed it. A corrupt file makes it throw before `fn`
   * runs, so it is never overwritten.
   */
  update<T>(fn: (draft: ConfigFile) => T | Promise<T>, lock?: Partial<LockOptions>): Promise<T>;
}

export function openConfigFile(file: string, options: { lock?: Partial<LockOptions> | undefined; onWarning: (message: string) => void }): ConfigFileHandle {
  async function read(): Promise<ConfigFile> {
    const target = await targetOf(file);
    await checkPermissions(target, options.onWarning);
    const text = await readTextFile(target);
    return text === undefined ? emptyConfig() : parseConfigText(text, file);
  }

  async function update<T>(fn: (draft: ConfigFile) => T | Promise<T>, lock: Partial<LockOptions> = {}): Promise<T> {
    const target = await targetOf(file);
    await ensureDir(target);
    return withFileLock(
      `${target}.lock`,
      async () => {
        const current = await read();
        const before = serializeConfig(current);
        const draft = structuredClone(current);
        const result = await fn(draft);
        const after = serializeConfig(checkConfigToWrite(draft, file));
        if (after !== before) {
          await removeOrphanTemps(target);
          await writeFileAtomic(target, after);
        }
        return result;
      },
      { ...options.lock, ...lock },
    );
  }

  return { path: file, read, update };
}
