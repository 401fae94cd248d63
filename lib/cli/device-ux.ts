// Device-code UX on stderr: the instructions, best-effort clipboard copy and browser open (only on a
// terminal, never under CI, and not when switched off), what really happened with each, and a
// live countdown on a terminal. Opening and copying themselves are desktop.ts's.
import type { DeviceCode } from '../index.js';
import { cleanLine } from './clean.js';
import { copyToClipboard, openerOf } from './desktop.js';
import type { CliIo } from './io.js';

export interface DeviceUxOptions {
  clipboard: boolean;
  browser: boolean;
}

/** A person is watching: stderr is a terminal and this is not CI. */
export function interactive(io: CliIo): boolean {
  const ci = io.env.CI;
  return Boolean(io.stderr.isTTY) && (ci === undefined || ci === '' || ci === 'false' || ci === '0');
}

/** Shows the code (and copies it, opens the page, when that is wanted and possible); returns a function that stops the countdown. */
export async function showDeviceCode(io: CliIo, code: DeviceCode, options: DeviceUxOptions, deadline: number): Promise<() => void> {
  // every part of the code came from the server
  io.stderr.write(`${cleanLine(code.message)}\n`);
  const live = interactive(io);
  if (live && options.clipboard) {
    const copied = await copyToClipboard(code.userCode, io);
    if (copied.done) io.stderr.write('(The code is on your clipboard.)\n');
  }
  if (live && options.browser) {
    const url = cleanLine(code.verificationUrl);
    const opened = await openerOf(io)(code.verificationUrl);
    io.stderr.write(opened.done ? '(Opened the sign-in page in your browser.)\n' : `(Could not open a browser: ${opened.how}. Open ${url} by hand.)\n`);
  }
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
