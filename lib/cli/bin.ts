#!/usr/bin/env node
// The d365fo-auth executable: runs main() with the real process and exits with its code.
import { findCommand } from './args.js';
import { processIo } from './io.js';
import { COMMANDS, main } from './main.js';

/**
 * undici parses HTTP with a WebAssembly build of llhttp, and V8 recompiles its hot parser function
 * with its optimising compiler in a background thread once it has parsed a response or two (Node
 * 20: after the first, 200-400 ms of CPU; Node 22: after the second, about 100 ms, which `lcs
 * login` with its two requests and every device-code wait reach), and the process waits for it
 * before it exits. A process sending a few small requests never earns that back. The executable
 * owns its process, so for a command that sends requests it keeps WebAssembly on V8's baseline
 * compiler. A V8 flag changed at run time makes V8 refuse the compile cache Node ships for its own
 * modules (a built-in loaded afterwards compiles from source, in twice the time), so the built-ins
 * an HTTPS client stands on (node:http2 and node:https bring tls, net, http, crypto and streams;
 * undici loads them all) are loaded first. From Node 24 on the flag no longer takes effect once V8
 * runs (measured: the recompilation still happens), so V8 is left alone there. node:v8 costs a few
 * milliseconds to load, so the other commands (and `lcs token`'s saved-token path) skip all this.
 */
async function prepareProcess(argv: string[]): Promise<void> {
  if (Number(process.versions.node.split('.')[0]) >= 24) return;
  if (!findCommand([...argv], COMMANDS).command?.sendsRequests) return;
  for (const name of ['node:http2', 'node:https']) process.getBuiltinModule(name);
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
