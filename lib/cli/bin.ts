#!/usr/bin/env node
// The d365fo-auth executable: runs main() with the real process and exits with its code.
import { processIo } from './io.js';
import { main } from './main.js';

const io = processIo();
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
    // a command that waited on Ctrl-C has nothing left to do
    if (io.signal?.aborted) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
