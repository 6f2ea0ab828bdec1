import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The repository's root; `tmp/` under it is ignored by git and holds test projects that need the installed tools. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The command-line entry points a user runs: ours, and the real gulp and grunt. */
export const BINS = {
  octojs: path.join(ROOT, 'packages', 'octojs', 'bin', 'octojs.js'),
  gulp: path.join(ROOT, 'node_modules', 'gulp', 'bin', 'gulp.js'),
  grunt: path.join(ROOT, 'node_modules', 'grunt', 'bin', 'grunt'),
};

/**
 * Runs a Node script in a child process as a user would, with a clean environment (async, so that
 * a feed running in the test process keeps answering). Killed after `timeout` ms, so a hang fails.
 */
export function runNode(
  script: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeout ?? 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : 0), stdout, stderr }));
  });
}
