// A hidden prompt on the terminal (a password): the prompt on stderr, the keys read in raw mode with
// no echo; Backspace and Ctrl-U edit, Enter ends, Ctrl-C cancels, Ctrl-D on an empty line refuses.
// It works on the io's TtyInput, so a spec can type into a fake terminal. It decides nothing about
// when to prompt (the command does).
import { CancelledError, UsageError } from './errors.js';
import type { CliIo, TtyInput } from './io.js';

const ENTER = new Set(['\r', '\n']);
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const CTRL_U = '\u0015';
const BACKSPACE = new Set(['\u007f', '\b']);
/** An escape sequence a key sends (arrows, Home, F-keys): ignored as a whole. */
// eslint-disable-next-line no-control-regex
const KEY_SEQUENCE = /^\u001b(?:\[[0-9;?]*[ -/]*[@-~]|O.|.)?/;

/** Reads one line from the terminal without echoing it. `what` names the value in the messages (e.g. "password"). */
export function readHidden(io: CliIo, prompt: string, what: string): Promise<string> {
  const tty = io.tty as TtyInput;
  io.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (outcome: { value: string } | { error: Error }) => {
      tty.off('data', onData);
      io.signal?.removeEventListener('abort', onAbort);
      tty.setRawMode(false);
      tty.pause();
      io.stderr.write('\n');
      if ('value' in outcome) resolve(outcome.value);
      else reject(outcome.error);
    };
    const onAbort = () => finish({ error: new CancelledError() });
    const onData = (chunk: string | Uint8Array) => {
      let text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      while (text.length > 0) {
        const sequence = KEY_SEQUENCE.exec(text);
        if (sequence) {
          text = text.slice(sequence[0].length);
          continue;
        }
        const key = String.fromCodePoint(text.codePointAt(0)!);
        text = text.slice(key.length);
        if (ENTER.has(key)) return finish({ value });
        if (key === CTRL_C) return finish({ error: new CancelledError() });
        if (key === CTRL_D) {
          if (value === '') return finish({ error: new UsageError(`no ${what} was entered.`) });
          return finish({ value });
        }
        if (BACKSPACE.has(key)) value = [...value].slice(0, -1).join('');
        else if (key === CTRL_U) value = '';
        // eslint-disable-next-line no-control-regex
        else if (!/[\u0000-\u001f\u007f-\u009f]/.test(key)) value += key;
      }
    };
    if (io.signal?.aborted) return onAbort();
    io.signal?.addEventListener('abort', onAbort, { once: true });
    tty.setRawMode(true);
    tty.on('data', onData);
    tty.resume();
  });
}
