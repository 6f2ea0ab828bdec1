import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { SpoolFile } from '../archive/spool-file.js';
import { OctoError } from '../errors.js';
import { trackTemporary } from '../temporary-files.js';
import { pushFolderName } from '../temporary-names.js';
import { STREAM_CHUNK, SlotRing, type WriteWatermark, recycledChunks, sha1File } from './chunk-buffers.js';
import type { LocalPackage } from './local-package.js';

/**
 * A stream pushed as it is read, while (unless told not to) a copy goes to a temporary file: the
 * first attempt runs at the speed of the stream, the network and the disk, and a retry (or a hash)
 * reads the copy. Without the copy a stream can be sent once only. Memory stays flat whatever the size.
 */
export class StreamPackage implements LocalPackage {
  readonly file: string;
  readonly name: string;
  readonly packageId: string;
  readonly version: string;
  readonly #live: AsyncIterator<unknown>;
  readonly #announced: number | undefined;
  /** The copy for retries; none with `retries: 0`. */
  readonly #copy: SpoolFile | undefined = undefined;
  #pulled = 0;
  #ended = false;
  #started = false;
  /** Settles when the copy has all that was pulled so far (the spool file writes in order). */
  #writing: Promise<void> = Promise.resolve();
  #writeError: unknown;
  #pulling: Promise<unknown> = Promise.resolve();
  #carry: Buffer | undefined;
  readonly #slots = new SlotRing(STREAM_CHUNK);
  #hash: Promise<string | undefined> | undefined;
  /** The folder that holds the copy, on the list of what a signal removes from before it exists. */
  readonly #folder: string | undefined;
  #untrack: (() => void) | undefined;

