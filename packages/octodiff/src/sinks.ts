import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { OctodiffError } from './errors.js';

/** Where output bytes go. `write` takes ownership of the buffer: the caller never reuses it. */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<void>;
  /** Overwrites bytes already written (files only; used to fill in a header known only at the end). */
  patch?(bytes: Uint8Array, position: number): Promise<void>;
  close(): Promise<void>;
  /** Called on failure: removes a partly written file, or destroys a stream with the error. */
  abort(error: unknown): Promise<void>;
}

const writeFailed = (cause: unknown, path?: string) =>
  new OctodiffError(
    'ERR_OCTODIFF_WRITE_FAILED',
    `Writing ${path === undefined ? 'the output stream' : `"${path}"`} failed: ${(cause as Error).message}`,
    {
      hint: 'Check that the output location is writable and has free space.',
      cause,
      ...(path === undefined ? {} : { path }),
    },
  );

/** A file sink; the file appears at `path` only when closed, so a failed run leaves nothing half written. */
export async function openFileSink(path: string): Promise<ByteSink> {
  const partial = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(partial, 'wx');
  } catch (error) {
    throw writeFailed(error, path);
  }
  let position = 0;
  const guard = async (action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (error) {
      throw writeFailed(error, path);
    }
  };
  return {
    write: (bytes) =>
      guard(async () => {
        let done = 0;
        while (done < bytes.length) done += (await handle.write(bytes, done, bytes.length - done, position + done)).bytesWritten;
        position += bytes.length;
      }),
    patch: (bytes, at) => guard(() => handle.write(bytes, 0, bytes.length, at)),
    close: () =>
      guard(async () => {
        await handle.close();
        await fs.rename(partial, path);
      }),
    abort: async () => {
      await handle.close().catch(() => {});
      await fs.rm(partial, { force: true }).catch(() => {});
    },
  };
}

/** A Writable sink that honours back-pressure and surfaces the stream's errors. */
export function streamSink(stream: Writable): ByteSink {
  let failure: unknown;
  const onError = (error: unknown) => (failure ??= error);
  stream.on('error', onError);
  const check = () => {
    if (failure !== undefined) throw writeFailed(failure);
    if (stream.destroyed) throw writeFailed(new Error('the stream was destroyed'));
  };
  return {
    write: async (bytes) => {
      check();
      if (!stream.write(bytes)) {
        // The event that did not come must not keep its listeners: one wait per write would pile them up.
        const waiting = new AbortController();
        await Promise.race([once(stream, 'drain', { signal: waiting.signal }), once(stream, 'close', { signal: waiting.signal })])
          .catch(onError)
          .finally(() => waiting.abort());
        check();
      }
    },
    close: async () => {
      check();
      await new Promise<void>((resolve, reject) => {
        stream.end((error?: Error | null) => (error || failure !== undefined ? reject(writeFailed(error ?? failure)) : resolve()));
      });
      stream.off('error', onError);
    },
    abort: async (error) => {
      stream.off('error', onError);
      stream.on('error', () => {});
      stream.destroy(error instanceof Error ? error : undefined);
    },
  };
}
