import crypto from 'node:crypto';
import type { Writable } from 'node:stream';
import { rollingChecksum } from './adler32.js';
import {
  CHUNK_RECORD_LENGTH,
  DEFAULT_CHUNK_SIZE,
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  ROLLING_CHECKSUMS,
  type RollingChecksumName,
  signatureHeader,
} from './format.js';
import { checkChoice, checkInteger, checkKeys } from './options.js';
import { type ByteSink, openFileSink, streamSink } from './sinks.js';
import { type ByteInput, openBlockReader } from './sources.js';

export interface SignatureOptions {
  /** Bytes per chunk, 128 to 31,744. Default 2048, as Octodiff. */
  chunkSize?: number;
  /** The rolling checksum written into the signature. Default 'Adler32', as Octodiff. */
  rollingChecksum?: RollingChecksumName;
}

const KNOWN = ['chunkSize', 'rollingChecksum'] as const;
const READ_SIZE = 4 << 20;

/** The Octodiff signature of `basis` (a path, bytes or a stream), as bytes: 24 + 26 bytes per chunk. */
export async function createSignature(basis: ByteInput, options?: SignatureOptions): Promise<Buffer> {
  const parts: Buffer[] = [];
  await buildSignature(basis, options, (part) => parts.push(part));
  return Buffer.concat(parts);
}

/** Writes the Octodiff signature of `basis` to `output` (a path, written atomically, or a stream). */
export async function writeSignature(basis: ByteInput, output: string | Writable, options?: SignatureOptions): Promise<{ size: number }> {
  checkOptions(options);
  const sink: ByteSink = typeof output === 'string' ? await openFileSink(output) : streamSink(output);
  const pending: Buffer[] = [];
  let size = 0;
  try {
    await buildSignature(
      basis,
      options,
      (part) => {
        pending.push(part);
        size += part.length;
      },
      async () => {
        for (const part of pending.splice(0)) await sink.write(part);
      },
    );
    await sink.close();
  } catch (error) {
    await sink.abort(error);
    throw error;
  }
  return { size };
}

function checkOptions(options: SignatureOptions | undefined) {
  checkKeys(options, KNOWN, 'createSignature');
  return {
    chunkSize: checkInteger(options?.chunkSize, 'chunkSize', MIN_CHUNK_SIZE, MAX_CHUNK_SIZE, DEFAULT_CHUNK_SIZE),
    rolling: checkChoice(options?.rollingChecksum, 'rollingChecksum', ROLLING_CHECKSUMS, 'Adler32'),
  };
}

async function buildSignature(
  basis: ByteInput,
  options: SignatureOptions | undefined,
  emit: (part: Buffer) => void,
  flush: () => Promise<void> = async () => {},
): Promise<void> {
  const { chunkSize, rolling } = checkOptions(options);
  emit(signatureHeader(rolling));
  const reader = await openBlockReader(basis, 'basis file');
  try {
    // Whole chunks per read, so chunk boundaries never straddle two reads.
    const block = Buffer.allocUnsafe(Math.floor(READ_SIZE / chunkSize) * chunkSize);
    for (;;) {
      const read = await reader.read(block, 0, block.length);
      if (read === 0) break;
      emit(chunkRecords(block, read, chunkSize, rolling));
      await flush();
      if (read < block.length) break;
    }
  } finally {
    await reader.close();
  }
}

function chunkRecords(block: Buffer, read: number, chunkSize: number, rolling: RollingChecksumName): Buffer {
  const records = Buffer.allocUnsafe(Math.ceil(read / chunkSize) * CHUNK_RECORD_LENGTH);
  let at = 0;
  for (let start = 0; start < read; start += chunkSize) {
    const end = Math.min(read, start + chunkSize);
    records.writeInt16LE(end - start, at);
    records.writeUInt32LE(rollingChecksum(rolling, block, start, end), at + 2);
    records.write(crypto.hash('sha1', block.subarray(start, end), 'binary'), at + 6, 'binary');
    at += CHUNK_RECORD_LENGTH;
  }
  return records;
}
