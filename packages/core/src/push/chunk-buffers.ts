import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

export const FILE_CHUNK = 4 * 1024 * 1024;
/**
 * Bytes of a stream gathered and sent at a time: a stream's own pace (its many small chunks) sets the
 * speed, so bigger buffers would only add memory to the producer's.
 */
export const STREAM_CHUNK = 1024 * 1024;
/** Buffers an upload cycles through: enough to keep the socket busy while the next is filled. */
const SLOTS = 3;

/**
 * How many of the package's bytes an upload has handed to the network: the HTTP client reports a
 * chunk once the socket took it, and only then may the buffer that held it be filled again.
 */
export class WriteWatermark {
  #written = 0;
  #closed = false;
  #waiters: { at: number; resolve: (reached: boolean) => void }[] = [];

  advance(bytes: number): void {
    this.#written = Math.max(this.#written, bytes);
    this.#waiters = this.#waiters.filter((waiter) => (waiter.at <= this.#written ? (waiter.resolve(true), false) : true));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The upload is over (sent, failed or abandoned): nobody waits any more. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiters) waiter.resolve(false);
    this.#waiters = [];
  }

  /** True once `bytes` have been written; false if the upload ended first. */
  reached(bytes: number): Promise<boolean> {
    if (bytes <= this.#written) return Promise.resolve(true);
    if (this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => this.#waiters.push({ at: bytes, resolve }));
  }
}

/**
 * A few buffers used in turn; one is handed out again only once the upload has written what it held
 * (and whatever else was told to keep it, such as the write of a stream's spool copy).
 */
export class SlotRing {
  readonly #slots: Buffer[];
  readonly #ends = new Array<number>(SLOTS).fill(0);
  readonly #holds = new Array<Promise<unknown>>(SLOTS).fill(Promise.resolve());
  #next = 0;

  constructor(readonly size: number) {
    this.#slots = Array.from({ length: SLOTS }, () => Buffer.allocUnsafe(size));
  }

  /** A buffer of `bytes` (at most `size`) for the package's bytes from `position`, once the upload is done with its last content. */
  async take(bytes: number, position: number, written: WriteWatermark): Promise<Buffer> {
    const slot = this.#next;
    this.#next = (slot + 1) % SLOTS;
    await this.#holds[slot];
    if (this.#ends[slot]! > 0 && position >= this.#ends[slot]!) await written.reached(this.#ends[slot]!);
    this.#ends[slot] = position + bytes;
    return this.#slots[slot]!.subarray(0, bytes);
  }

  /** The buffer last taken is not handed out again before `work` settles. */
  holdLast(work: Promise<unknown>): void {
    this.#holds[(this.#next + SLOTS - 1) % SLOTS] = work.catch(() => {});
  }
}

/**
 * A file's bytes through a few reused buffers: reading a GB through fresh buffers leaves tens of MB
 * of garbage for the collector at any time, and memory must not grow with the package.
 */
export async function* recycledChunks(file: string, written: WriteWatermark): AsyncGenerator<Buffer> {
  const slots = new SlotRing(FILE_CHUNK);
  const handle = await open(file, 'r');
  try {
    for (let position = 0; ;) {
      const slot = await slots.take(FILE_CHUNK, position, written);
      if (written.closed) return;
      const { bytesRead } = await handle.read(slot, 0, FILE_CHUNK, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield slot.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

export async function sha1File(file: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(file, { highWaterMark: FILE_CHUNK })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Id and version as Octopus will read them from the file name; both of its parsers must agree. */
