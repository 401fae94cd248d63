// Builds dist/ from lib/: the JavaScript with esbuild, the .d.ts files with tsc.
//
// Why a bundler: a Node process pays per ES module it loads (resolve, read, compile, link: about
// half a millisecond each on a 2-core machine), and the library's and the CLI's start-up budgets
// (issue 5) are a few milliseconds. The output is not minified and keeps esbuild's `// lib/…`
// markers, so every line still reads as the source it came from.
//
// - dist/index.js: the library. Code splitting keeps the lazy parts (grants and transport, the
//   config store, the emulator) in chunks loaded on first use; what the import itself runs is
//   merged into one chunk, dist/chunks/core.js (see mergeEagerChunks). undici, valibot and jose stay
//   ordinary dependencies (resolved from node_modules, upgradable, visible to `npm audit`), with one
//   exception: jose's decode-only `decodeJwt` (what decodeClaims() uses, no cryptography, no
//   security role) is compiled in, so importing the library never loads jose. Signing (the
//   emulator) uses the jose package itself.
// - dist/cli/bin.cjs: the CLI, one self-contained file with the same lazy parts inlined, so a
//   command such as `lcs token` loads one module; `d365fo-auth emulator` loads the library's
//   dist/emulator.js. An application bundle: it also compiles in the parts of valibot it uses.
//   undici and jose (signing) stay external.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const library = await esbuild.build({
  ...common,
  // the emulator is an entry of its own (dist/emulator.js, not exported) so that the CLI loads the same file
  entryPoints: { index: 'lib/index.ts', emulator: 'lib/emulator/index.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  plugins: [dependencies(['jose/jwt/decode'])],
});
await mergeEagerChunks(library.metafile);

/**
 * esbuild splits the code `import('d365fo-auth')` runs at once into one chunk per set of entries
 * sharing it (five here), and an ES module costs about a millisecond each to load. This merges
 * those chunks into one, dist/chunks/core.js, and points every import of them at it: the import
 * loads two files instead of six. The lazy chunks keep importing the same classes and state, now
 * from core.js. The `// lib/…` markers survive (as legal comments while esbuild merges).
 */
async function mergeEagerChunks(metafile) {
  const eager = new Set();
  const visit = (file) => {
    for (const { path, kind } of metafile.outputs[file]?.imports ?? []) {
      if (kind === 'import-statement' && path.startsWith('dist/chunks/') && !eager.has(path)) {
        eager.add(path);
        visit(path);
      }
    }
  };
  visit('dist/index.js');
  if (eager.size < 2) return;
  const names = [...eager].map((path) => path.slice('dist/chunks/'.length));
  for (const path of eager) writeFileSync(path, readFileSync(path, 'utf8').replace(/^\/\/ lib\//gm, '//! lib/'));
  const merged = await esbuild.build({
    stdin: { contents: names.map((name) => `export * from './${name}';`).join('\n'), resolveDir: 'dist/chunks', sourcefile: 'core.js' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: common.target,
    outfile: 'dist/chunks/core.js',
    legalComments: 'inline',
    logLevel: 'warning',
    metafile: true,
    write: false,
    plugins: [
      {
        // only the eager chunks are merged: packages, built-ins and the lazy chunks stay imports
        name: 'eager-only',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) =>
            args.kind === 'entry-point' || (args.kind === 'import-statement' && names.some((name) => args.path === `./${name}`))
              ? undefined
              : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  // `export *` drops a name two chunks export: every name the chunks exported must still be there
  const exported = new Set(Object.values(merged.metafile.outputs)[0].exports);
  const lost = [...eager].flatMap((path) => metafile.outputs[path].exports.filter((name) => !exported.has(name)));
  if (lost.length > 0) throw new Error(`merging the eager chunks lost exports: ${lost.join(', ')}`);
  const code = merged.outputFiles[0].text.replace(/^\/\/ (dist\/chunks\/chunk-|<stdin>|core\.js).*\n/gm, '').replace(/^\/\/! lib\//gm, '// lib/');
  writeFileSync('dist/chunks/core.js', code);
  for (const path of eager) rmSync(path);
  const reference = new RegExp(`(["'])\\./(chunks/)?(${names.map((name) => name.replace(/[.]/g, '\\.')).join('|')})\\1`, 'g');
  for (const file of Object.keys(metafile.outputs).filter((path) => path.endsWith('.js') && !eager.has(path))) {
    const text = readFileSync(file, 'utf8');
    const rewritten = text.replace(reference, (_match, quote, dir) => `${quote}./${dir ?? ''}core.js${quote}`);
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
}

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
