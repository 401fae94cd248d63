// Builds dist/ from lib/: three ES module bundles with esbuild (not minified, so each line reads as
// its source) and the .d.ts files with tsc.
//
// - dist/index.js: the library; undici, jose and valibot stay ordinary dependencies. Its one lazy
//   import, the emulator, points at dist/emulator.js.
// - dist/emulator.js: the AAD v1 emulator (also the `d365fo-auth/emulator` entry).
// - dist/cli/bin.js: the CLI; it imports the library from ../index.js like any user would.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import * as esbuild from 'esbuild';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
rmSync('dist', { recursive: true, force: true });

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  legalComments: 'inline',
  logLevel: 'warning',
  external: ['node:*', ...Object.keys(pkg.dependencies)],
};

/** Resolves imports of one source file to an already built file of dist/. */
function builtFile(source, file) {
  const target = resolve(source);
  return {
    name: `built-${file}`,
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => (resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')) === target ? { path: file, external: true } : undefined));
    },
  };
}

await esbuild.build({ ...common, entryPoints: { index: 'lib/index.ts' }, outdir: 'dist', plugins: [builtFile('lib/emulator/index.ts', './emulator.js')] });
await esbuild.build({ ...common, entryPoints: { emulator: 'lib/emulator/index.ts' }, outdir: 'dist' });
// `redis` stays an import the user satisfies (only --session-store loads it)
await esbuild.build({ ...common, external: [...common.external, 'redis'], entryPoints: { bin: 'lib/cli/bin.ts' }, outdir: 'dist/cli', plugins: [builtFile('lib/index.ts', '../index.js')] });
chmodSync('dist/cli/bin.js', 0o755);

const types = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (types.status !== 0) process.exit(types.status ?? 1);
console.log('built dist/');
