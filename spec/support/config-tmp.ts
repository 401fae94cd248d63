// Temp folders and child processes for the config store specs; it asserts nothing.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..');
export const WORKER = path.join(here, 'config-worker.ts');

/** A fresh folder under the OS temp dir; `cleanup()` removes every folder made so far. */
export function tempDirs(): { make(): Promise<string>; cleanup(): Promise<void> } {
  const made: string[] = [];
  return {
    async make() {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'd365fo-auth-config-'));
      made.push(dir);
      return dir;
    },
    async cleanup() {
      await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

/** Starts spec/support/config-worker.ts in a child `node --import tsx`. */
export function startWorker(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a worker to its end; rejects with its stderr when it fails. */
export function runWorker(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = startWorker(args);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`worker ${args.join(' ')} exited with ${code ?? signal}: ${stderr}`));
    });
  });
}

/** Resolves when the child prints `line` on stdout. */
export function waitForLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split('\n').includes(line)) resolve();
    });
    child.on('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}) before printing ${line}: ${err}`)));
  });
}

/** Kills the child with SIGKILL and waits until it is gone. */
export function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
