import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, stat, unlink, link } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { OctoError, writeError } from '../errors.js';
import { trackTemporary } from '../temporary-files.js';
import { type PackageFormat, isGzipped } from '../format.js';
import { type WriteEntriesOptions, writeEntries } from './archive-writer.js';
import { type ByteSink, FileSink, StreamSink } from './byte-sink.js';
import type { ArchiveEntry } from './entry.js';
import { GzipSink } from './gzip-sink.js';
import { partialFileName, removeStalePartials } from './stale-partials.js';
import { TarWriter } from './tar-writer.js';
import { ZipWriter } from './zip-writer.js';

export interface ArchiveOptions extends WriteEntriesOptions {
  format: PackageFormat;
  /** 0 (store) to 9; default 6. */
  compressionLevel: number;
}

/** Writes entries as a zip, tar or tar.gz into a sink; the sink is closed at the end. */
export async function writeArchive(entries: readonly ArchiveEntry[], sink: ByteSink, options: ArchiveOptions): Promise<void> {
  if (options.format === 'zip') {
    await writeEntries(entries, new ZipWriter(sink, { level: options.compressionLevel }), options);
    await sink.close();
    return;
  }
  const tarSink = isGzipped(options.format) ? new GzipSink(sink, { level: options.compressionLevel }) : sink;
  await writeEntries(entries, new TarWriter(tarSink), options);
  await tarSink.close();
}

export interface WrittenFile {
  path: string;
  size: number;
  sha1: string;
}

/**
 * Writes a package next to its final name and renames it into place only when it is complete,
 * so that a failed or interrupted pack never leaves a package file behind.
 */
export async function writeArchiveFile(
  entries: readonly ArchiveEntry[],
  destination: string,
  options: ArchiveOptions & { overwrite?: boolean },
): Promise<WrittenFile> {
  const folder = path.dirname(destination);
  await assertWritable(destination, options.overwrite ?? false);
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw writeError(error, destination);
  }
  // What an earlier run killed outright (SIGKILL, power loss) left of this package.
  await removeStalePartials(destination);
  const temporary = path.join(folder, partialFileName(destination, randomBytes(6).toString('hex')));
  // Removed on SIGINT, SIGTERM or exit before it is renamed into place.
  const untrack = trackTemporary(temporary);
  let handle;
  try {
    handle = await open(temporary, 'wx');
  } catch (error) {
    untrack();
    throw writeError(error, destination);
  }
  try {
    const sink = new FileSink(handle);
    await writeArchive(entries, sink, options);
    await handle.close();
    handle = undefined;
    if (options.overwrite) {
      await rename(temporary, destination);
    } else {
      // link() refuses to replace, so a package that appeared meanwhile is never overwritten.
      await link(temporary, destination).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') throw outputExists(destination);
        if (error.code === 'EPERM' || error.code === 'ENOTSUP' || error.code === 'EXDEV') return rename(temporary, destination);
        throw error;
      });
      await unlink(temporary).catch(() => {});
    }
    untrack();
    return { path: destination, size: sink.bytesWritten, sha1: sink.digest() };
  } catch (error) {
    await handle?.close().catch(() => {});
    await unlink(temporary).catch(() => {});
    untrack();
    throw writeError(error, destination);
  }
}

function outputExists(destination: string): OctoError {
  return new OctoError('ERR_OCTO_OUTPUT_EXISTS', `The package ${destination} already exists.`, {
    hint: 'Set overwrite: true (--overwrite) to replace it, or bump the version.',
    path: destination,
  });
}

async function assertWritable(destination: string, overwrite: boolean): Promise<void> {
  if (overwrite) return;
  try {
    await stat(destination);
  } catch {
    return;
  }
  throw outputExists(destination);
}

/** Writes a package into a Writable (for piping to a push or an HTTP response). */
export async function writeArchiveStream(entries: readonly ArchiveEntry[], stream: Writable, options: ArchiveOptions): Promise<number> {
  const sink = new StreamSink(stream);
  await writeArchive(entries, sink, options);
  return sink.bytesWritten;
}
