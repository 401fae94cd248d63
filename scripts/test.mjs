// Runs the whole test suite: Chromium check (installed with apt-get when missing and allowed),
// typecheck, import-direction check, the build of dist/ (the package spec tests it), then every
// spec with node:test via tsx.
// Usage: node scripts/test.mjs [--no-typecheck] [--node BIN]   (BIN: another node binary for the specs)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const nodeIndex = args.indexOf('--node');
const nodeBin = nodeIndex >= 0 ? args[nodeIndex + 1] : process.execPath;
const typecheck = !args.includes('--no-typecheck');

function run(cmd, cmdArgs) {
  const result = spawnSync(cmd, cmdArgs, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function specs(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...specs(path));
    else if (name.endsWith('.spec.ts')) found.push(path);
  }
  return found;
}

// The /devicelogin browser spec drives Debian's Chromium (playwright-core never downloads one).
const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!root || !apt) {
    console.error(`${CHROMIUM} is missing; the browser spec needs it. Install Debian's chromium (apt-get install -y chromium) and run again.`);
    process.exit(1);
  }
  console.log(`installing Debian's chromium for the browser spec (${CHROMIUM} is missing)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'chromium']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}

if (typecheck) run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']);
run(process.execPath, ['scripts/check-imports.mjs']);
run(process.execPath, ['scripts/build.mjs']);
run(nodeBin, ['--import', 'tsx', '--test', '--test-concurrency=2', ...specs('spec')]);
