import zlib from 'node:zlib';
import type { ByteSink } from './byte-sink.js';
import { CHUNK_SIZE } from './entry-source.js';
import { deflateBlocks } from './parallel-deflate.js';

/**
 * A sink that gzips what it is given on several threads (pigz's method: independent, primed
 * blocks) and passes the result to another sink. The gzip header carries no time or name, so the
 * output depends only on the input.
 */
export class GzipSink implements ByteSink {
  readonly #inner: ByteSink;
  readonly #done: Promise<void>;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  bytesWritten = 0;
  #crc = 0;
  #size = 0;
  #failure: unknown;

  constructor(inner: ByteSink, options: { level: number }) {
    this.#inner = inner;
    const header = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, options.level >= 9 ? 2 : options.level === 1 ? 4 : 0, 3]);
    this.#done = (async () => {
      await inner.write(header);
      const onRaw = (block: Buffer): void => {
        this.#crc = zlib.crc32(block, this.#crc);
        this.#size += block.byteLength;
      };
      for await (const compressed of deflateBlocks(this.#source(), { level: options.level, onRaw })) {
        await inner.write(compressed);
      }
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(this.#crc >>> 0, 0);
      trailer.writeUInt32LE(this.#size % 0x100000000, 4);
      await inner.write(trailer);
    })();
    this.#done.catch((error: unknown) => {
      this.#failure = error;
    });
  }

  // A tiny hand-off between write() and the compressor, with back-pressure on write().
  #waitingBlock: ((block: Buffer | undefined) => void) | undefined;
  #queued: (Buffer | undefined)[] = [];
  #spaceWaiter: (() => void) | undefined;

  async *#source(): AsyncGenerator<Buffer> {
    for (;;) {
      const block =
        this.#queued.length > 0
          ? this.#queued.shift()
          : await new Promise<Buffer | undefined>((resolve) => {
              this.#waitingBlock = resolve;
            });
      this.#spaceWaiter?.();
      this.#spaceWaiter = undefined;
      if (block === undefined) return;
      yield block;
    }
  }

  #push(block: Buffer | undefined): void {
    if (this.#waitingBlock) {
      const resolve = this.#waitingBlock;
      this.#waitingBlock = undefined;
      resolve(block);
    } else {
      this.#queued.push(block);
    }
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    if (chunk.byteLength === 0) return;
    this.bytesWritten += chunk.byteLength;
    this.#pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.#pendingBytes += chunk.byteLength;
    if (this.#pendingBytes >= CHUNK_SIZE) {
      this.#push(Buffer.concat(this.#pending, this.#pendingBytes));
      this.#pending = [];
      this.#pendingBytes = 0;
      if (this.#queued.length >= 2) {
        await Promise.race([
          new Promise<void>((resolve) => {
            this.#spaceWaiter = resolve;
          }),
          this.#done,
        ]);
        if (this.#failure !== undefined) throw this.#failure;
      }
    }
  }

  async close(): Promise<void> {
    if (this.#pendingBytes > 0) this.#push(Buffer.concat(this.#pending, this.#pendingBytes));
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#push(undefined);
    await this.#done;
    await this.#inner.close();
  }
}
