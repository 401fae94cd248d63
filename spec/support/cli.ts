// Runs the CLI: in process (main() with captured io) or as a child process (the real bin via tsx),
// returning stdout, stderr and the exit code.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../../lib/cli/main.js';
import type { CliIo, OpenOutcome } from '../../lib/cli/io.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = fileURLToPath(new URL('../../lib/cli/bin.ts', import.meta.url));

export interface RunMainOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
  signal?: AbortSignal;
  /** The io's URL opener (a browser sign-in's page is handed to it); default: none is opened, "could not open". */
  openUrl?: (url: string) => Promise<OpenOutcome>;
  /** stderr is a terminal (default false). */
  tty?: boolean;
  platform?: NodeJS.Platform;
}

/** main() in this process with captured streams (under CI unless env says otherwise, never a real opener). */
export async function runMain(argv: string[], options: RunMainOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text) => void (stdout += text), isTTY: false },
    stderr: { write: (text) => void (stderr += text), isTTY: options.tty ?? false },
    readStdin: async () => options.stdin ?? '',
    env: { CI: 'true', ...options.env },
    signal: options.signal,
    platform: options.platform ?? process.platform,
    openUrl: options.openUrl ?? (async () => ({ done: false, how: 'no opener in this spec' })),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/**
 * The real executable as a child process, with a clean environment plus `env`: the source bin via
 * tsx, or with `node` the node arguments that run another one (e.g. `['dist/cli/bin.js']`).
 */
export function runCli(
  argv: string[],
  options: {
    env?: Record<string, string | undefined>;
    stdin?: string;
    timeoutMs?: number;
    interruptWhen?: (stderr: string) => boolean;
    node?: string[];
    /** Run as this user (and its group of the same number): root specs use 65534 for a folder root could write to anyway. */
    uid?: number | undefined;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.node ?? ['--import', 'tsx', BIN]), ...argv], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NODE_NO_WARNINGS: '1', ...options.env } as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    let interrupted = false;
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (!interrupted && options.interruptWhen?.(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === 'SIGINT' ? 130 : -1), stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** What `lcs token` and friends print on stdout: one Bearer line with a JWT. */
export const BEARER_LINE = /^Bearer eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/;

/** `text` as a literal inside a RegExp. */
export const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
