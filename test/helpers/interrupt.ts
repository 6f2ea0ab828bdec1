import { type ChildProcess, spawn } from 'node:child_process';

export interface Interrupted {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a TypeScript module in a child process, waits for it to print `marker`, sends `signal`,
 * and resolves with how it ended. The whole run is bounded by `timeoutMs` (then SIGKILL).
 */
export function interruptWhen(
  script: string,
  marker: string,
  signal: NodeJS.Signals,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<Interrupted> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (!sent && stdout.includes(marker)) {
      sent = true;
      child.kill(signal);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  return new Promise((resolve) => {
    child.on('close', (code, endSignal) => {
      clearTimeout(timer);
      resolve({ code, signal: endSignal, stdout, stderr });
    });
  });
}
