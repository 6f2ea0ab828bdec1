import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { readError } from '../errors.js';
import { NOT_WORTH, PROBE_BYTES, looksIncompressible } from './incompressible.js';
import type { EntrySource } from './entry.js';

/** A small file read (and for zip, CRC'd and deflated) off the main thread. */
export interface PreparedFile {
  /** The bytes to store: deflated when that made them smaller, else as read. */
  data: Buffer;
  /** 0 (stored) or 8 (deflated). */
  method: number;
  crc: number;
  /** The uncompressed size. */
  size: number;
}

interface Item {
  source: EntrySource & { kind: 'path' | 'buffer' };
  level: number;
  crc: boolean;
  resolve: (prepared: PreparedFile) => void;
  reject: (error: unknown) => void;
}

interface WorkerState {
  worker: Worker;
  inFlight: Map<number, Item[]>;
}

type WorkerResult = { offset: number; length: number; method: number; crc: number; size: number } | { error: string; code?: string };

/**
 * The worker's code, run with `eval` so that it needs no file of its own next to the compiled (or,
 * under tsx, uncompiled) module. Synchronous fs and zlib are right here: a worker does one thing at
 * a time, and a sync call costs a fraction of an async one's bookkeeping for a file of a few KB.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const zlib = require('node:zlib');
const looksIncompressible = ${looksIncompressible.toString()};
// Images, fonts and archives are stored without deflating them whole: it would take long and not help.
function worthDeflating(raw, level) {
  if (!looksIncompressible(raw)) return true;
  const sample = raw.subarray(0, ${PROBE_BYTES});
  return zlib.deflateRawSync(sample, { level }).byteLength < sample.byteLength * ${NOT_WORTH};
}
// One scratch buffer for every file read: fresh buffers per file would leave tens of MB for the collector.
let scratch = Buffer.allocUnsafe(1024 * 1024);
function read(item) {
  if (item.data) return Buffer.from(item.data.buffer, item.data.byteOffset, item.data.byteLength);
  // O_NONBLOCK: a FIFO swapped in since the walk must not block the worker forever.
  const fd = fs.openSync(item.path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK || 0));
  try {
    const size = item.size;
    if (!fs.fstatSync(fd).isFile()) throw new Error('it is not a regular file (a FIFO, socket or device)');
    if (item.offset === undefined) {
      // A file that changed since the folder was walked is an error, as in the streaming writers, not a surprise in size.
      const actual = fs.fstatSync(fd).size;
      if (actual !== size) throw new Error('its size changed while it was being packed (expected ' + size + ' bytes, found ' + actual + ')');
    }
    if (scratch.byteLength < size) scratch = Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const n = fs.readSync(fd, scratch, done, size - done, (item.offset ?? 0) + done);
      if (n === 0) break;
      done += n;
    }
    return scratch.subarray(0, done);
  } finally {
    fs.closeSync(fd);
  }
}
let staging = Buffer.allocUnsafe(2 * 1024 * 1024);
parentPort.on('message', ({ id, level, crc, items }) => {
  const results = [];
  let total = 0;
  for (const item of items) {
    try {
      const raw = read(item);
      let data = raw;
      let method = 0;
      if (level > 0 && raw.byteLength > 0 && worthDeflating(raw, level)) {
        const deflated = zlib.deflateRawSync(raw, { level });
        if (deflated.byteLength < raw.byteLength) { data = deflated; method = 8; }
      }
      const checksum = crc ? zlib.crc32(raw) : 0;
      if (staging.byteLength < total + data.byteLength) {
        const grown = Buffer.allocUnsafe(Math.max(staging.byteLength * 2, total + data.byteLength));
        staging.copy(grown, 0, 0, total);
        staging = grown;
      }
      data.copy(staging, total); // the raw bytes live in the scratch buffer, which the next read reuses
      results.push({ offset: total, length: data.byteLength, method, crc: checksum, size: raw.byteLength });
      total += data.byteLength;
    } catch (error) {
      results.push({ error: error.message, code: error.code });
    }
  }
  // One fresh buffer of the exact size, moved (not copied) back: pooled Buffers must never be transferred.
  const buffer = new ArrayBuffer(total);
  new Uint8Array(buffer).set(staging.subarray(0, total));
  parentPort.postMessage({ id, results, buffer }, [buffer]);
});
`;

/** The bytes of a view on their own: posting a view would copy all of the (perhaps far larger) buffer under it. */
function ownBytes(data: Uint8Array): Uint8Array {
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : new Uint8Array(data); // a copy (Buffer#slice would be a view)
}

