import { Worker } from 'node:worker_threads';
import { readFailed } from './sources.js';

// The delta header carries the new file's SHA-1, a whole pass over the file. When the file is on disk, a worker
// thread reads and hashes it while the main thread matches chunks, so the two passes overlap on two cores.
// Plain CommonJS evaluated in the worker: no module resolution, so it works the same from dist and from sources.
// One reused buffer and synchronous reads (the thread has nothing else to do): no garbage, so no RSS growth.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
try {
  const hash = crypto.createHash('sha1');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const fd = fs.openSync(workerData, 'r');
  try {
    for (let n; (n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  parentPort.postMessage({ sha1: hash.digest('hex') });
} catch (error) {
  parentPort.postMessage({ error: { message: error.message, code: error.code } });
}
`;

/** SHA-1 of the file at `path` as hex, computed on a worker thread; `signal` stops the thread (the build failed). */
export function sha1OfFileInWorker(path: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    // execArgv: [] — the host's flags (`--input-type=module` would make this CommonJS source an ES module) are not the worker's.
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: path });
    signal?.addEventListener('abort', () => void worker.terminate(), { once: true });
    worker.once('message', (message: { sha1?: string; error?: { message: string; code?: string } }) => {
      if (message.sha1 !== undefined) resolve(message.sha1);
      else reject(readFailed(Object.assign(new Error(message.error?.message), { code: message.error?.code }), 'new file', path));
      void worker.terminate();
    });
    worker.once('error', (error) => reject(readFailed(error, 'new file', path)));
    worker.once('exit', (code) => reject(readFailed(new Error(`the hashing thread exited with code ${code}`), 'new file', path)));
  });
}
