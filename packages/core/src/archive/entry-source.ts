import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { OctoError, readError } from '../errors.js';
import type { EntrySource } from './entry.js';

export const CHUNK_SIZE = 1024 * 1024;

/** Reads a whole small source into memory (used only below the streaming threshold). */
export async function readWhole(source: EntrySource): Promise<Buffer> {
  if (source.kind === 'buffer') return Buffer.from(source.data.buffer, source.data.byteOffset, source.data.byteLength);
  if (source.kind === 'path' && source.offset === undefined) {
    const handle = await openRegularFile(source.path);
    try {
      return await handle.readFile();
    } catch (error) {
      throw readError(error, source.path);
    } finally {
      await handle.close();
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of readChunks(source)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Yields a source's bytes in chunks of about `CHUNK_SIZE`; memory stays flat whatever the size. */
export async function* readChunks(source: EntrySource, chunkSize = CHUNK_SIZE): AsyncGenerator<Buffer> {
  if (source.kind === 'buffer') {
    const data = Buffer.from(source.data.buffer, source.data.byteOffset, source.data.byteLength);
    for (let offset = 0; offset < data.byteLength; offset += chunkSize) yield data.subarray(offset, offset + chunkSize);
    return;
  }
  if (source.kind === 'path') {
    const handle = await openRegularFile(source.path);
    // A range (offset given) stops at its size; a whole file is read to its end.
    const end = source.offset === undefined ? Infinity : source.offset + source.size;
    let position = source.offset ?? 0;
    try {
      while (position < end) {
        const length = Math.min(chunkSize, end - position);
        const buffer = Buffer.allocUnsafe(length);
        let bytesRead: number;
        try {
          ({ bytesRead } = await handle.read(buffer, 0, length, position));
        } catch (error) {
          throw readError(error, source.path);
        }
        if (bytesRead === 0) return;
        position += bytesRead;
        yield bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
      }
    } finally {
      await handle.close();
    }
    return;
  }
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const raw of source.stream) {
    const chunk: Buffer =
      typeof raw === 'string'
        ? Buffer.from(raw)
        : Buffer.isBuffer(raw)
          ? raw
          : Buffer.from((raw as Uint8Array).buffer, (raw as Uint8Array).byteOffset, (raw as Uint8Array).byteLength);
    pending.push(chunk);
    pendingBytes += chunk.byteLength;
    if (pendingBytes >= chunkSize) {
      yield Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
}

/**
 * Opens a file for reading only if it is a regular file. O_NONBLOCK keeps open() from waiting
 * for a writer when the path is (or was swapped for) a FIFO; the check is made on the open
 * handle, so nothing can change between it and the read.
 */
export async function openRegularFile(file: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw readError(error, file);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw notRegularFile(file, stats);
    return handle;
  } catch (error) {
    await handle.close().catch(() => {});
    throw readError(error, file);
  }
}

/** What a path that is not a regular file is, for messages. */
export function describeFileType(stats: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** ERR_OCTO_UNREADABLE_FILE for a FIFO, socket, device or folder where a file's bytes were wanted. */
export function notRegularFile(file: string, stats: Parameters<typeof describeFileType>[0]): OctoError {
  const kind = describeFileType(stats);
  return new OctoError('ERR_OCTO_UNREADABLE_FILE', `${file} is ${kind}, not a regular file, so it cannot be packed.`, {
    hint: stats.isDirectory()
      ? 'Add a folder with addDirectory(), or leave it out.'
      : 'Only regular files, folders and links go into a package: leave it out, or exclude it with a pattern.',
    path: file,
  });
}
