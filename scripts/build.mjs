// Builds dist/ from lib/: the JavaScript with esbuild, the .d.ts files with tsc.
//
// Why a bundler: a Node process pays per ES module it loads (resolve, read, compile, link: about
// half a millisecond each on a 2-core machine), and the library's and the CLI's start-up budgets
// (issue 5) are a few milliseconds. The output is not minified and keeps esbuild's `// lib/…`
// markers, so every line still reads as the source it came from.
//
// - dist/index.js: the library, one file holding everything `import('d365fo-auth')` runs; the
//   parts it loads on first use (grants and transport in dist/chunks/protocol.js, the config store,
//   the emulator in dist/emulator.js) are files of their own (see the library builds below).
//   undici, valibot and jose stay ordinary dependencies (resolved from node_modules, upgradable,
//   visible to `npm audit`), with one exception: jose's decode-only `decodeJwt` (what
//   decodeClaims() uses, no cryptography, no security role) is compiled in, so importing the
//   library never loads jose. Signing (the emulator) uses the jose package itself.
// - dist/cli/bin.cjs: the CLI, one self-contained file with the same lazy parts inlined, so a
//   command such as `lcs token` loads one module; `d365fo-auth emulator` loads the library's
//   dist/emulator.js. An application bundle: it also compiles in the parts of valibot it uses.
//   undici and jose (signing) stay external.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { basename, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
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

// The library: the public entry as ONE file, what it loads later as files of their own. esbuild's
// code splitting would put every module the entry shares with a lazy part into a shared chunk, and
// a second ES module costs the import 1.5-2.5 ms (issue 5): so the entry and the lazy parts are
// separate builds. The lazy parts bring their own copies of the small pure modules they share with
// the entry (token model, redaction, clock, clouds, LCS hosts and resources, the config store's
// opener and paths) and take the error classes from the entry itself (dist/index.js): `instanceof`
// must hold across the two. SINGLE lists the modules with identity or state that must exist once;
// the build fails otherwise.
const SINGLE = {
  'lib/errors.ts': 'entry', // the public error classes
  'lib/grants/realm-cache.ts': 'lazy', // the user-realm cache (index.js forwards clearUserRealmCache)
};
const EMULATOR = 'lib/emulator/index.ts';
/** The entry's dynamic imports: source path -> the file it becomes, relative to dist/. */
const lazyParts = new Map();
const entry = await esbuild.build({
  ...common,
  entryPoints: { index: 'lib/index.ts' },
  outdir: 'dist',
  metafile: true,
  plugins: [
    dependencies(['jose/jwt/decode']),
    {
      name: 'lazy-parts',
      setup(build) {
        build.onResolve({ filter: /^\./ }, (args) => {
          if (args.kind !== 'dynamic-import') return undefined;
          const source = relative('.', resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'))).split(sep).join('/');
          const file = source === EMULATOR ? 'emulator.js' : `chunks/${basename(source, '.ts')}.js`;
          for (const [other, taken] of lazyParts) if (taken === file && other !== source) throw new Error(`${source} and ${other} would both be dist/${file}`);
          lazyParts.set(source, file);
          return { path: `./${file}`, external: true };
        });
      },
    },
  ],
});
const lazy = await esbuild.build({
  ...common,
  entryPoints: Object.fromEntries([...lazyParts].filter(([source]) => source !== EMULATOR).map(([source, file]) => [file.slice('chunks/'.length, -3), source])),
  outdir: 'dist/chunks',
  splitting: true,
  chunkNames: '[name]-[hash]',
  metafile: true,
  plugins: [
    dependencies([]),
    {
      name: 'errors-from-entry',
      setup(build) {
        build.onResolve({ filter: /\/errors\.js$/ }, (args) =>
          resolve(args.resolveDir, args.path) === resolve('lib/errors.js') ? { path: '../index.js', external: true } : undefined,
        );
      },
    },
  ],
});
// the emulator (it shares nothing with the client) is one file the CLI also loads
const emulator = await esbuild.build({ ...common, entryPoints: { emulator: EMULATOR }, outdir: 'dist', metafile: true, plugins: [dependencies([])] });
// a module the entry loads lazily must not also be compiled into it (it would exist twice)
for (const source of lazyParts.keys()) {
  if (source in entry.metafile.inputs) throw new Error(`${source} is loaded on first use, but dist/index.js also imports it statically`);
}
for (const [source, side] of Object.entries(SINGLE)) {
  const inputs = (side === 'entry' ? [lazy, emulator] : [entry]).flatMap((result) => Object.keys(result.metafile.inputs));
  if (inputs.includes(source)) throw new Error(`${source} must be built once (${side === 'entry' ? 'in dist/index.js' : 'in the lazy parts'}), but is also elsewhere`);
}
// every lazy part must link against the entry (it imports the error classes by name): load them all
const files = [...Object.keys(lazy.metafile.outputs), 'dist/emulator.js'].filter((file) => file.endsWith('.js'));
const link = spawnSync(process.execPath, ['--input-type=module', '-e', `await Promise.all(${JSON.stringify(files.map((file) => pathToFileURL(resolve(file)).href))}.map((url) => import(url)))`], { stdio: 'inherit' });
if (link.status !== 0) throw new Error('a lazy part of dist/ does not link against dist/index.js');

// The CLI is CommonJS: a CommonJS main file skips the ES module loader (a few ms), and its `require`s
// of node: built-ins stay inside the lazily run module bodies (ES imports would all run at start).
// import.meta.url (lib/http/undici.ts resolves undici's files from where it is) becomes the file's path.
const cli = { ...common, format: 'cjs', outExtension: { '.js': '.cjs' }, outdir: 'dist/cli', define: { 'import.meta.url': '__filename' } };
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
