import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OctoError } from '../errors.js';
import { trackTemporary } from '../temporary-files.js';
import { pushFolderName } from '../temporary-names.js';

export interface SpooledFile {
  /** `<temporary folder>/<name>`: the file keeps the package's name, which is what a push sends. */
  path: string;
  size: number;
  /** Removes the file and its folder. */
  dispose(): Promise<void>;
}

/**
 * Copies a stream to a temporary file: an upload needs a length and a retry needs the bytes again,
 * and a file gives both while memory stays flat. (push() itself copies a stream while sending it;
 * this is for callers that need the bytes once more afterwards, as gulp-octo does.)
 */
export async function spoolStream(stream: Readable, name: string): Promise<SpooledFile> {
  // Tracked before it is made: a SIGINT or SIGTERM at any moment removes it.
  const folder = path.join(os.tmpdir(), pushFolderName());
  const untrack = trackTemporary(folder);
  await mkdir(folder, { mode: 0o700 }).catch((error: unknown) => {
    untrack();
    throw error;
  });
  const file = path.join(folder, path.basename(name));
  const dispose = async (): Promise<void> => {
    await rm(folder, { recursive: true, force: true });
    untrack();
  };
  try {
    await pipeline(stream, createWriteStream(file));
  } catch (error) {
    await dispose();
    throw new OctoError('ERR_OCTO_UNREADABLE_FILE', `Could not read the package stream for ${name}: ${(error as Error).message}.`, {
      hint: 'The stream that produced the package failed; see the cause.',
      cause: error,
    });
  }
  const { size } = await stat(file);
  return { path: file, size, dispose };
}
