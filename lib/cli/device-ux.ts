// Device-code UX on stderr: the instructions, best-effort clipboard copy and browser open (never
// in CI, without a TTY, or when switched off), and a live countdown on a TTY.
import type { DeviceCode } from '../index.js';
import type { CliIo } from './io.js';

export interface DeviceUxOptions {
  clipboard: boolean;
  browser: boolean;
}

/** node:child_process, loaded only when a clipboard tool or browser is really started. */
function childProcess(): typeof import('node:child_process') {
  return process.getBuiltinModule('node:child_process');
}

function interactive(io: CliIo): boolean {
  const ci = io.env.CI;
  return Boolean(io.stderr.isTTY) && (ci === undefined || ci === '' || ci === 'false' || ci === '0');
}

function exists(command: string, platform: NodeJS.Platform): boolean {
  const { spawnSync } = childProcess();
  const probe = platform === 'win32' ? spawnSync('where', [command], { stdio: 'ignore' }) : spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
  return probe.status === 0;
}

/** Copies text with the first clipboard tool found; false when none worked. */
export function copyToClipboard(text: string, platform: NodeJS.Platform = process.platform): boolean {
  const tools: [string, string[]][] =
    platform === 'darwin' ? [['pbcopy', []]] : platform === 'win32' ? [['clip.exe', []]] : [['wl-copy', []], ['xclip', ['-selection', 'clipboard']], ['xsel', ['--clipboard', '--input']], ['clip.exe', []]];
  for (const [tool, args] of tools) {
    if (!exists(tool, platform)) continue;
    const result = childProcess().spawnSync(tool, args, { input: text, stdio: ['pipe', 'ignore', 'ignore'], timeout: 2000 });
    if (result.status === 0) return true;
  }
  return false;
}

/** Opens a URL in the default browser, detached; false when no opener exists. */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): boolean {
  const [command, args] =
    platform === 'darwin' ? ['open', [url]] : platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  if (!exists(command as string, platform)) return false;
  try {
    childProcess().spawn(command as string, args as string[], { detached: true, stdio: 'ignore' }).unref();
    return true;
  } catch {
    return false;
  }
}

/** Shows the code; returns a function that stops the countdown. */
export function showDeviceCode(io: CliIo, code: DeviceCode, options: DeviceUxOptions, deadline: number): () => void {
  io.stderr.write(`${code.message}\n`);
  const live = interactive(io);
  if (live && options.clipboard && copyToClipboard(code.userCode, io.platform)) io.stderr.write('(The code is on your clipboard.)\n');
  if (live && options.browser && openBrowser(code.verificationUrl, io.platform)) io.stderr.write('(Opened the sign-in page in your browser.)\n');
  if (!live) {
    io.stderr.write('Waiting for sign-in...\n');
    return () => {};
  }
  const tick = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    io.stderr.write(`\rWaiting for sign-in... ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left `);
  };
  tick();
  const timer = setInterval(tick, 1000);
  return () => {
    clearInterval(timer);
    io.stderr.write('\n');
  };
}
