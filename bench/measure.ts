import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Measurement {
  seconds: number;
  /** Peak resident set of the measured process, from GNU time; NaN where it is not installed. */
  rssMb: number;
}

const GNU_TIME = '/usr/bin/time';

/** Runs a command to completion and measures it as a whole process: wall time and peak RSS. */
export function measure(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; shell?: boolean }): Measurement {
  const hasTime = existsSync(GNU_TIME) && !options.shell;
  const started = process.hrtime.bigint();
  const run = hasTime
    ? spawnSync(GNU_TIME, ['-f', '%M', command, ...args], {
        cwd: options.cwd,
        encoding: 'utf8',
        env: options.env ?? process.env,
        maxBuffer: 1 << 26,
      })
    : spawnSync(command, args, {
        cwd: options.cwd,
        encoding: 'utf8',
        env: options.env ?? process.env,
        shell: options.shell ?? false,
        maxBuffer: 1 << 26,
      });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  const rssKb = hasTime ? Number(run.stderr.trim().split('\n').at(-1)) : NaN;
  return { seconds, rssMb: rssKb / 1024 };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs `once` `runs` times and keeps the medians (runs alternate between tools at the call site). */
export function summarize(measurements: Measurement[]): Measurement {
  return { seconds: median(measurements.map((m) => m.seconds)), rssMb: Math.max(...measurements.map((m) => m.rssMb)) };
}

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}
