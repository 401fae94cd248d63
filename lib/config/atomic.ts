// The config file on disk: reading it, replacing it atomically (temp file, fsync, rename; through a
// symlink to its target), and judging its permissions the way ssh does. No locking, no parsing.
import { chmod, mkdir, open, readFile, readdir, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ConfigError } from '../errors.js';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

export function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

const FIX_PATH = 'use another config file (--config-file / D365FO_AUTH_CONFIG)';

/** ConfigError ERR_CONFIG_IO: what failed, where, the system error code and what to do (never file content). */
export function ioError(what: string, file: string, error: unknown): ConfigError {
  if (error instanceof ConfigError) return error;
  const code = codeOf(error);
  const remedy =
    code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
      ? ` Make ${path.dirname(file)} and ${file} readable and writable for this user, or ${FIX_PATH}.`
      : code === 'ENOSPC'
        ? ' The disk is full.'
        : '';
  return new ConfigError(`${what}${code ? ` (${code})` : ''}.${remedy}`, file, 'ERR_CONFIG_IO', { cause: error });
}

/** The file a config path stands for: a symlink's target (so writes replace the target, not the link). */
export async function targetOf(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch (error) {
    if (codeOf(error) !== 'ENOENT') return file;
    // a dangling symlink: the file it will be
    const link = await readlink(file).catch(() => undefined);
    return link === undefined ? file : path.resolve(path.dirname(file), link);
  }
}

/** The file's text, or `undefined` when it does not exist. Other failures → ConfigError ERR_CONFIG_IO. */
export async function readTextFile(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw ioError(`Cannot read the config file ${file}`, file, error);
  }
}

/**
 * Checks the config file (a symlink's target) and its folder the way ssh does: both owned by this
 * user (or root), the folder not writable by others (unless sticky, like /tmp). This user's own
 * file open to others is made 0600 with a warning (it holds secrets), and so is the tool's own
 * `d365fo-auth` folder (0700); anything else insecure is refused. POSIX only.
 */
export async function checkPermissions(file: string, warn: (message: string) => void): Promise<void> {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  const dir = path.dirname(file);
  const folder = await stat(dir).catch(() => undefined);
  if (folder !== undefined) {
    if (folder.uid !== uid && folder.uid !== 0) {
      throw new ConfigError(`The config folder ${dir} belongs to another user (uid ${folder.uid}); refusing to trust it. Use a folder of your own, or ${FIX_PATH}.`, file);
    }
    if ((folder.mode & 0o022) !== 0 && (folder.mode & 0o1000) === 0) {
      throw new ConfigError(`The config folder ${dir} is writable by other users, who could replace the config; refusing to trust it. Run \`chmod go-w ${dir}\`, or ${FIX_PATH}.`, file);
    }
    if (folder.uid === uid && path.basename(dir) === 'd365fo-auth' && (folder.mode & 0o077) !== 0) {
      await chmod(dir, DIR_MODE).catch((error: unknown) => {
        throw ioError(`Cannot restrict the config folder ${dir} to its owner`, file, error);
      });
      warn(`The config folder ${dir} was open to other users (mode ${(folder.mode & 0o777).toString(8)}); it is now 700.`);
    }
  }
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) return;
  if (info.uid !== uid && info.uid !== 0) {
    throw new ConfigError(`The config file ${file} belongs to another user (uid ${info.uid}); refusing to read it. Use your own file, or ${FIX_PATH}.`, file);
  }
  if (info.uid !== uid && (info.mode & 0o022) !== 0) {
    throw new ConfigError(`The config file ${file} is writable by other users; refusing to read it. Use your own file, or ${FIX_PATH}.`, file);
  }
  if (info.uid === uid && (info.mode & 0o077) !== 0) {
    await chmod(file, FILE_MODE).catch((error: unknown) => {
      throw ioError(`Cannot restrict the config file ${file} to its owner`, file, error);
    });
    warn(`The config file ${file} was open to other users (mode ${(info.mode & 0o777).toString(8)}); it holds secrets and is now 600.`);
  }
}

/** Creates the file's folder (and missing parents) with mode 0700; an existing folder is left as it is. */
export async function ensureDir(file: string): Promise<void> {
  const dir = path.dirname(file);
  try {
    const created = await mkdir(dir, { recursive: true, mode: DIR_MODE });
    // mkdir's mode is filtered by the umask; set it exactly on the folder made here
    if (created !== undefined) await chmod(dir, DIR_MODE);
  } catch (error) {
    throw ioError(`Cannot create the config folder ${dir}`, file, error);
  }
}

/**
 * Replaces `file` with `text` so that a reader (or a crash) sees the old or the new content, never
 * a mix: a uniquely named temp file in the same folder (0600), written and fsynced, renamed over the
 * target, then the folder fsynced (best effort). The caller holds the lock and passes the target.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let renamed = false;
  try {
    const handle = await open(temp, 'wx', FILE_MODE);
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
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

/** Removes temp files a killed writer left beside `file`. Only safe while holding the lock. */
export async function removeOrphanTemps(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith(prefix) && /^\d+\.[0-9a-f]{12}\.tmp$/.test(name.slice(prefix.length))) {
      await unlink(path.join(dir, name)).catch(() => undefined);
    }
  }
}

async function renameWithRetry(from: string, to: string): Promise<void> {
  // Windows refuses to replace a file another process has open for a moment; retry briefly
  for (let attempt = 0; ; attempt += 1) {
    try {
      await rename(from, to);
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
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}
