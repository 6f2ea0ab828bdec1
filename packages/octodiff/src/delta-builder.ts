import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buildChunkIndex } from './chunk-index.js';
import { type DeltaStats, DeltaWriter } from './delta-writer.js';
import { OctodiffError } from './errors.js';
import { DELTA_HEADER_LENGTH, deltaHeader } from './format.js';
import { sha1OfFileInWorker } from './hash-file.js';
import { Matcher } from './matcher.js';
import { checkInteger, checkKeys, checkSha1, checkString } from './options.js';
import { type Signature, parseSignature } from './signature.js';
import { type ByteSink, openFileSink, streamSink } from './sinks.js';
import { type ByteInput, type BlockReader, openBlockReader } from './sources.js';

export interface DeltaOptions {
  /** The new file's SHA-1 as hex, when the caller already has it: saves a pass over the file. Default: computed. */
  sha1?: string;
  /** Bytes of the new file read at a time, 1 MiB to 256 MiB. Default 8 MiB. */
  bufferSize?: number;
  /** Folder for the spool file used when writing to a stream without `sha1` from a stream input. Default os.tmpdir(). */
  tempDirectory?: string;
}

export interface DeltaResult extends DeltaStats {
  /** Bytes of the delta, header included. */
  size: number;
  /** SHA-1 of the new file, hex: the one in the delta header. */
  sha1: string;
  /** Bytes of the new file. */
  newFileSize: number;
}

const KNOWN = ['sha1', 'bufferSize', 'tempDirectory'] as const;
const MiB = 1 << 20;
/** Below this a worker thread costs more than hashing inline. */
const WORKER_HASH_MIN_SIZE = 16 * MiB;

/**
 * Builds the Octodiff delta that turns the signature's basis file into `newFile` and writes it to `output`
 * (a path, written atomically, or a stream). Memory: the signature's chunk table and two read buffers.
 */
export async function createDelta(
  newFile: ByteInput,
  signature: Uint8Array | Signature,
  output: string | Writable,
  options?: DeltaOptions,
): Promise<DeltaResult> {
  checkKeys(options, KNOWN, 'createDelta');
  const knownSha1 = checkSha1(options?.sha1, 'sha1');
  const bufferSize = checkInteger(options?.bufferSize, 'bufferSize', MiB, 256 * MiB, 8 * MiB);
  const tempDirectory = checkString(options?.tempDirectory, 'tempDirectory') ?? os.tmpdir();
  const parsed = signature instanceof Uint8Array ? parseSignature(signature) : signature;
  if (typeof output === 'string' || knownSha1 !== undefined) {
    const sink = typeof output === 'string' ? await openFileSink(output) : streamSink(output);
    return guarded(sink, () => deltaInto(newFile, parsed, sink, bufferSize, knownSha1));
  }
  if (typeof newFile === 'string' || newFile instanceof Uint8Array) {
    // The header comes first on a stream: hash first, then build.
    const sha1 =
      typeof newFile === 'string' ? Buffer.from(await sha1OfFileInWorker(newFile), 'hex') : crypto.hash('sha1', newFile, 'buffer');
    const sink = streamSink(output);
    return guarded(sink, () => deltaInto(newFile, parsed, sink, bufferSize, sha1));
  }
  return spooled(newFile, parsed, output, bufferSize, tempDirectory);
}

async function guarded<T>(sink: ByteSink, action: () => Promise<T>): Promise<T> {
  try {
    const result = await action();
    await sink.close();
    return result;
  } catch (error) {
    await sink.abort(error);
    throw error;
  }
}

