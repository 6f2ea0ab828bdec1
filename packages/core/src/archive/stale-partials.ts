import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { trackedTemporaries } from '../temporary-files.js';
import { PARTIAL_TAG, partialFileName } from '../temporary-names.js';

/**
 * A package is written as `.<file name>.<pid>-<random>.partial` beside its final name. The pid
 * says whether the run that wrote it is still alive, so that a later pack can remove what a run
 * killed outright left behind without touching a pack of the same package under way elsewhere.
 */
export { partialFileName };

/** Partials of older versions, without a pid, are judged by age instead. */
const UNOWNED_STALE_AFTER_MS = 60 * 60 * 1000;

/** Removes the `.partial` files of `destination` whose writer is gone. Never fails the pack. */
export async function removeStalePartials(destination: string): Promise<void> {
  const folder = path.dirname(destination);
  const prefix = `.${path.basename(destination)}.`;
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return; // no out folder yet, or not readable: nothing of ours to clean
  }
  const ours = new Set(trackedTemporaries());
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.partial')) continue;
    const file = path.join(folder, name);
    if (ours.has(file)) continue; // being written by this process
    const tag = name.slice(prefix.length, -'.partial'.length);
    const owner = PARTIAL_TAG.exec(tag);
    if (owner?.[1] !== undefined) {
      if (isAlive(Number(owner[1]))) continue;
    } else if (owner) {
      const stats = await stat(file).catch(() => undefined);
      if (!stats || Date.now() - stats.mtimeMs < UNOWNED_STALE_AFTER_MS) continue;
    } else continue; // not a name we write
    await unlink(file).catch(() => {});
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false; // ours, yet untracked: a run of this process that crashed
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}
