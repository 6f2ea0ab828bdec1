import { open, readFile } from 'node:fs/promises';
import { readError } from '../errors.js';
import type { EntrySource } from './entry.js';

export const CHUNK_SIZE = 1024 * 1024;

/** Reads a whole small source into memory (used only below the streaming threshold). */
export async function readWhole(source: EntrySource): Promise<Buffer> {
  if (source.kind === 'buffer') return Buffer.from(source.data.buffer, source.data.byteOffset, source.data.byteLength);
  if (source.kind === 'path') {
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
    try {
      for (;;) {
        const buffer = Buffer.allocUnsafe(chunkSize);
        let bytesRead: number;
        try {
          ({ bytesRead } = await handle.read(buffer, 0, chunkSize, null));
        } catch (error) {
          throw readError(error, source.path);
        }
        if (bytesRead === 0) return;
        yield bytesRead === chunkSize ? buffer : buffer.subarray(0, bytesRead);
      }
    } finally {
      await handle.close();
    }
  }
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const raw of source.stream) {
    const chunk: Buffer = typeof raw === 'string' ? Buffer.from(raw) : Buffer.from(raw as Uint8Array);
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
