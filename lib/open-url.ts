// Opens an http(s) URL in the system browser, best effort, with an argument vector (never a shell
// string built from the URL): `open` on macOS, `rundll32 url.dll,FileProtocolHandler` on Windows,
// `xdg-open` elsewhere. It reports whether an opener ran successfully; it shows nothing itself.
import { spawn } from 'node:child_process';

export interface OpenResult {
  opened: boolean;
  /** The opener used, or why none could be, for a message. */
  how: string;
}

const OPENER_WAIT_MS = 3000;

export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<OpenResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve({ opened: false, how: 'not a URL' });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return Promise.resolve({ opened: false, how: 'not an http(s) URL' });
  const [command, args] =
    platform === 'darwin' ? ['open', [url]] : platform === 'win32' ? ['rundll32', ['url.dll,FileProtocolHandler', url]] : ['xdg-open', [url]];
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(command as string, args as string[], { stdio: 'ignore', detached: platform !== 'win32' });
    } catch {
      resolve({ opened: false, how: `${command} could not be started` });
      return;
    }
    // the opener hands the URL over and exits; one still running after a while is taken as working
    const timer = setTimeout(() => {
      child.unref();
      resolve({ opened: true, how: command as string });
    }, OPENER_WAIT_MS);
    timer.unref();
    child.once('error', () => {
      clearTimeout(timer);
      resolve({ opened: false, how: `${command} is not available` });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? { opened: true, how: command as string } : { opened: false, how: `${command} exited with code ${code}` });
    });
  });
}
