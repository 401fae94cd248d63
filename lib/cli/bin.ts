#!/usr/bin/env node
// The d365fo-auth executable: runs main() with the real process and exits with its code.
import { findCommand } from './args.js';
import { processIo } from './io.js';
import { COMMANDS, main } from './main.js';

/**
 * undici parses HTTP with a WebAssembly build of llhttp. On Node 20, V8 recompiles its hot parser
 * function with its optimising compiler in a background thread soon after the first response:
 * 200-400 ms of CPU that a process sending a few requests never earns back, and the process waits
 * for it before it exits (Node 22 and 24 do not do this). The executable owns its process, so for
 * a command that sends requests it keeps WebAssembly on V8's baseline compiler; node:v8 costs a
 * few milliseconds to load, so the other commands (and `lcs token`'s saved-token path) skip it.
 */
async function prepareProcess(argv: string[]): Promise<void> {
  if (process.versions.node.split('.')[0] !== '20') return;
  if (!findCommand([...argv], COMMANDS).command?.sendsRequests) return;
  (await import('node:v8')).setFlagsFromString('--liftoff-only');
}

const argv = process.argv.slice(2);
const io = processIo();
prepareProcess(argv).then(() => main(argv, io)).then(
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
