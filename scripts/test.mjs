// Runs the whole test suite: Chromium, redis-server and openssl (installed with apt-get when missing and allowed),
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

// Debian packages the specs drive: Chromium for the browser specs (playwright-core never downloads
// one), redis-server for the Redis session store's specs (a real server, started per spec file on a
// free loopback port), openssl as an independent judge of certificates. Missing ones are installed
// with one apt-get run when allowed.
const NEEDED = [
  { path: '/usr/bin/chromium', pkg: 'chromium', why: 'the browser specs' },
  { path: '/usr/bin/redis-server', pkg: 'redis-server', why: 'the Redis session store specs' },
  { path: '/usr/bin/openssl', pkg: 'openssl', why: 'the certificate specs' },
].filter((need) => !existsSync(need.path));
if (NEEDED.length > 0) {
  const list = NEEDED.map((need) => `${need.path} (${need.why})`).join(' and ');
  const pkgs = NEEDED.map((need) => need.pkg);
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!root || !apt) {
    console.error(`${list} ${NEEDED.length > 1 ? 'are' : 'is'} missing. Install Debian's ${pkgs.join(' and ')} (apt-get install -y ${pkgs.join(' ')}) and run again.`);
    process.exit(1);
  }
  console.log(`installing Debian's ${pkgs.join(' and ')}: ${list} ${NEEDED.length > 1 ? 'are' : 'is'} missing`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...pkgs]]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}

if (typecheck) run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']);
run(process.execPath, ['scripts/check-imports.mjs']);
run(process.execPath, ['scripts/build.mjs']);
run(nodeBin, ['--import', 'tsx', '--test', '--test-concurrency=2', ...specs('spec')]);
