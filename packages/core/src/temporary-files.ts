import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Temporary files and folders that must not outlive the process: a package being written
 * (`.partial`), a builder's spool, a push's retry copy. A SIGINT or SIGTERM removes them before
 * the process ends with that signal, as it would have without us; a normal exit removes what a
 * crashed operation forgot. Removal is synchronous because a signal leaves no time for more.
 */
const tracked = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function removeTracked(): void {
  for (const file of tracked) {
    try {
      rmSync(file, { recursive: true, force: true });
    } catch {
      // Nothing more can be done while the process is going down.
    }
  }
  tracked.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeTracked();
  uninstall();
  // With our listener gone, the signal's default action (or the application's own listener) runs.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('exit', removeTracked);
}

function uninstall(): void {
  for (const signal of SIGNALS) process.off(signal, onSignal);
  process.off('exit', removeTracked);
}

/**
 * Removes `file` (recursively) if the process is interrupted or exits before the returned
 * function is called. Call that function once the file is renamed into place or removed.
 */
export function trackTemporary(file: string): () => void {
  if (tracked.size === 0) install();
  tracked.add(file);
  return () => {
    tracked.delete(file);
    if (tracked.size === 0) uninstall();
  };
}

/** What is tracked now; for tests. */
export function trackedTemporaries(): readonly string[] {
  return [...tracked];
}

/**
 * Makes a private temporary folder `<os.tmpdir()>/<prefix><6 characters>` (as mkdtemp names it),
 * tracked before it exists: a signal that lands between mkdtemp and tracking would leave it behind.
 */
export async function makeTemporaryFolder(prefix: string): Promise<{ folder: string; untrack: () => void }> {
  for (;;) {
    const folder = path.join(os.tmpdir(), `${prefix}${randomBytes(6).toString('base64url').slice(0, 6).replace(/[-_]/g, 'x')}`);
    const untrack = trackTemporary(folder);
    try {
      await mkdir(folder, { mode: 0o700 });
      return { folder, untrack };
    } catch (error) {
      untrack();
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
