import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FaultInjector } from './faults.js';
import { TEMPORARY_SUFFIX } from './durable.js';

/** Large buffers keep the socket flowing while disk writes are in flight (a 16 KiB pause would set every upload's pace). */
export const RECEIVE_BUFFER = 4 * 1024 * 1024;

/** A file completely received into the spool folder, fsynced, with its SHA-1 and size. */
export interface Spooled {
  path: string;
  size: number;
  hash: string;
}

export function spoolPath(folder: string): string {
  return path.join(folder, `${Date.now()}-${randomBytes(6).toString('hex')}.upload${TEMPORARY_SUFFIX}`);
}

/**
 * Streams `source` into a new file in `folder` while hashing it (unless `hashed: false`; then `hash` is ''). Resolves once every byte is on disk (the file is
 * flushed before it is closed); on any failure the partial file is removed before the promise rejects.
 */
export async function spool(source: Readable, folder: string, faults: FaultInjector, { hashed = true } = {}): Promise<Spooled> {
  const target = spoolPath(folder);
  // A file whose SHA-1 the caller computes anyway (a delta's applier checks it) is not hashed twice.
  const hash = hashed ? createHash('sha1') : undefined;
  let size = 0;
  const counter = new Transform({
    highWaterMark: RECEIVE_BUFFER,
    transform(chunk: Buffer, _encoding, callback) {
      const injected = faults.takeDiskError('spool');
      if (injected) return callback(injected);
      hash?.update(chunk);
      size += chunk.byteLength;
      callback(null, chunk);
    },
  });
  try {
    await pipeline(source, counter, createWriteStream(target, { flags: 'wx', flush: true, highWaterMark: RECEIVE_BUFFER }));
  } catch (error) {
    await rm(target, { force: true }).catch(() => {});
    throw error;
  }
  return { path: target, size, hash: hash?.digest('hex') ?? '' };
}
