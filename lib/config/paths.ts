// Where the config file lives by default; it does no I/O.
import os from 'node:os';
import path from 'node:path';

export const CONFIG_DIR_NAME = 'd365fo-auth';
export const CONFIG_FILE_NAME = 'config.json';

/**
 * The default config file: `$D365FO_AUTH_CONFIG`, else the platform's user config folder +
 * `d365fo-auth/config.json` — `$XDG_CONFIG_HOME` or `~/.config` (Linux and other Unixes),
 * `~/Library/Application Support` (macOS), `%APPDATA%` (Windows).
 */
export function defaultConfigPath(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  const explicit = env['D365FO_AUTH_CONFIG'];
  if (explicit !== undefined && explicit.trim() !== '') return explicit;
  if (platform === 'win32') {
    const appData = nonEmpty(env['APPDATA']) ?? path.win32.join(home, 'AppData', 'Roaming');
    return path.win32.join(appData, CONFIG_DIR_NAME, CONFIG_FILE_NAME);
  }
  if (platform === 'darwin') {
    return path.posix.join(home, 'Library', 'Application Support', CONFIG_DIR_NAME, CONFIG_FILE_NAME);
  }
  // XDG Base Directory: a relative $XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = nonEmpty(env['XDG_CONFIG_HOME']);
  const base = xdg !== undefined && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.config');
  return path.posix.join(base, CONFIG_DIR_NAME, CONFIG_FILE_NAME);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
