// Reading the config file and replacing it atomically (temp file, fsync, rename); no locking, no parsing.
// node:fs, not node:fs/promises: the promise API is reached through `fs.promises` when a write
// needs it, so reading (all `lcs token` does) does not pay the millisecond that loading it costs
import * as fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** The file's text, or `undefined` when it does not exist. Other failures → ConfigError ERR_CONFIG_IO. */
export async function readTextFile(file: string): Promise<string | undefined> {
  try {
    return await new Promise<string>((resolve, reject) => fs.readFile(file, 'utf8', (error, text) => (error ? reject(error) : resolve(text))));
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw ioError(`Cannot read the config file ${file}`, file, error);
  }
}

/** Creates the file's folder (and missing parents) with mode 0700; an existing folder is left as it is. */
export async function ensureDir(file: string): Promise<void> {
  const dir = path.dirname(file);
  try {
    const created = await fs.promises.mkdir(dir, { recursive: true, mode: DIR_MODE });
    // mkdir's mode is filtered by the umask; set it exactly on the folders made here
    if (created !== undefined) await fs.promises.chmod(dir, DIR_MODE);
  } catch (error) {
    throw ioError(`Cannot create the config folder ${dir}`, file, error);
  }
}

/**
 * Replaces `file` with `text` so that a reader (or a crash) sees the old or the new content,
 * never a mix: a uniquely named temp file in the same folder (mode 0600), written and fsynced,
 * renamed over the target, then the folder fsynced (best effort). The caller holds the lock.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temp = tempPathOf(file);
  let renamed = false;
  try {
    const handle = await fs.promises.open(temp, 'wx', FILE_MODE);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.chmod(FILE_MODE);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(temp, file);
    renamed = true;
    await syncDir(path.dirname(file));
  } catch (error) {
    throw ioError(`Cannot write the config file ${file}`, file, error);
  } finally {
    if (!renamed) await fs.promises.unlink(temp).catch(() => undefined);
  }
}

const TEMP_SUFFIX = '.tmp';

/** `config.json.<pid>.<random>.tmp` beside the target. */
export function tempPathOf(file: string): string {
  // node:crypto is loaded only here, when a file is written (reads stay cheap)
  const { randomBytes } = process.getBuiltinModule('node:crypto');
  return `${file}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
}

/**
 * Removes temp files a killed writer left beside `file`. Only safe while holding the lock:
 * then no other writer can be between creating and renaming its temp file.
 */
export async function removeOrphanTemps(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  const pattern = /^\d+\.[0-9a-f]{12}\.tmp$/;
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(prefix) && pattern.test(name.slice(prefix.length))) {
      await fs.promises.unlink(path.join(dir, name)).catch(() => undefined);
    }
  }
}

async function renameWithRetry(from: string, to: string): Promise<void> {
  // Windows refuses to replace a file another process has open for a moment; retry briefly
  for (let attempt = 0; ; attempt += 1) {
    try {
      await fs.promises.rename(from, to);
      return;
    } catch (error) {
      const code = codeOf(error);
      if (process.platform !== 'win32' || attempt >= 10 || !(code === 'EPERM' || code === 'EACCES' || code === 'EBUSY')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  // makes the rename itself durable; not possible on every platform (Windows), hence best effort
  try {
    const handle = await fs.promises.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}

export function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** ConfigError ERR_CONFIG_IO: what failed, where, and the system error code (never file content). */
export function ioError(what: string, file: string, error: unknown): ConfigError {
  if (error instanceof ConfigError) return error;
  const code = codeOf(error);
  return new ConfigError(`${what}${code ? ` (${code})` : ''}.`, file, 'ERR_CONFIG_IO', { cause: error });
}
