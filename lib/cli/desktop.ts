// Opening a URL in the default browser and copying text to the clipboard for the CLI, with the
// library's desktop programs (argument vectors, never a shell string). It decides nothing about
// when to do either (device-ux.ts does).
import { openInBrowser, runDesktopProgram, type OpenResult } from '../index.js';
import type { CliIo, OpenOutcome } from './io.js';

/** `done`: the program started and did not report a failure; `how`: what was tried and how it ended, e.g. "xdg-open exited with 3". */
export type Outcome = OpenOutcome;

const outcomeOf = (result: OpenResult): Outcome => ({ done: result.opened, how: result.how });

/** Opens `url` in the default browser (the library's opener); says whether the opener really started. */
export async function openUrl(url: string, io: CliIo): Promise<Outcome> {
  return outcomeOf(await openInBrowser(url, { platform: io.platform, env: io.env }));
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
    last = outcomeOf(await runDesktopProgram(tool, args, { env: io.env }, text));
    if (last.done) return last;
  }
  return last;
}
