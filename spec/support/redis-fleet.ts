// A fleet of processes sharing one Redis session store, for the fleet specs and `npm run bench`:
// seeding an expiring LCS session from a password grant, and starting workers that report JSON lines.
// Asserts nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMULATOR_DEMO, passwordGrant, type AadToken, type RedisSessionStore } from '../../lib/index.js';
import { plainSession } from '../../lib/session/records.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const WORKER = path.join(here, 'redis-worker.ts');
const ROOT = path.resolve(here, '..', '..');
export const LCS_RESOURCE = 'https://lcsapi.lcs.dynamics.com';

/**
 * Signs the emulator's demo user in (password grant, public client), saves the token with
 * `lcs.set()`, then marks the session as signed in at the emulator and expiring in 60 s.
 * Returns the token (its secrets are what must never show in Redis).
 */
export async function seedExpiringSession(store: RedisSessionStore, authorityHost: string): Promise<AadToken> {
  const token = await passwordGrant({
    authorityHost,
    clientId: EMULATOR_DEMO.publicClient.clientId,
    username: EMULATOR_DEMO.user.username,
    password: EMULATOR_DEMO.user.password,
    resource: LCS_RESOURCE,
  });
  await store.lcs.set({ clientId: EMULATOR_DEMO.publicClient.clientId });
  await store.lcs.set(token);
  await store.updateSession('lcs', async (current) => ({
    session: { ...plainSession(current ?? {}), authorityHost, expiresAt: Date.now() + 60_000 },
    result: undefined,
  }));
  return token;
}

export interface FleetWorker {
  readonly child: ChildProcess;
  /** The next JSON line it prints (rejects when it exits first, with its stderr). */
  next(): Promise<Record<string, unknown>>;
  /** Tells it to go (one line on its stdin). */
  go(): void;
  /** SIGKILL, resolved once it is gone. */
  kill(): Promise<void>;
}

/** Starts spec/support/redis-worker.ts with `env` on top of this process's environment. */
export function startFleetWorker(env: Record<string, string>): FleetWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const waiting: ((line: Record<string, unknown> | Error) => void)[] = [];
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    let end: number;
    while ((end = out.indexOf('\n')) >= 0) {
      const line = JSON.parse(out.slice(0, end)) as Record<string, unknown>;
      out = out.slice(end + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  child.on('exit', (code, signal) => {
    for (const waiter of waiting.splice(0)) waiter(new Error(`redis worker exited (${code ?? signal}): ${err}`));
  });
  return {
    child,
    next() {
      const line = lines.shift();
      if (line) return Promise.resolve(line);
      if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error(`redis worker exited (${child.exitCode ?? child.signalCode}): ${err}`));
      return new Promise((resolve, reject) => waiting.push((value) => (value instanceof Error ? reject(value) : resolve(value))));
    },
    go() {
      child.stdin?.write('go\n');
    },
    kill() {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    },
  };
}
