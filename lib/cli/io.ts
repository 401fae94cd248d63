// The CLI's view of the outside world (streams, stdin, the terminal, environment, Ctrl-C), so
// commands never touch process.* and specs can capture or fake everything. It does not decide exit
// codes or flush anything (bin.ts does).

export interface Stream {
  write(text: string): void;
  isTTY?: boolean | undefined;
}

/**
 * The terminal's input, as the hidden password prompt needs it (process.stdin on a TTY): raw mode
 * on and off, and the keys as they come. A spec hands in a fake one.
 */
export interface TtyInput {
  isTTY?: boolean | undefined;
  setRawMode(raw: boolean): unknown;
  on(event: 'data', listener: (chunk: string | Uint8Array) => void): unknown;
  off(event: 'data', listener: (chunk: string | Uint8Array) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

export interface CliIo {
  stdout: Stream;
  stderr: Stream;
  /** All of stdin as text (empty when there is none, or when stdin is a terminal). */
  readStdin(): Promise<string>;
  /** The terminal behind stdin, when there is one (for the hidden password prompt). */
  tty?: TtyInput | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborts on Ctrl-C. */
  signal?: AbortSignal | undefined;
  platform?: NodeJS.Platform | undefined;
  /**
   * Opens a URL in the default browser and says how it went. Absent: desktop.ts's opener (the
   * platform's own program). A spec hands in its own to follow a sign-in page without a browser.
   */
  openUrl?: ((url: string) => Promise<OpenOutcome>) | undefined;
}

/** How opening a URL went: `done` when the opener started and reported no failure; `how` for a message. */
export interface OpenOutcome {
  done: boolean;
  how: string;
}

/** The real process: its streams, stdin, environment, and Ctrl-C turned into an abort signal. */
export function processIo(): CliIo {
  const controller = new AbortController();
  // the first Ctrl-C cancels the command; a second one is Node's default (the process ends)
  process.once('SIGINT', () => controller.abort(new Error('cancelled')));
  // a reader that went away (`d365fo-auth … | head -1`) is not our error: stop writing quietly
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    async readStdin() {
      if (process.stdin.isTTY) return '';
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    get tty() {
      return process.stdin.isTTY ? process.stdin : undefined;
    },
    env: process.env,
    signal: controller.signal,
    platform: process.platform,
  };
}

/** One line of stdin without its line ending (for --password-stdin and friends). */
export async function readSecretLine(io: CliIo): Promise<string> {
  const text = await io.readStdin();
  return text.replace(/\r?\n$/, '');
}