const BATCH_ITEMS = 64;
const BATCH_BYTES = 1024 * 1024;
/** Jobs queued per worker, so that a worker never waits for the main thread between two. */
const JOBS_PER_WORKER = 2;
const IDLE_MS = 2000;

/**
 * Reads, CRCs and deflates small files on worker threads, in batches: a package of tens of
 * thousands of small files would otherwise spend more of the main thread on per-file async
 * bookkeeping than on anything else. Workers start on first use and stop when idle.
 */
export class PreparePool {
  readonly #size: number;
  #workers: WorkerState[] = [];
  #queue: Item[] = [];
  #scheduled = false;
  #nextId = 0;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(size = Math.max(1, Math.min(os.availableParallelism(), 4))) {
    this.#size = size;
  }

  prepare(source: EntrySource & { kind: 'path' | 'buffer' }, options: { level: number; crc: boolean }): Promise<PreparedFile> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ source, level: options.level, crc: options.crc, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // Everything asked for in this turn of the event loop goes out together, in batches.
        queueMicrotask(() => {
          this.#scheduled = false;
          this.#dispatch();
        });
      }
    });
  }

  #dispatch(): void {
    if (this.#idleTimer) {
      clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
    }
    while (this.#queue.length > 0) {
      const state = this.#pickWorker();
      if (!state) return;
      const batch: Item[] = [];
      let bytes = 0;
      const { level, crc } = this.#queue[0]!;
      while (batch.length < BATCH_ITEMS && bytes < BATCH_BYTES && this.#queue.length > 0) {
        const next = this.#queue[0]!;
        if (next.level !== level || next.crc !== crc) break;
        batch.push(this.#queue.shift()!);
        bytes += next.source.kind === 'path' ? next.source.size : next.source.data.byteLength;
      }
      const id = this.#nextId++;
      state.inFlight.set(id, batch);
      state.worker.ref();
      state.worker.postMessage({
        id,
        level,
        crc,
        items: batch.map(({ source }) =>
          source.kind === 'buffer'
            ? { data: ownBytes(source.data) }
            : { path: source.path, size: source.size, ...(source.offset !== undefined && { offset: source.offset }) },
        ),
      });
    }
  }

  #pickWorker(): WorkerState | undefined {
    let best: WorkerState | undefined;
    for (const state of this.#workers) if (!best || state.inFlight.size < best.inFlight.size) best = state;
    if ((!best || best.inFlight.size > 0) && this.#workers.length < this.#size) best = this.#startWorker();
    return best && best.inFlight.size < JOBS_PER_WORKER ? best : undefined;
  }

  #startWorker(): WorkerState {
    // execArgv: [] — the host's flags (`--input-type=module` would make this CommonJS source an ES module) are not the worker's.
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    const state: WorkerState = { worker, inFlight: new Map() };
    worker.on('message', (message: { id: number; results: WorkerResult[]; buffer: ArrayBuffer }) => {
      const batch = state.inFlight.get(message.id)!;
      state.inFlight.delete(message.id);
      batch.forEach((item, index) => {
        const result = message.results[index]!;
        if ('error' in result) {
          const where = item.source.kind === 'path' ? item.source.path : 'a buffer';
          item.reject(readError(Object.assign(new Error(result.error), result.code ? { code: result.code } : {}), where));
        } else {
          const data = Buffer.from(message.buffer, result.offset, result.length);
          item.resolve({ data, method: result.method, crc: result.crc, size: result.size });
        }
      });
      if (state.inFlight.size === 0) state.worker.unref();
      this.#dispatch();
      this.#stopWhenIdle();
    });
    worker.on('error', (error) => this.#fail(state, error));
    worker.on('exit', (code) => {
      if (state.inFlight.size > 0) this.#fail(state, new Error(`a packing worker stopped with exit code ${code}`));
      this.#workers = this.#workers.filter((other) => other !== state);
    });
    worker.unref();
    this.#workers.push(state);
    return state;
  }

  #fail(state: WorkerState, error: unknown): void {
    for (const batch of state.inFlight.values()) for (const item of batch) item.reject(error);
    state.inFlight.clear();
    this.#workers = this.#workers.filter((other) => other !== state);
    void state.worker.terminate();
    this.#dispatch();
  }

  #stopWhenIdle(): void {
    if (this.#queue.length > 0 || this.#workers.some((state) => state.inFlight.size > 0) || this.#idleTimer) return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      const workers = this.#workers;
      this.#workers = [];
      for (const state of workers) void state.worker.terminate();
    }, IDLE_MS);
    this.#idleTimer.unref();
  }
}

let shared: PreparePool | undefined;

/** One pool per process, shared by every package being written. */
export function sharedPreparePool(): PreparePool {
  shared ??= new PreparePool();
  return shared;
}
