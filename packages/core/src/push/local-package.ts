import { createHash } from 'node:crypto';
import { ReadStream, createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { SpoolFile } from '../archive/spool-file.js';
import { OctoError } from '../errors.js';
import { supportedExtensionOf } from '../format.js';
import { parseWithCalamari, parseWithClientRegex } from '../identity.js';

/** A package to push: a path, bytes with their file name, or a stream with its file name (and size, if known). */
export type PushInput = string | { path: string } | { data: Uint8Array; name: string } | { stream: Readable; name: string; size?: number };

/** A package to push, whatever it came as: its identity, and its bytes as often as attempts need them. */
export interface LocalPackage {
  /** The local path (or the name, for bytes and streams). */
  file: string;
  name: string;
  packageId: string;
  version: string;
  /** Known up front for files and bytes; for a stream, once it has been read to its end (or when announced). */
  readonly size: number | undefined;
  /** The content, again for each attempt; `written` tells how much of it the upload has sent, so that buffers can be reused. */
  open(written: WriteWatermark): AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /**
   * Lowercase hex SHA-1, computed only when asked for (it costs about a second per GB); undefined for
   * a stream that was sent without a copy and can no longer be read.
   */
  sha1(): Promise<string | undefined>;
  /** Removes a stream's spool file. */
  dispose(): Promise<void>;
}

/** Bytes of a file read and sent at a time: 4 MB writes move a GB over loopback ~15% faster than 1 MB ones. */
const FILE_CHUNK = 4 * 1024 * 1024;
/**
 * Bytes of a stream gathered and sent at a time: a stream's own pace (its many small chunks) sets the
 * speed, so bigger buffers would only add memory to the producer's.
 */
const STREAM_CHUNK = 1024 * 1024;
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
class SlotRing {
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
async function* recycledChunks(file: string, written: WriteWatermark): AsyncGenerator<Buffer> {
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

async function sha1File(file: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(file, { highWaterMark: FILE_CHUNK })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Id and version as Octopus will read them from the file name; both of its parsers must agree. */
export function identityOf(name: string): { packageId: string; version: string } {
  if (!supportedExtensionOf(name)) {
    throw new OctoError('ERR_OCTO_UNSUPPORTED_FORMAT', `${name} does not have an extension the Octopus built-in feed accepts.`, {
      hint: 'Push .zip, .tar.gz, .tgz, .tar (or .nupkg, .jar, .war) packages named <id>.<version>.<ext>.',
    });
  }
  const client = parseWithClientRegex(name);
  const calamari = parseWithCalamari(name);
  if (!client || !calamari) {
    throw new OctoError(
      'ERR_OCTO_AMBIGUOUS_NAME',
      `${name} is not named <id>.<version>.<ext>, so Octopus cannot tell its id and version.`,
      {
        hint: 'Rename the file to <id>.<version>.<ext>, for example MyApp.Web.1.2.3.zip, or create it with octojs pack.',
      },
    );
  }
  if (client.id !== calamari.id || client.version !== calamari.version) {
    throw new OctoError(
      'ERR_OCTO_AMBIGUOUS_NAME',
      `${name} can be read as id "${client.id}" version "${client.version}" or id "${calamari.id}" version "${calamari.version}"; the server may pick either.`,
      { hint: 'Avoid digits-only id segments and more than four numeric version parts.' },
    );
  }
  return { packageId: calamari.id, version: calamari.version };
}

function filePackage(file: string, name: string, size: number): LocalPackage {
  let hash: Promise<string> | undefined;
  return {
    file,
    name,
    ...identityOf(name),
    size,
    open: (written) => recycledChunks(file, written),
    sha1: () => (hash ??= sha1File(file)),
    dispose: async () => {},
  };
}

/**
 * The file a stream would read, when it is an untouched fs.ReadStream of a whole regular file
 * (`createReadStream(path)`): pushing that file directly needs no copy for retries and none of
 * the stream's buffers, so it is as fast and as lean as pushing the path.
 */
async function wholeFileOf(stream: Readable): Promise<{ file: string; size: number } | undefined> {
  if (!(stream instanceof ReadStream) || typeof stream.path !== 'string') return undefined;
  const untouched = stream.bytesRead === 0 && stream.readableFlowing === null && stream.readableLength === 0;
  const whole = (stream as ReadStream & { start?: number }).start === undefined && (stream as { end?: number }).end === Infinity;
  if (!untouched || !whole) return undefined;
  const stats = await stat(stream.path).catch(() => undefined);
  return stats?.isFile() ? { file: path.resolve(stream.path), size: stats.size } : undefined;
}

/**
 * The package to push. `keepStreamCopy`: copy a stream (other than an untouched file stream) to a
 * temporary file as it is sent, so that a retry can send it again.
 */
export async function localPackage(input: PushInput, { keepStreamCopy = true } = {}): Promise<LocalPackage> {
  if (typeof input === 'string' || 'path' in input) {
    const file = path.resolve(typeof input === 'string' ? input : input.path);
    let size: number;
    try {
      const stats = await stat(file);
      if (!stats.isFile()) throw new Error('not a file');
      size = stats.size;
    } catch (error) {
      throw new OctoError('ERR_OCTO_PACKAGE_NOT_FOUND', `The package ${file} does not exist or is not a file.`, {
        hint: 'Check the path; relative paths resolve against the current folder.',
        cause: error,
        path: file,
      });
    }
    return filePackage(file, path.basename(file), size);
  }
  if ('stream' in input) {
    const whole = await wholeFileOf(input.stream);
    if (whole && (input.size === undefined || input.size === whole.size)) {
      input.stream.destroy(); // it has not opened its file yet, or closes it now: the file is read here instead
      return { ...filePackage(whole.file, path.basename(input.name), whole.size), file: path.basename(input.name) };
    }
  }
  const name = path.basename(input.name);
  const identity = identityOf(name);
  if ('data' in input) {
    const data = Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength);
    return {
      file: name,
      name,
      ...identity,
      size: data.byteLength,
      open: function* () {
        for (let offset = 0; offset < data.byteLength; offset += FILE_CHUNK) yield data.subarray(offset, offset + FILE_CHUNK);
      },
      sha1: async () => createHash('sha1').update(data).digest('hex'),
      dispose: async () => {},
    };
  }
  return new StreamPackage(name, identity, input.stream, input.size, keepStreamCopy);
}

/**
 * A stream pushed as it is read, while (unless told not to) a copy goes to a temporary file: the
 * first attempt runs at the speed of the stream, the network and the disk, and a retry (or a hash)
 * reads the copy. Without the copy a stream can be sent once only. Memory stays flat whatever the size.
 */
class StreamPackage implements LocalPackage {
  readonly file: string;
  readonly name: string;
  readonly packageId: string;
  readonly version: string;
  readonly #live: AsyncIterator<unknown>;
  readonly #announced: number | undefined;
  /** The copy for retries; none with `retries: 0`. */
  readonly #copy: SpoolFile | undefined;
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
    this.#copy = keepCopy ? new SpoolFile('octojs-push-') : undefined;
  }

  get size(): number | undefined {
    return this.#announced ?? (this.#ended ? this.#pulled : undefined);
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
      const chunk = this.#carry ?? (await this.#next());
      this.#carry = undefined;
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
        hint: 'Push a file path, or leave retries above 0 so that a stream is copied to a temporary file as it is sent.',
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
    for (let chunk = await this.#next(); chunk !== undefined; chunk = await this.#next()) {
      hash.update(chunk);
      this.#pulled += chunk.byteLength;
    }
    return hash.digest('hex');
  }

  async dispose(): Promise<void> {
    await this.#copy?.dispose();
  }
}
