import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { NOT_WORTH, PROBE_BYTES, looksIncompressible } from './incompressible.js';

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

const STORED_MAX = 0xffff;

/** `block` as stored (uncompressed) deflate blocks, none final: what deflate itself emits for incompressible data. */
export function storedBlocks(block: Buffer): Buffer {
  const count = Math.ceil(block.byteLength / STORED_MAX);
  const out = Buffer.allocUnsafe(block.byteLength + count * 5);
  let at = 0;
  for (let offset = 0; offset < block.byteLength; offset += STORED_MAX) {
    const length = Math.min(STORED_MAX, block.byteLength - offset);
    out[at] = 0x00; // BFINAL 0, BTYPE 00 (stored), padded to the byte
    out.writeUInt16LE(length, at + 1);
    out.writeUInt16LE(~length & 0xffff, at + 3);
    block.copy(out, at + 5, offset, offset + length);
    at += 5 + length;
  }
  return out;
}

/** Whether to store a block instead of deflating it: a cheap histogram test, confirmed on a small sample. */
async function storeInstead(block: Buffer, level: number): Promise<boolean> {
  if (level === 0 || !looksIncompressible(block)) return false;
  const sample = block.subarray(0, PROBE_BYTES);
  const deflated = await deflateRaw(sample, { level, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  return deflated.byteLength >= sample.byteLength * NOT_WORTH;
}

/**
 * One raw-deflate stream made of independently compressed blocks, pigz-style: each block is
 * sync-flushed (byte-aligned, not final) and primed with the previous block's tail, so the blocks
 * can be compressed on several threads at once and simply concatenated in order. Blocks of random
 * or already-compressed bytes are stored instead, which costs nothing to compute.
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
      const compressed = storeInstead(block, options.level).then((store) => (store ? storedBlocks(block) : deflateRaw(block, zlibOptions)));
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
