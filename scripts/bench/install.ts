// The production install as a user gets it: `npm pack`, the tarball's file list, and `npm install
// --omit=dev` of it into a temp folder (size in MiB, package count). Nothing is asserted here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** Where the bench keeps the caller's NODE_EXTRA_CA_CERTS ('' when unset) while it runs with the test certificate. */
export const CALLER_CA_VARIABLE = 'D365FO_AUTH_BENCH_CALLER_CA_CERTS';
/** npm gets at most this long per command: a registry it cannot reach fails the row, not the run. */
const NPM_TIMEOUT_MS = 180_000;

/** The bench's environment with the caller's NODE_EXTRA_CA_CERTS back in place of the test certificate. */
function npmEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false' };
  const callerCa = env[CALLER_CA_VARIABLE];
  delete env[CALLER_CA_VARIABLE];
  if (callerCa === undefined) return env;
  if (callerCa === '') delete env['NODE_EXTRA_CA_CERTS'];
  else env['NODE_EXTRA_CA_CERTS'] = callerCa;
  return env;
}

export interface PackInfo {
  tarball: string;
  files: string[];
  unpackedBytes: number;
  emulatorBytes: number;
  /** Files that a production tarball must not carry (tests, fixtures, sources, source maps). */
  unwanted: string[];
}

function run(args: string[], cwd: string): string {
  const result = spawnSync(npm, args, { cwd, encoding: 'utf8', env: npmEnvironment(), timeout: NPM_TIMEOUT_MS });
  if (result.error) throw new Error(`npm ${args.join(' ')} failed: ${result.error.message} (limit ${NPM_TIMEOUT_MS / 1000} s; can npm reach its registry?)`);
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Packs the (already built) package into `dest`. */
export function pack(root: string, dest: string): PackInfo {
  const [info] = JSON.parse(run(['pack', '--json', '--ignore-scripts', '--pack-destination', dest], root)) as {
    filename: string;
    unpackedSize: number;
    files: { path: string; size: number }[];
  }[];
  const files = info!.files.map((f) => f.path);
  const unwanted = files.filter(
    (f) => /^(spec|fixtures|lib|scripts)\//.test(f) || /\.map$/.test(f) || (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)) || /^bench-results/.test(f),
  );
  const emulatorBytes = info!.files.filter((f) => /^dist\/(emulator\/|emulator\.js$)/.test(f.path)).reduce((sum, f) => sum + f.size, 0);
  return { tarball: join(dest, info!.filename), files, unpackedBytes: info!.unpackedSize, emulatorBytes, unwanted };
}

export interface InstallInfo {
  mebibytes: number;
  packages: string[];
}

/**
 * `npm install --omit=dev <tarball>` into a fresh project in `dir`, as a user's project gets it;
 * the size of node_modules and the packages in it. A project folder, not `--prefix`: that option
 * also moves where npm reads its global npmrc, which on a machine behind a TLS proxy holds the
 * `cafile`.
 */
export function installProduction(tarball: string, dir: string): InstallInfo {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  run(['install', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock', '--no-save', tarball], dir);
  const modules = join(dir, 'node_modules');
  return { mebibytes: sizeOf(modules) / 1024 / 1024, packages: packagesIn(modules) };
}

function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

function packagesIn(modules: string): string[] {
  const found: string[] = [];
  if (!existsSync(modules)) return found;
  for (const name of readdirSync(modules)) {
    if (name.startsWith('.')) continue;
    const dirs = name.startsWith('@') ? readdirSync(join(modules, name)).map((n) => `${name}/${n}`) : [name];
    for (const pkg of dirs) {
      if (!existsSync(join(modules, pkg, 'package.json'))) continue;
      found.push(pkg);
      found.push(...packagesIn(join(modules, pkg, 'node_modules')));
    }
  }
  return found;
}
