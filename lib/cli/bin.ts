#!/usr/bin/env node
// The d365fo-auth executable: runs main() with the real process and exits with its code.
import { findCommand } from './args.js';
import { processIo } from './io.js';
import { COMMANDS, main } from './main.js';

/** The largest WebAssembly tiering budget V8 takes (an int32): no command runs that much parser code. */
const WASM_TIERING_BUDGET = 2 ** 31 - 1;

/**
 * undici parses HTTP with a WebAssembly build of llhttp, and V8 recompiles its hot parser function
 * with its optimising compiler in a background thread once it has parsed enough bytes (Node 20:
 * after the first response, 200-400 ms of CPU; Node 22 and 24: after the second, 100-150 ms, which
 * `lcs login` with its two requests and every device-code wait reach), and the process waits for it
 * before it exits. A process sending a few small requests never earns that back. The executable
 * owns its process, so for a command that sends requests it raises V8's WebAssembly tiering budget
 * (roughly the bytes of code a function runs before it is recompiled) out of reach, which keeps the
 * parser on V8's baseline compiler. That flag takes effect at run time on every supported Node
 * (`--liftoff-only` and `--no-wasm-tier-up` are ignored at run time from Node 24 on); the package
 * spec checks the effect with V8's compile trace. A V8 flag changed at run time makes V8 refuse the
 * compile cache Node ships for its own modules (a built-in loaded afterwards compiles from source,
 * in twice the time), so the built-ins an HTTPS client stands on (node:http2 and node:https bring
 * tls, net, http, crypto and streams; undici loads them all) are loaded first. node:v8 costs a few
 * milliseconds to load, so the other commands (and `lcs token`'s saved-token path) skip all this.
 *
 * A command that waits for a person to sign in (a device code) idles for seconds to minutes. About
 * 8 s into that idle time V8's memory reducer gives the start-up heap back with two full
 * collections: 30-55 ms of CPU on Node 20 and 22, more than all the polls of a 30 s wait, to return
 * a megabyte or two from a process that ends when the sign-in does (Node 24 does not start it for a
 * heap this small). V8 decides to run them while the built-ins above load (they grow the heap past
 * the reducer's trigger), so a flag set before them would stop it only at the price of their
 * compile cache; what V8 still checks when the reducer's timer comes is whether incremental marking
 * may start. Such a command turns that off: a full collection, should its small heap need one, then
 * runs in a single pause. The package spec checks the effect with V8's GC trace.
 */
async function prepareProcess(argv: string[]): Promise<void> {
  const command = findCommand([...argv], COMMANDS).command;
  if (!command?.sendsRequests) return;
  for (const name of ['node:http2', 'node:https']) process.getBuiltinModule(name);
  const v8 = await import('node:v8');
  v8.setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
  if (command.waitsForPerson) v8.setFlagsFromString('--no-incremental-marking');
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
