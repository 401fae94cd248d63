// Whole-process timings for the bench: spawns commands many times, interleaved, and takes medians. No assertions.
import { spawnSync } from 'node:child_process';
import { median } from './stats.js';

export interface Command {
  name: string;
  args: string[];
  env?: Record<string, string> | undefined;
  /** Checks one run's stdout (throws when the command did not do its job). */
  check?: ((stdout: string) => void) | undefined;
}

/** Runs every command `runs` times (round robin, after one untimed run each); median wall ms per command. */
export function timeProcesses(commands: Command[], runs: number, cwd: string): Record<string, number> {
  const base: Record<string, string | undefined> = { ...process.env };
  // users do not have the bench's test CA; their processes start without it
  delete base['NODE_EXTRA_CA_CERTS'];
  const times = new Map<string, number[]>(commands.map((c) => [c.name, []]));
  for (let run = -1; run < runs; run++) {
    for (const command of commands) {
      const started = performance.now();
      const result = spawnSync(process.execPath, command.args, { cwd, env: { ...base, ...command.env }, encoding: 'utf8' });
      const elapsed = performance.now() - started;
      if (result.status !== 0) throw new Error(`${command.name} exited with ${result.status}: ${result.stderr}`);
      command.check?.(result.stdout);
      if (run >= 0) times.get(command.name)!.push(elapsed);
    }
  }
  return Object.fromEntries([...times].map(([name, values]) => [name, median(values)]));
}
