// Builds dist/ from lib/: the JavaScript with esbuild, the .d.ts files with tsc.
//
// Why a bundler: a Node process pays per ES module it loads (resolve, read, compile, link: about
// half a millisecond each on a 2-core machine), and the library's and the CLI's start-up budgets
// (issue 5) are a few milliseconds. The output is not minified and keeps esbuild's `// lib/…`
// markers, so every line still reads as the source it came from.
//
// - dist/index.js: the library. Code splitting keeps the lazy parts (grants and transport, the
//   config store, the emulator) in chunks loaded on first use. undici, valibot and jose stay
//   ordinary dependencies (resolved from node_modules, upgradable, visible to `npm audit`), with one
//   exception: jose's decode-only `decodeJwt` (what decodeClaims() uses, no cryptography, no
//   security role) is compiled in, so importing the library never loads jose. Signing (the
//   emulator) uses the jose package itself.
// - dist/cli/bin.cjs: the CLI, one self-contained file with the same lazy parts inlined, so a
//   command such as `lcs token` loads one module; `d365fo-auth emulator` loads the library's
//   dist/emulator.js. An application bundle: it also compiles in the parts of valibot it uses.
//   undici and jose (signing) stay external.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import * as esbuild from 'esbuild';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

rmSync('dist', { recursive: true, force: true });

/** Marks dependency imports external, except the ones listed in `inline`. */
function dependencies(inline) {
  const names = Object.keys(pkg.dependencies);
  const pattern = new RegExp(`^(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(/|$)`);
  return {
    name: 'dependencies',
    setup(build) {
      build.onResolve({ filter: pattern }, (args) => (inline.includes(args.path) ? undefined : { path: args.path, external: true }));
    },
  };
}

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  legalComments: 'inline',
  logLevel: 'warning',
  // node: built-ins stay imports
  external: ['node:*'],
};

await esbuild.build({
  ...common,
  // the emulator is an entry of its own (dist/emulator.js, not exported) so that the CLI loads the same file
  entryPoints: { index: 'lib/index.ts', emulator: 'lib/emulator/index.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [dependencies(['jose/jwt/decode'])],
});

// The CLI is CommonJS: a CommonJS main file skips the ES module loader (a few ms), and its `require`s
// of node: built-ins stay inside the lazily run module bodies (ES imports would all run at start).
const cli = { ...common, format: 'cjs', outExtension: { '.js': '.cjs' }, outdir: 'dist/cli' };
await esbuild.build({
  ...cli,
  entryPoints: { bin: 'lib/cli/bin.ts' },
  plugins: [
    dependencies(['jose/jwt/decode', 'valibot']),
    {
      // the emulator (it imports no client code) is the library's dist/emulator.js, loaded only by
      // `d365fo-auth emulator`
      name: 'emulator-file',
      setup(build) {
        build.onResolve({ filter: /\/emulator\/index\.js$/ }, () => ({ path: '../emulator.js', external: true }));
      },
    },
  ],
});
chmodSync('dist/cli/bin.cjs', 0o755);

// the types: one .d.ts per source module, as tsc writes them
const types = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (types.status !== 0) process.exit(types.status ?? 1);
console.log('built dist/');
