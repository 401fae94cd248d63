// Runs commands many times, round robin, and prints each one's wall times (ms) and last stdout as
// JSON. A small process of its own: spawned from the bench itself (hundreds of MB, V8 helper
// threads still busy after the timed rows), every child would start slower than from a shell.
// Input (stdin, JSON): { commands: [{ name, args, env?, cwd? }], runs, cwd }. Used by processes.ts.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const { commands, runs, cwd } = JSON.parse(readFileSync(0, 'utf8'));
const base = { ...process.env };
// users do not have the bench's test CA; their processes start without it
delete base.NODE_EXTRA_CA_CERTS;
const times = Object.fromEntries(commands.map((c) => [c.name, []]));
const stdout = {};
for (let run = -1; run < runs; run++) {
  for (const command of commands) {
    const started = performance.now();
    const result = spawnSync(process.execPath, command.args, { cwd: command.cwd ?? cwd, env: { ...base, ...command.env }, encoding: 'utf8' });
    const elapsed = performance.now() - started;
    if (result.status !== 0) {
      process.stderr.write(`${command.name} exited with ${result.status}: ${result.stderr}\n`);
      process.exit(1);
    }
    stdout[command.name] = result.stdout;
    if (run >= 0) times[command.name].push(elapsed);
  }
}
process.stdout.write(JSON.stringify({ times, stdout }));