  constructor(
    name: string,
    identity: { packageId: string; version: string },
    stream: Readable,
    size: number | undefined,
    keepCopy: boolean,
  ) {
    this.file = name;
    this.name = name;
    this.packageId = identity.packageId;
    this.version = identity.version;
    this.#live = stream[Symbol.asyncIterator]();
    this.#announced = size;
    if (keepCopy) {
      // Tracked before it is made, so that no moment exists at which a signal would leave it behind.
      this.#folder = path.join(os.tmpdir(), pushFolderName());
      this.#untrack = trackTemporary(this.#folder);
      mkdirSync(this.#folder, { mode: 0o700 });
      this.#copy = new SpoolFile(`${path.basename(this.#folder)}${path.sep}copy-`);
    }
  }

  get size(): number | undefined {
    // Read ahead by peek() is not pulled yet: the size is known once all of it is.
    return this.#announced ?? (this.#ended && this.#carry === undefined ? this.#pulled : undefined);
  }

  /**
   * The first `bytes` of the stream (fewer if it is shorter), read ahead and kept for the upload:
   * what a format check looks at before anything is sent.
   */
  async peek(bytes: number): Promise<Buffer> {
    if (this.#started || this.#pulled > 0) throw new Error('peek() after the stream was started');
    const parts: Buffer[] = this.#carry ? [this.#carry] : [];
    let length = this.#carry?.byteLength ?? 0;
    while (length < bytes) {
      const chunk = await this.#next();
      if (chunk === undefined) break;
      parts.push(chunk);
      length += chunk.byteLength;
    }
    this.#carry = parts.length === 1 ? parts[0] : Buffer.concat(parts, length);
    if (this.#carry?.byteLength === 0) this.#carry = undefined;
    return (this.#carry ?? Buffer.alloc(0)).subarray(0, bytes);
  }

  /** The chunk read ahead by peek(), else the next chunk of the stream; undefined at the end. */
  async #take(): Promise<Buffer | undefined> {
    const carried = this.#carry;
    this.#carry = undefined;
    return carried ?? (await this.#next());
  }

  /** The next chunk of the stream; undefined at the end. */
  async #next(): Promise<Buffer | undefined> {
    let next: IteratorResult<unknown>;
    try {
      next = await this.#live.next();
    } catch (error) {
      throw new OctoError('ERR_OCTO_UNREADABLE_FILE', `Could not read the package stream for ${this.name}: ${(error as Error).message}.`, {
        hint: 'The stream that produced the package failed; see the cause.',
        cause: error,
      });
    }
    if (!next.done) {
      const value = next.value;
      if (typeof value === 'string') return Buffer.from(value);
      const bytes = value as Uint8Array;
      return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength); // a view, not a copy
    }
    this.#ended = true;
    return undefined;
  }

  /**
   * The next few MB of the stream, copied into one of a few reused buffers (sent as one chunk, not
   * as the many small ones a stream gives); undefined at the end. While it is being sent, its copy
   * is written to the spool file and the stream is read on: the buffer is reused once both are done.
   */
  #pull(written: WriteWatermark | undefined): Promise<Buffer | undefined> {
    // One at a time: an abandoned attempt may still be pulling when a retry starts reading the rest.
    const pulled = this.#pulling.then(() => this.#pullNow(written));
    this.#pulling = pulled.catch(() => {});
    return pulled;
  }

  async #pullNow(written: WriteWatermark | undefined): Promise<Buffer | undefined> {
    if (!written) await this.#writing; // no reused buffers bound the writes in flight here: one at a time
    if (this.#writeError !== undefined) throw this.#writeError;
    const batch: Buffer[] = [];
    let bytes = 0;
    while (bytes < STREAM_CHUNK) {
      const chunk = await this.#take();
      if (chunk === undefined) break;
      // Never more than a buffer holds: the rest of a big chunk waits for the next lot.
      const room = STREAM_CHUNK - bytes;
      if (chunk.byteLength > room) this.#carry = chunk.subarray(room);
      const part = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
      batch.push(part);
      bytes += part.byteLength;
    }
    let block: Buffer | undefined;
    if (bytes > 0) {
      const position = this.#pulled;
      this.#pulled += bytes;
      if (written) {
        block = await this.#slots.take(bytes, position, written);
        let at = 0;
        for (const chunk of batch) at += chunk.copy(block, at);
      }
      if (this.#copy) {
        const write = this.#copy.append(block ?? (batch.length === 1 ? batch[0]! : Buffer.concat(batch, bytes)));
        this.#writing = write.then(
          () => {},
          (error: unknown) => {
            this.#writeError ??= error; // e.g. ERR_OCTO_DISK_FULL, thrown at the next pull
          },
        );
        if (block) this.#slots.holdLast(write);
      }
    }
    if (this.#ended && this.#carry === undefined) {
      await this.#writing;
      if (this.#writeError !== undefined) throw this.#writeError;
      if (this.#announced !== undefined && this.#announced !== this.#pulled) {
        throw new OctoError(
          'ERR_OCTO_UNREADABLE_FILE',
          `The package stream for ${this.name} gave ${this.#pulled} bytes, not the ${this.#announced} announced.`,
          { hint: 'Give the right size, or leave it out.' },
        );
      }
    }
    return block;
  }

  async #complete(): Promise<void> {
    while (!this.#ended) await this.#pull(undefined);
    await this.#writing;
    if (this.#writeError !== undefined) throw this.#writeError;
  }

  open(written: WriteWatermark): AsyncIterable<Uint8Array> {
    if (!this.#started) {
      this.#started = true;
      // Pulled by hand, not with for-await: an upload that stops early must not end the stream, whose rest a retry needs.
      const pull = (): Promise<Buffer | undefined> => this.#pull(written);
      return (async function* () {
        for (let block = await pull(); block !== undefined; block = await pull()) yield block;
      })();
    }
    if (!this.#copy) {
      throw new OctoError('ERR_OCTO_STREAM_SPENT', `The package stream for ${this.name} was sent once and kept no copy to send again.`, {
        hint: 'Push a file path, or leave `retries` above 0 so that a stream is copied to a temporary file as it is sent.',
      });
    }
    const complete = (): Promise<void> => this.#complete();
    const copy = this.#copy;
    return (async function* () {
      await complete();
      if (copy.path) yield* recycledChunks(copy.path, written);
    })();
  }

  sha1(): Promise<string | undefined> {
    const copy = this.#copy;
    this.#hash ??= copy
      ? this.#complete().then(() => (copy.path ? sha1File(copy.path) : createHash('sha1').digest('hex')))
      : this.#hashUnsent();
    return this.#hash;
  }

  /** Without a copy, a stream can be hashed only instead of being sent (IgnoreIfExists on an existing package). */
  async #hashUnsent(): Promise<string | undefined> {
    if (this.#started) return undefined;
    this.#started = true;
    const hash = createHash('sha1');
    for (let chunk = await this.#take(); chunk !== undefined; chunk = await this.#take()) {
      hash.update(chunk);
      this.#pulled += chunk.byteLength;
    }
    return hash.digest('hex');
  }

  async dispose(): Promise<void> {
    await this.#copy?.dispose();
    if (this.#folder) await rm(this.#folder, { recursive: true, force: true });
    this.#untrack?.();
    this.#untrack = undefined;
  }
}
