// Starting a desktop program for a person: the system browser for a URL (`open` on macOS,
// `rundll32 url.dll,FileProtocolHandler` on Windows, `xdg-open` elsewhere), or a clipboard tool fed
// on stdin. Always an argument vector (never a shell string); the outcome comes from the program
// itself (could not start, exited non-zero, or still running). It decides nothing about when.
import { spawn, type ChildProcess } from 'node:child_process';

export interface OpenResult {
  /** The program started and did not report a failure. */
  opened: boolean;
  /** What was tried and how it ended, for a message, e.g. "xdg-open exited with 3". */
  how: string;
}

export interface DesktopOptions {
  platform?: NodeJS.Platform | undefined;
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** How long a program that is still running counts as having started fine (an opener may wait for the browser). */
const SETTLE_MS = 1500;

/** Only an absolute http(s) URL without spaces, quotes or control characters is handed to an opener. */
export function isOpenableUrl(url: string): boolean {
  if (url.length > 2048 || /[\s\u0000-\u001f\u007f-\u009f"<>\\^`{|}]/.test(url)) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The opener of a platform, the URL its own argument. */
export function openerFor(platform: NodeJS.Platform, url: string): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  return ['xdg-open', [url]];
}

/** Runs `command` (`input` on its stdin) and reports how it went. */
export function runDesktopProgram(command: string, args: string[], options: DesktopOptions = {}, input?: string): Promise<OpenResult> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: OpenResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'ignore'],
        detached: input === undefined,
        env: (options.env ?? process.env) as NodeJS.ProcessEnv,
        windowsHide: true,
      });
    } catch (error) {
      resolve({ opened: false, how: `${command} could not be started (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
      return;
    }
    const timer = setTimeout(() => {
      child.unref();
      settle({ opened: true, how: `${command} started` });
    }, SETTLE_MS);
    child.on('error', (error: NodeJS.ErrnoException) =>
      settle({ opened: false, how: error.code === 'ENOENT' ? `${command} was not found` : `${command} could not be started (${error.code ?? 'error'})` }),
    );
    child.on('exit', (code, signal) => settle(code === 0 ? { opened: true, how: command } : { opened: false, how: `${command} exited with ${code ?? signal}` }));
    if (input !== undefined) {
      child.stdin?.on('error', () => {});
      child.stdin?.end(input);
    }
  });
}

/** Opens `url` in the system browser, best effort; says whether the opener really started. */
export async function openInBrowser(url: string, options: DesktopOptions = {}): Promise<OpenResult> {
  if (!isOpenableUrl(url)) return { opened: false, how: 'the address is not a plain http(s) URL' };
  const [command, args] = openerFor(options.platform ?? process.platform, url);
  return runDesktopProgram(command, args, options);
}
