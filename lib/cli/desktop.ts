// Opening a URL in the default browser and copying text to the clipboard, for the device-code UX
// and the browser sign-in: programs started with an argument vector (never a shell string), the
// outcome taken from the program itself (it could not start, exited non-zero, or is running). It
// decides nothing about when to do either (device-ux.ts does).
import type { CliIo, OpenOutcome } from './io.js';

/** `done`: the program started and did not report a failure; `how`: what was tried and how it ended, e.g. "xdg-open exited with 3". */
export type Outcome = OpenOutcome;

/** How long a program that is still running counts as having started fine (an opener may wait for the browser). */
const SETTLE_MS = 1500;

/** node:child_process, loaded only when a program is really started. */
function childProcess(): typeof import('node:child_process') {
  return process.getBuiltinModule('node:child_process');
}

/** Only an absolute http(s) URL without spaces or control characters is handed to an opener. */
export function isOpenableUrl(url: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (url.length > 2048 || /[\s\u0000-\u001f\u007f-\u009f"<>\\^`{|}]/.test(url)) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The opener of a platform, the URL its own argument: open (macOS), rundll32's URL handler (Windows), xdg-open. */
export function openerFor(platform: NodeJS.Platform, url: string): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  return ['xdg-open', [url]];
}

/** Runs `command` and reports how it went: failed to start, exited (0 or not), or still running after a moment. */
function start(command: string, args: string[], io: CliIo, input?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    let child: import('node:child_process').ChildProcess;
    try {
      child = childProcess().spawn(command, args, {
        stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'ignore'],
        detached: input === undefined,
        env: io.env as NodeJS.ProcessEnv,
        windowsHide: true,
      });
    } catch (error) {
      resolve({ done: false, how: `${command} could not be started (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
      return;
    }
    const timer = setTimeout(() => {
      child.unref();
      settle({ done: true, how: `${command} started` });
    }, SETTLE_MS);
    child.on('error', (error: NodeJS.ErrnoException) =>
      settle({ done: false, how: error.code === 'ENOENT' ? `${command} was not found` : `${command} could not be started (${error.code ?? 'error'})` }),
    );
    child.on('exit', (code, signal) => settle(code === 0 ? { done: true, how: command } : { done: false, how: `${command} exited with ${code ?? signal}` }));
    if (input !== undefined) {
      child.stdin?.on('error', () => {});
      child.stdin?.end(input);
    }
  });
}

/** Opens `url` in the default browser; says whether the opener really started. */
export async function openUrl(url: string, io: CliIo): Promise<Outcome> {
  if (!isOpenableUrl(url)) return { done: false, how: 'the address is not a plain http(s) URL' };
  const [command, args] = openerFor(io.platform ?? process.platform, url);
  return start(command, args, io);
}

/** The io's opener when it has one, else the platform's (openUrl above). */
export function openerOf(io: CliIo): (url: string) => Promise<Outcome> {
  return io.openUrl ?? ((url) => openUrl(url, io));
}

/** Copies `text` with the first clipboard tool of the platform that works. */
export async function copyToClipboard(text: string, io: CliIo): Promise<Outcome> {
  const platform = io.platform ?? process.platform;
  const tools: [string, string[]][] =
    platform === 'darwin'
      ? [['pbcopy', []]]
      : platform === 'win32'
        ? [['clip', []]]
        : [['wl-copy', []], ['xclip', ['-selection', 'clipboard']], ['xsel', ['--clipboard', '--input']], ['clip.exe', []]];
  let last: Outcome = { done: false, how: 'no clipboard tool' };
  for (const [tool, args] of tools) {
    last = await start(tool, args, io, text);
    if (last.done) return last;
  }
  return last;
}
