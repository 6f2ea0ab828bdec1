import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { OctodiffError } from './errors.js';
import { COPY_COMMAND, DATA_COMMAND, readInt64 } from './format.js';
import { DeltaCursor, readDeltaHeader, truncated } from './delta-reader.js';
import { checkKeys } from './options.js';
import { type ByteSink, openFileSink, streamSink } from './sinks.js';
import { type ByteInput, openBlockReader, readFailed } from './sources.js';

export interface ApplyOptions {
  /** Check the rebuilt file against the SHA-1 in the delta header. Default true. */
  verify?: boolean;
}

export interface ApplyResult {
  /** Bytes of the rebuilt file. */
  size: number;
  /** SHA-1 of the rebuilt file, hex. */
  sha1: string;
}

const PIECE = 1 << 20;

/** Random access to the basis file: a path or the bytes. */
interface Basis {
  size: number;
  read(start: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * Rebuilds the new file from `basis` (a path or bytes) and `delta` (a path, bytes or a stream) into `output`
 * (a path, written atomically, or a stream). Refuses unknown and truncated commands and copies past the end
 * of the basis; with `verify`, a rebuilt file whose SHA-1 differs from the header's is refused and not kept.
 */
export async function applyDelta(
  basis: string | Uint8Array,
  delta: ByteInput,
  output: string | Writable,
  options?: ApplyOptions,
): Promise<ApplyResult> {
  checkKeys(options, ['verify'], 'applyDelta');
  if (options?.verify !== undefined && typeof options.verify !== 'boolean') {
    throw new OctodiffError(
      'ERR_OCTODIFF_INVALID_OPTION',
      `The option verify must be true or false; got ${JSON.stringify(options.verify)}.`,
      {
        hint: 'Leave verify out for the default, true.',
      },
    );
  }
  const source = await openBasis(basis);
  let sink: ByteSink | undefined;
  const reader = await openBlockReader(delta, 'delta').catch(async (error: unknown) => {
    await source.close();
    throw error;
  });
  try {
    const cursor = new DeltaCursor(reader);
    const expected = await readDeltaHeader(cursor);
    sink = typeof output === 'string' ? await openFileSink(output) : streamSink(output);
    const hash = crypto.createHash('sha1');
    const size = await runCommands(cursor, source, async (bytes) => {
      hash.update(bytes);
      await sink!.write(bytes);
    });
    const actual = hash.digest();
    if (options?.verify !== false && !actual.equals(expected)) {
      throw new OctodiffError(
        'ERR_OCTODIFF_HASH_MISMATCH',
        `Verification of the patched file failed: its SHA-1 is ${actual.toString('hex')}, the delta expects ${expected.toString('hex')}.`,
        { hint: 'The delta was built against a different basis file; ask for a new signature and build the delta again.' },
      );
    }
    await sink.close();
    return { size, sha1: actual.toString('hex') };
  } catch (error) {
    await sink?.abort(error);
    throw error;
  } finally {
    await reader.close();
    await source.close();
  }
}

async function runCommands(cursor: DeltaCursor, basis: Basis, emit: (bytes: Buffer) => Promise<void>): Promise<number> {
  let size = 0;
  for (;;) {
    if (!(await cursor.ensure(1))) return size;
    const at = cursor.offset;
    const command = cursor.take(1)[0];
    if (command === COPY_COMMAND) {
      if (!(await cursor.ensure(16))) throw truncated('a COPY command', at);
      const fields = cursor.take(16);
      const start = readInt64(fields, 0);
      const length = readInt64(fields, 8);
      if (start === undefined || length === undefined || start + length > basis.size) {
        throw new OctodiffError(
          'ERR_OCTODIFF_COPY_OUT_OF_RANGE',
          `The COPY command at byte ${at} of the delta reads bytes ${describe(fields, 0)} to ${describe(fields, 0, 8)} of a ${basis.size}-byte basis file.`,
          { hint: 'The delta was built against a different basis file; ask for a new signature and build the delta again.', offset: at },
        );
      }
      for (let done = 0; done < length;) {
        const piece = await basis.read(start + done, Math.min(PIECE, length - done));
        await emit(piece);
        done += piece.length;
      }
      size += length;
    } else if (command === DATA_COMMAND) {
      if (!(await cursor.ensure(8))) throw truncated('a DATA command', at);
      const length = readInt64(cursor.take(8), 0);
      if (length === undefined) throw truncated('a DATA command whose length is out of range', at);
      for (let done = 0; done < length;) {
        const piece = await cursor.takeSome(Math.min(PIECE, length - done));
        if (piece.length === 0) throw truncated(`the ${length} literal bytes of the DATA command at byte ${at}`, cursor.offset);
        await emit(Buffer.from(piece));
        done += piece.length;
      }
      size += length;
    } else {
      throw new OctodiffError(
        'ERR_OCTODIFF_UNKNOWN_COMMAND',
        `The delta has an unknown command byte 0x${command!.toString(16).padStart(2, '0')} at byte ${at}.`,
        {
          hint: 'The delta is corrupt or not an Octodiff delta; only COPY (0x60) and DATA (0x80) exist.',
          offset: at,
        },
      );
    }
  }
}

function describe(fields: Buffer, at: number, plus?: number): string {
  const start = fields.readBigInt64LE(at);
  return plus === undefined ? start.toString() : (start + fields.readBigInt64LE(plus)).toString();
}

async function openBasis(basis: string | Uint8Array): Promise<Basis> {
  if (basis instanceof Uint8Array) {
    return { size: basis.length, read: async (start, length) => Buffer.from(basis.subarray(start, start + length)), close: async () => {} };
  }
  let handle: fs.FileHandle;
  let size: number;
  try {
    handle = await fs.open(basis, 'r');
    size = (await handle.stat()).size;
  } catch (error) {
    throw readFailed(error, 'basis file', basis);
  }
  return {
    size,
    read: async (start, length) => {
      const piece = Buffer.allocUnsafe(length);
      try {
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(piece, done, length - done, start + done);
          if (bytesRead === 0) throw new Error(`the basis file ended at byte ${start + done}, shorter than when it was opened`);
          done += bytesRead;
        }
      } catch (error) {
        throw readFailed(error, 'basis file', basis);
      }
      return piece;
    },
    close: () => handle.close(),
  };
}