/** Stream in, stream out, SHA-1 unknown: the delta goes to a temporary file until its header can be written. */
async function spooled(
  newFile: ByteInput,
  signature: Signature,
  output: Writable,
  bufferSize: number,
  tempDirectory: string,
): Promise<DeltaResult> {
  const folder = await fs.mkdtemp(path.join(tempDirectory, 'octodiff-')).catch((error: unknown) => {
    throw new OctodiffError(
      'ERR_OCTODIFF_WRITE_FAILED',
      `Creating a spool folder in "${tempDirectory}" failed: ${(error as Error).message}`,
      {
        hint: 'Give a writable tempDirectory, or pass sha1 so the delta can go straight to the stream.',
        cause: error,
        path: tempDirectory,
      },
    );
  });
  const spool = path.join(folder, 'delta');
  try {
    const sink = await openFileSink(spool);
    const result = await guarded(sink, () => deltaInto(newFile, signature, sink, bufferSize, undefined));
    const handle = await fs.open(spool, 'r');
    try {
      await pipeline(handle.createReadStream(), output);
    } finally {
      await handle.close().catch(() => {});
    }
    return result;
  } finally {
    await fs.rm(folder, { recursive: true, force: true });
  }
}

/** Writes header and commands to `sink`; without `knownSha1`, the sink must take a patch of the header at the end. */
async function deltaInto(
  newFile: ByteInput,
  signature: Signature,
  sink: ByteSink,
  bufferSize: number,
  knownSha1: Buffer | undefined,
): Promise<DeltaResult> {
  const reader = await openBlockReader(newFile, 'new file');
  const stopWorker = new AbortController();
  try {
    let workerSha1: Promise<string> | undefined;
    if (knownSha1 === undefined && reader.path !== undefined && (await fs.stat(reader.path)).size >= WORKER_HASH_MIN_SIZE) {
      workerSha1 = sha1OfFileInWorker(reader.path, stopWorker.signal);
      workerSha1.catch(() => {});
    }
    const hash = knownSha1 === undefined && workerSha1 === undefined ? crypto.createHash('sha1') : undefined;
    await sink.write(knownSha1 === undefined ? Buffer.alloc(DELTA_HEADER_LENGTH) : deltaHeader(knownSha1));
    const writer = new DeltaWriter(sink);
    const newFileSize = await matchAll(reader, signature, writer, bufferSize, hash);
    await writer.finish();
    const sha1 = knownSha1 ?? (hash ? hash.digest() : Buffer.from(await workerSha1!, 'hex'));
    if (knownSha1 === undefined) await sink.patch!(deltaHeader(sha1), 0);
    return { size: DELTA_HEADER_LENGTH + writer.written, sha1: sha1.toString('hex'), newFileSize, ...writer.stats };
  } finally {
    stopWorker.abort();
    await reader.close();
  }
}

/**
 * Feeds the new file to the matcher. Two buffers: while the matcher works through one, the next read fills
 * the other. Each has `chunkSize` bytes of headroom in front, where the bytes the matcher has not finished
 * with (at most one chunk) are copied before it goes through the buffer.
 */
async function matchAll(
  reader: BlockReader,
  signature: Signature,
  writer: DeltaWriter,
  bufferSize: number,
  hash: crypto.Hash | undefined,
): Promise<number> {
  const matcher = new Matcher(signature, buildChunkIndex(signature), writer);
  const head = signature.chunkSize;
  const buffers = [Buffer.allocUnsafe(head + bufferSize), Buffer.allocUnsafe(head + bufferSize)] as const;
  let carry = buffers[1].subarray(0, 0);
  let total = 0;
  let pending = reader.read(buffers[0], head, bufferSize);
  for (let turn = 0; ; turn ^= 1) {
    const buf = buffers[turn]!;
    const read = await pending;
    total += read;
    if (hash && read > 0) hash.update(buf.subarray(head, head + read));
    buf.set(carry, head - carry.length);
    const end = read < bufferSize;
    // The other buffer's carry has just been copied out, so the next read may fill it.
    if (!end) pending = reader.read(buffers[turn ^ 1]!, head, bufferSize);
    const view = buf.subarray(head - carry.length, head + read);
    const done = matcher.process(view, view.length, end);
    if (end) return total;
    carry = view.subarray(done);
    await writer.drain();
  }
}
