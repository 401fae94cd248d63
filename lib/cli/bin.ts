#!/usr/bin/env node
// The d365fo-auth executable: runs main() with the real process, then exits with its code once
// stdout and stderr have taken everything written to them. It sets no V8 flags and writes to no
// file descriptor directly: output goes through process.stdout and process.stderr.
import { processIo } from './io.js';
import { main } from './main.js';

/**
 * Exits with `code` after both streams have written what they hold. A pipe's Node stream writes
 * asynchronously once the pipe is full, so a plain process.exit() could cut piped output short;
 * an empty write's callback runs only after every earlier write to that stream has gone out (or
 * the stream has failed, e.g. a reader that went away). The exit itself is explicit: a command
 * cancelled with Ctrl-C may leave a connection pending that would otherwise keep the process alive.
 */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

const io = processIo();
main(process.argv.slice(2), io).then(exitAfterFlush, (error: unknown) => {
  // main() maps every error itself; this is the last resort for a bug in it
  process.stderr.write(`error: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
  exitAfterFlush(1);
});
