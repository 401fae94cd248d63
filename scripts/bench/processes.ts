// Whole-process timings for the bench: spawns commands many times, interleaved, from a small child
// process (spawn-times.mjs), and takes medians. No assertions.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, quantile } from './stats.js';

export interface Command {
  name: string;
  args: string[];
  env?: Record<string, string> | undefined;
  /** Working directory of this command (default: the one timeProcesses is given). */
  cwd?: string | undefined;
  /** Checks one run's stdout (throws when the command did not do its job). */
  check?: ((stdout: string) => void) | undefined;
}

const RUNNER = fileURLToPath(new URL('./spawn-times.mjs', import.meta.url));

/**
 * Runs every command `runs` times (round robin, after one untimed run each); wall ms per command:
 * the median, and the lower quartile (on a machine whose processes start in two speeds, depending
 * on the core they land on, the median of each command falls in whichever speed most of its runs
 * had; the lower quartile compares the fast speed with the fast speed).
 */
export function timeProcesses(commands: Command[], runs: number, cwd: string): { medians: Record<string, number>; lowerQuartiles: Record<string, number> } {
  const input = JSON.stringify({ commands: commands.map(({ name, args, env, cwd: dir }) => ({ name, args, env, cwd: dir })), runs, cwd });
  const result = spawnSync(process.execPath, [RUNNER], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`timing processes failed: ${result.stderr}`);
  const { times, stdout } = JSON.parse(result.stdout) as { times: Record<string, number[]>; stdout: Record<string, string> };
  for (const command of commands) command.check?.(stdout[command.name] ?? '');
  const each = (statistic: (values: number[]) => number) => Object.fromEntries(Object.entries(times).map(([name, values]) => [name, statistic(values)]));
  return { medians: each(median), lowerQuartiles: each((values) => quantile(values, 0.25)) };
}
