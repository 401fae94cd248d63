// A person's sign-in at the CLI, shared by `lcs login`, `odata login` and `token --resource`: which
// method (a browser where one can be opened, else a device code), the options the library's
// interactive calls take to show the browser's URL or the device code on stderr (and open the
// page with the CLI's opener), and who signed in. It sends nothing itself.
import { decodeClaims, type AadToken, type DeviceCode } from '../index.js';
import { cleanLine } from './clean.js';
import { openerOf } from './desktop.js';
import { interactive, showDeviceCode } from './device-ux.js';
import type { CliIo } from './io.js';
import { stringOpt } from './common.js';
import type { Context, OptionTable } from './table.js';

export type Method = 'browser' | 'device-code';

export const DEFAULT_TIMEOUT_SECONDS = 300;

/** The options of a command that signs a person in (beside its own choice of method). */
export const SIGN_IN_UX_OPTIONS: OptionTable = {
  timeout: { type: 'string', value: 'SECONDS', kind: 'seconds', description: 'give up waiting for the sign-in after this long (default 300)' },
  'no-browser': { type: 'boolean', description: 'do not open the sign-in page (the address is printed on stderr)' },
  'no-clipboard': { type: 'boolean', description: 'do not copy the device code to the clipboard' },
};

/**
 * A browser can be opened here: a person at a terminal (stderr a TTY, not CI) on a desktop session
 * (DISPLAY or WAYLAND_DISPLAY on Linux and the other Unixes; always on macOS and Windows).
 */
export function canOpenBrowser(io: CliIo): boolean {
  if (!interactive(io)) return false;
  const platform = io.platform ?? process.platform;
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(io.env.DISPLAY || io.env.WAYLAND_DISPLAY);
}

/** Why no browser can be opened, for the line that says a device code is used instead. */
function whyNoBrowser(io: CliIo): string {
  const ci = io.env.CI;
  if (ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0') return 'CI is set';
  if (!io.stderr.isTTY) return 'no terminal';
  return 'no desktop session: DISPLAY and WAYLAND_DISPLAY are empty';
}

/** The method when none was asked for, said on stderr with how to choose the other one. */
export function defaultMethod(ctx: Context): Method {
  if (canOpenBrowser(ctx.io)) {
    ctx.io.stderr.write('Signing in with the browser (--device-code to use a code instead).\n');
    return 'browser';
  }
  ctx.io.stderr.write(`Signing in with a device code (${whyNoBrowser(ctx.io)}, so no browser is opened; --browser to use one anyway).\n`);
  return 'device-code';
}

export function timeoutOf(ctx: Context): number {
  const text = stringOpt(ctx, 'timeout');
  return text === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(text);
}

export interface SignInUx {
  /** Options for getLcsApiTokenInteractive / getODataTokenInteractive / signInWithBrowser. */
  options: {
    method: Method;
    timeoutSeconds: number;
    onUrl: (url: string) => void;
    openBrowser: (url: string) => Promise<boolean>;
    onDeviceCode: (code: DeviceCode) => Promise<void>;
  };
  /** Ends the countdown, if one runs; call when the sign-in has ended, however it ended. */
  done(): void;
}

/** The stderr side of a sign-in by `method`: the address and the opener (browser), or the code and its UX (device code). */
export function signInUx(ctx: Context, method: Method): SignInUx {
  const io = ctx.io;
  const timeoutSeconds = timeoutOf(ctx);
  const ux = { clipboard: ctx.values['no-clipboard'] !== true, browser: ctx.values['no-browser'] !== true };
  let stop = () => {};
  return {
    options: {
      method,
      timeoutSeconds,
      onUrl(url) {
        io.stderr.write(`To sign in, open this address in a browser:\n  ${cleanLine(url)}\n`);
      },
      async openBrowser(url) {
        if (!ux.browser) {
          io.stderr.write(`Waiting up to ${timeoutSeconds} s for the sign-in...\n`);
          return false;
        }
        const opened = await openerOf(io)(url);
        io.stderr.write(opened.done ? '(Opened the sign-in page in your browser.)\n' : `(Could not open a browser: ${cleanLine(opened.how)}. Open the address above by hand.)\n`);
        io.stderr.write(`Waiting up to ${timeoutSeconds} s for the sign-in...\n`);
        return opened.done;
      },
      async onDeviceCode(code) {
        stop = await showDeviceCode(io, code, ux, Math.min(code.expiresAt, Date.now() + timeoutSeconds * 1000));
      },
    },
    done() {
      stop();
      stop = () => {};
    },
  };
}

/** Who a token was issued to (its upn or unique_name), for "Signed in as …"; undefined for an app or an opaque token. */
export function signedInAs(token: AadToken): string | undefined {
  try {
    const claims = decodeClaims(token.accessToken);
    const name = claims['upn'] ?? claims['unique_name'] ?? claims['preferred_username'];
    return typeof name === 'string' && name !== '' ? cleanLine(name) : undefined;
  } catch {
    return undefined;
  }
}
