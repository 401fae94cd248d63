// Checks the import directions of lib/: lower layers never import higher ones, undici
// only in the transport, jose only in claims.ts, the client assertion and the emulator, the emulator shares nothing with
// the client, and the CLI uses only the public surface. Exits 1 with a list of violations.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname ?? dirname(new URL(import.meta.url).pathname), '..');
const lib = join(root, 'lib');

// Layer rank by path prefix (longest prefix wins). A file may import only ranks <= its own.
const RANKS = [
  ['errors.ts', 0], ['clock.ts', 0], ['redact.ts', 0], ['version.ts', 0], ['secret-object.ts', 0],
  ['http/', 1],
  ['aad/', 2], ['d365/hosts.ts', 2], ['d365/resource.ts', 2],
  ['token.ts', 3], ['claims.ts', 3],
  ['grants/', 4],
  ['device-flow.ts', 5], ['browser.ts', 5], ['open-url.ts', 5],
  ['config/', 6], ['session/', 6],
  ['d365/', 8],
  ['index.ts', 9], ['start-emulator.ts', 9],
  ['cli/', 10],
];

/** Where each dependency may be imported (besides the emulator, which may use jose). */
const ALLOWED = {
  undici: ['http/transport.ts'],
  jose: ['claims.ts', 'aad/client-assertion.ts'],
  // not a dependency: the user installs it for --session-store, and only that file loads it
  redis: ['cli/session-store.ts'],
};

function rankOf(rel) {
  let best;
  for (const [prefix, rank] of RANKS) {
    if ((rel === prefix || rel.startsWith(prefix)) && (!best || prefix.length > best[0].length)) best = [prefix, rank];
  }
  return best?.[1];
}

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const problems = [];

for (const file of files(lib)) {
  const rel = relative(lib, file).split('\\').join('/');
  // comment lines out: a comment may name an import without making one
  const source = readFileSync(file, 'utf8').replace(/^\s*(?:\/\/|\/\*|\*).*$/gm, '');
  const inEmulator = rel.startsWith('emulator/');
  for (const match of source.matchAll(IMPORT)) {
    const typeOnly = Boolean(match[2]);
    const spec = match[3] ?? match[4];
    if (spec.startsWith('node:')) continue;
    if (!spec.startsWith('.')) {
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      const allowed = ALLOWED[pkg];
      if (allowed && !typeOnly && !allowed.includes(rel) && !(pkg === 'jose' && inEmulator)) problems.push(`${rel}: imports ${pkg} outside ${allowed.join(', ')}`);
      if (!['undici', 'jose', 'valibot'].includes(pkg) && !allowed?.includes(rel)) problems.push(`${rel}: imports ${pkg}, which is not a runtime dependency`);
      continue;
    }
    const target = relative(lib, resolve(dirname(file), spec)).split('\\').join('/').replace(/\.js$/, '.ts');
    const targetInEmulator = target.startsWith('emulator/');
    if (inEmulator && !targetInEmulator) problems.push(`${rel}: the emulator imports client code ${target}`);
    if (inEmulator || targetInEmulator) {
      if (!inEmulator && targetInEmulator && !['index.ts', 'start-emulator.ts', 'cli/'].some((p) => rel.startsWith(p))) {
        problems.push(`${rel}: client code imports the emulator (${target})`);
      }
      continue;
    }
    if (rel.startsWith('cli/') && !target.startsWith('cli/') && target !== 'index.ts') {
      problems.push(`${rel}: the CLI imports ${target}; it may use only lib/index.ts`);
      continue;
    }
    const from = rankOf(rel);
    const to = rankOf(target);
    if (from === undefined) problems.push(`${rel}: not in any layer of scripts/check-imports.mjs`);
    else if (to !== undefined && to > from) problems.push(`${rel} (layer ${from}) imports ${target} (layer ${to}), a higher layer`);
  }
}

if (problems.length) {
  console.error(`Import direction check failed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('import directions: ok');
