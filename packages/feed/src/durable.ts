import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { isSimulatedCrash } from './faults.js';

/** Flushes a folder's entries (a rename inside it) to disk. Windows cannot open a folder for this; it journals renames. */
export async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch (error) {
    if (process.platform !== 'win32') throw error;
  } finally {
    await handle?.close();
  }
}

/** The suffix of every file the feed writes before renaming it into place; start-up removes leftovers. */
export const TEMPORARY_SUFFIX = '.tmp';

/**
 * Writes `data` to `file` so that a crash at any point leaves either the old file or the new one, whole:
 * a temporary file beside it is written and fsynced, then renamed over it, then the folder is fsynced.
 * `between` runs after the temporary file is durable and before the rename (a test's crash point).
 */
export async function writeFileAtomic(file: string, data: string | Buffer, between?: () => Promise<void>): Promise<void> {
  const temporary = `${file}.${randomBytes(4).toString('hex')}${TEMPORARY_SUFFIX}`;
  try {
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await between?.();
    await rename(temporary, file);
  } catch (error) {
    // A simulated crash leaves what a real one would, for start-up to clean.
    if (!isSimulatedCrash(error)) await rm(temporary, { force: true }).catch(() => {});
    throw error;
  }
  // The rename is the commit: once it happened the new file is what readers see, so a folder that cannot be
  // synced is not reported as a failed write (which would make the caller undo a write that took place).
  await syncFolder(path.dirname(file)).catch(() => {});
}

/**
 * Runs tasks one at a time per key, in arrival order; different keys run side by side. The feed's one rule for
 * writes: everything that reads "what is stored" and then changes it happens inside `run` for that key.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.#tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
