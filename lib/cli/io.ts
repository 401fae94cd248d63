// The CLI's view of the outside world (streams, stdin, environment, Ctrl-C), so commands never
// touch process.* and tests can capture everything.
import { writeSync } from 'node:fs';
export interface Stream {
  write(text: string): void;
  isTTY?: boolean | undefined;
}

export interface CliIo {
  stdout: Stream;
  stderr: Stream;
  /** All of stdin as text (empty when there is none). */
  readStdin(): Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborts on Ctrl-C. */
  signal?: AbortSignal | undefined;
  platform?: NodeJS.Platform | undefined;
}

/** The real process streams, with Ctrl-C turned into an abort signal. */
export function processIo(): CliIo {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('cancelled')));
  return {
    stdout: descriptorStream(1, () => process.stdout),
    stderr: descriptorStream(2, () => process.stderr),
    async readStdin() {
      if (process.stdin.isTTY) return '';
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
    signal: controller.signal,
    platform: process.platform,
  };
}

/**
 * Writes to file descriptor 1 or 2 directly while that works: creating `process.stdout` costs a
 * few milliseconds, a third of what a short command like `lcs token` takes. The first write that
 * would block (a full non-blocking pipe) or fails goes through the Node stream instead, and so does
 * everything after it, so the order of the output is kept and the stream deals with the rest as it
 * always does.
 */
export function descriptorStream(fd: 1 | 2, stream: () => NodeJS.WriteStream): Stream {
  let viaStream = false;
  return {
    write(text) {
      if (viaStream) {
        stream().write(text);
        return;
      }
      const bytes = Buffer.from(text, 'utf8');
      let written = 0;
      try {
        while (written < bytes.length) written += writeSync(fd, bytes, written);
      } catch {
        viaStream = true;
        stream().write(bytes.subarray(written));
      }
    },
    // asked only by interactive commands (device-code sign-in), which then create the stream
    get isTTY() {
      return stream().isTTY;
    },
  };
}

/** One line of stdin without its line ending (for --password-stdin and friends). */
export async function readSecretLine(io: CliIo): Promise<string> {
  const text = await io.readStdin();
  return text.replace(/\r?\n$/, '');
}
