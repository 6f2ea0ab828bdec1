import { promisify } from 'node:util';
import zlib from 'node:zlib';

const deflateRaw = promisify(zlib.deflateRaw) as (data: Buffer, options: zlib.ZlibOptions) => Promise<Buffer>;

/** zlib's window: priming each block with the previous 32 KiB keeps the ratio of one continuous stream. */
const WINDOW = 32 * 1024;
/** A final, empty, fixed-Huffman deflate block: ends a stream whose blocks were sync-flushed. */
export const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00]);

export interface ParallelDeflateOptions {
  level: number;
  /** How many blocks are compressed at once (on libuv's thread pool). */
  concurrency?: number;
  /** Called with each raw block, in order, before its compressed form is yielded. */
  onRaw?: (block: Buffer) => void;
}

/**
 * One raw-deflate stream made of independently compressed blocks, pigz-style: each block is
 * sync-flushed (byte-aligned, not final) and primed with the previous block's tail, so the blocks
 * can be compressed on several threads at once and simply concatenated in order.
 */
export async function* deflateBlocks(blocks: AsyncIterable<Buffer>, options: ParallelDeflateOptions): AsyncGenerator<Buffer> {
  const concurrency = options.concurrency ?? 4;
  const queue: Promise<Buffer>[] = [];
  let previous: Buffer | undefined;
  try {
    for await (const block of blocks) {
      options.onRaw?.(block);
      const zlibOptions: zlib.ZlibOptions = { level: options.level, finishFlush: zlib.constants.Z_SYNC_FLUSH };
      if (previous !== undefined) zlibOptions.dictionary = previous.subarray(Math.max(0, previous.byteLength - WINDOW));
      const compressed = deflateRaw(block, zlibOptions);
      compressed.catch(() => {}); // awaited below; this only avoids an unhandled rejection while queued
      queue.push(compressed);
      previous = block;
      while (queue.length >= concurrency) yield await queue.shift()!;
    }
    while (queue.length > 0) yield await queue.shift()!;
    yield FINAL_EMPTY_BLOCK;
  } finally {
    queue.length = 0;
  }
}
