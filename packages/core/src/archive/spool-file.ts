import { type FileHandle, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeError } from '../errors.js';
import { makeTemporaryFolder } from '../temporary-files.js';
import { SPOOL_FOLDER_PREFIX } from '../temporary-names.js';
import type { EntrySource } from './entry.js';

/**
 * An append-only temporary file for buffers a builder was handed: once written there, a buffer
 * can be dropped from the heap and read back when its turn in the archive comes. This is what
 * keeps a gulp pipeline of buffered files from holding the whole build in memory. A push keeps
 * its copy of a package stream in one too.
 */
export class SpoolFile {
  /** `prefix`: the temporary folder's name starts with it, which says whose file it is. */
  constructor(readonly prefix = SPOOL_FOLDER_PREFIX) {}

  #folder: string | undefined;
  #handle: FileHandle | undefined;
  #opening: Promise<FileHandle> | undefined;
  #size = 0;
  #tail: Promise<unknown> = Promise.resolve();
  #untrack: (() => void) | undefined;

  /** Appends `data`; resolves with where to read it back. Calls are written in order. */
  append(data: Uint8Array): Promise<EntrySource> {
    const offset = this.#size;
    this.#size += data.byteLength;
    const written = this.#tail.then(async () => {
      const handle = await this.#open();
      let done = 0;
      while (done < data.byteLength) {
        const { bytesWritten } = await handle.write(data, done, data.byteLength - done, offset + done);
        done += bytesWritten;
      }
      return { kind: 'path', path: this.#file(), offset, size: data.byteLength } satisfies EntrySource;
    });
    this.#tail = written.catch(() => {});
    return written.catch((error: unknown) => {
      throw writeError(error, this.#file());
    });
  }

  #file(): string {
    return path.join(this.#folder ?? os.tmpdir(), 'spool');
  }

  /** The file, once something was written to it. */
  get path(): string | undefined {
    return this.#folder === undefined ? undefined : this.#file();
  }

  #open(): Promise<FileHandle> {
    this.#opening ??= (async () => {
      // A copy of the build must not outlive a Ctrl-C.
      ({ folder: this.#folder, untrack: this.#untrack } = await makeTemporaryFolder(this.prefix));
      this.#handle = await open(this.#file(), 'w+');
      return this.#handle;
    })();
    return this.#opening;
  }

  /** Closes and removes the spool file; safe to call more than once. */
  async dispose(): Promise<void> {
    await this.#tail;
    const handle = this.#handle;
    const folder = this.#folder;
    this.#handle = undefined;
    this.#folder = undefined;
    this.#opening = undefined;
    await handle?.close().catch(() => {});
    if (folder) await rm(folder, { recursive: true, force: true });
    this.#untrack?.();
    this.#untrack = undefined;
  }
}
