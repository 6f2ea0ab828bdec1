import { open, readFile } from 'node:fs/promises';
import { readError } from '../errors.js';
import type { EntrySource } from './entry.js';

export const CHUNK_SIZE = 1024 * 1024;

/** Reads a whole small source into memory (used only below the streaming threshold). */
export async function readWhole(source: EntrySource): Promise<Buffer> {
  if (source.kind === 'buffer') return Buffer.from(source.data.buffer, source.data.byteOffset, source.data.byteLength);
  if (source.kind === 'path' && source.offset === undefined) {
    try {
      return await readFile(source.path);
    } catch (error) {
      throw readError(error, source.path);
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
    let handle;
    try {
      handle = await open(source.path, 'r');
    } catch (error) {
      throw readError(error, source.path);
    }
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
