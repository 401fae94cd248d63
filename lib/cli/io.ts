// The CLI's view of the outside world (streams, stdin, environment, Ctrl-C), so commands never
// touch process.* and tests can capture everything.
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
    stdout: { write: (text) => void process.stdout.write(text), isTTY: process.stdout.isTTY },
    stderr: { write: (text) => void process.stderr.write(text), isTTY: process.stderr.isTTY },
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

/** One line of stdin without its line ending (for --password-stdin and friends). */
export async function readSecretLine(io: CliIo): Promise<string> {
  const text = await io.readStdin();
  return text.replace(/\r?\n$/, '');
}
