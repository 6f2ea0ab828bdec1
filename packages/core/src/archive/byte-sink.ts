import { createHash, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Where an archive writer puts its bytes; `write` resolves when the sink can take more. */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  readonly bytesWritten: number;
}

const FLUSH_AT = 1024 * 1024;

/** Writes to an open file in large batches (one system call per MiB, not per entry) and hashes what it writes. */
export class FileSink implements ByteSink {
  bytesWritten = 0;
  readonly #handle: FileHandle;
  readonly #hash: Hash = createHash('sha1');
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;

  constructor(handle: FileHandle) {
    this.#handle = handle;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (chunk.byteLength === 0) return;
    this.#hash.update(chunk);
    this.bytesWritten += chunk.byteLength;
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.byteLength;
    if (this.#pendingBytes >= FLUSH_AT) await this.#flush();
  }

  async #flush(): Promise<void> {
    const chunks = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    let buffers = chunks;
    // writev may write less than asked; keep going until all is on disk.
    while (buffers.length > 0) {
      const { bytesWritten } = await this.#handle.writev(buffers);
      let offset = bytesWritten;
      const rest: Uint8Array[] = [];
      for (const buffer of buffers) {
        if (offset >= buffer.byteLength) {
          offset -= buffer.byteLength;
        } else {
          rest.push(buffer.subarray(offset));
          offset = 0;
        }
      }
      buffers = rest;
    }
  }

  async close(): Promise<void> {
    await this.#flush();
  }

  /** The SHA-1 of everything written, as lowercase hex (what Octopus reports as `Hash`). */
  digest(): string {
    return this.#hash.digest('hex');
  }
}

/** Writes into a Writable (for `toStream()`), honouring its back-pressure. */
export class StreamSink implements ByteSink {
  bytesWritten = 0;
  readonly #stream: Writable;

  constructor(stream: Writable) {
    this.#stream = stream;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (chunk.byteLength === 0) return;
    this.bytesWritten += chunk.byteLength;
    if (!this.#stream.write(chunk)) await once(this.#stream, 'drain');
  }

  async close(): Promise<void> {
    this.#stream.end();
  }
}
