// The config store's heavier parts (the valibot file format, file I/O, the lock), each loaded on first use. Loaders only.
type Format = typeof import('./schema.js');
type Files = typeof import('./atomic.js');
type Lock = typeof import('./lock.js');

let format: Promise<Format> | undefined;
let files: Promise<Files> | undefined;
let lock: Promise<Lock> | undefined;

/** The file format: valibot schemas, parsing, serialisation. */
export function loadFormat(): Promise<Format> {
  format ??= import('./schema.js');
  return format;
}

/** Reading, and atomic replacement of, the config file. */
export function loadFiles(): Promise<Files> {
  files ??= import('./atomic.js');
  return files;
}

/** The cross-process lock (only for writes). */
export function loadLock(): Promise<Lock> {
  lock ??= import('./lock.js');
  return lock;
}
