import fs from 'node:fs/promises';
import { OctodiffError } from './errors.js';

/** A file path, the bytes themselves, or a stream (any async iterable of bytes, such as a Readable). */
export type ByteInput = string | Uint8Array | AsyncIterable<Uint8Array>;

/** Fills caller-owned buffers from an input: the one way this package reads files, streams and bytes. */
export interface BlockReader {
  /** Reads up to `length` bytes into `target` at `offset`; fewer only at the end of the input; 0 at its end. */
  read(target: Uint8Array, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
  /** The file path, when the input is one. */
  readonly path?: string;
}

export const readFailed = (cause: unknown, what: string, path?: string) =>
  new OctodiffError('ERR_OCTODIFF_READ_FAILED', `Reading ${path === undefined ? what : `"${path}"`} failed: ${(cause as Error).message}`, {
    hint: `Check that the ${what} exists and is readable.`,
    cause,
    ...(path === undefined ? {} : { path }),
  });

export async function openBlockReader(input: ByteInput, what: string): Promise<BlockReader> {
  if (typeof input === 'string') return openFile(input, what);
  if (input instanceof Uint8Array) return bytesReader(input);
  if (input !== null && typeof input === 'object' && Symbol.asyncIterator in input) return iterableReader(input, what);
  throw new OctodiffError(
    'ERR_OCTODIFF_INVALID_OPTION',
    `The ${what} must be a file path, a Uint8Array or a readable stream; got ${typeof input}.`,
    {
      hint: `Pass the ${what} as a path string, a Buffer, or a stream such as fs.createReadStream(path).`,
    },
  );
}

async function openFile(path: string, what: string): Promise<BlockReader> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (error) {
    throw readFailed(error, what, path);
  }
  return {
    path,
    read: async (target, offset, length) => {
      let done = 0;
      try {
        while (done < length) {
          const { bytesRead } = await handle.read(target, offset + done, length - done, null);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
      } catch (error) {
        throw readFailed(error, what, path);
      }
      return done;
    },
    close: () => handle.close(),
  };
}

function bytesReader(bytes: Uint8Array): BlockReader {
  let at = 0;
  return {
    read: async (target, offset, length) => {
      const n = Math.min(length, bytes.length - at);
      target.set(bytes.subarray(at, at + n), offset);
      at += n;
      return n;
    },
    close: async () => {},
  };
}

function iterableReader(iterable: AsyncIterable<Uint8Array>, what: string): BlockReader {
  const iterator = iterable[Symbol.asyncIterator]();
  let current: Uint8Array = new Uint8Array(0);
  let at = 0;
  let ended = false;
  return {
    read: async (target, offset, length) => {
      let done = 0;
      while (done < length && !ended) {
        if (at === current.length) {
          let next: IteratorResult<Uint8Array>;
          try {
            next = await iterator.next();
          } catch (error) {
            throw readFailed(error, what);
          }
          if (next.done) {
            ended = true;
            break;
          }
          current = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
          at = 0;
          continue;
        }
        const n = Math.min(length - done, current.length - at);
        target.set(current.subarray(at, at + n), offset + done);
        at += n;
        done += n;
      }
      return done;
    },
    close: async () => {
      if (!ended) await iterator.return?.();
    },
  };
}
