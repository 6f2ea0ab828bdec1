// One step of the delta-push benchmark, in its own process so that its peak RSS is its own:
//   push <file> <server> <apiKey> <full|delta>   push the package (OverwriteExisting) as the octojs CLI would
//   build <file> <signature>                     SHA-1 of the new package, then the delta build, timed one after the other
// Prints one JSON line: the step's time (without process start-up), peak RSS (VmHWM) and its result.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { push } from '@octojs/core';
import { createDelta } from '@octojs/octodiff';

const [step, ...args] = process.argv.slice(2);

function sha1(file) {
  return new Promise((resolve, reject) => {
    const hash = crypto.createHash('sha1');
    fs.createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

const started = performance.now();
let result;
if (step === 'push') {
  const [file, server, apiKey, method] = args;
  const pushed = await push(file, {
    server,
    apiKey,
    env: {},
    overwriteMode: 'OverwriteExisting',
    useDeltaCompression: method === 'delta',
    retries: 0,
  });
  result = {
    method: pushed.method,
    bytesSent: pushed.bytesSent,
    size: pushed.size,
    baseVersion: pushed.baseVersion,
    fullUploadReason: pushed.fullUploadReason,
    outcome: pushed.outcome,
  };
} else if (step === 'build') {
  const [file, signatureFile] = args;
  const signature = fs.readFileSync(signatureFile);
  const out = path.join(os.tmpdir(), `bench-delta-${process.pid}`);
  const timed = async (action) => {
    const begun = performance.now();
    const value = await action();
    return { seconds: (performance.now() - begun) / 1000, value };
  };
  // SHA-1 before and after the builds (the faster of the two: the machine may be busy), the delta as createDelta
  // builds it alone (hashing on a worker thread while it matches), and as push builds it (the SHA-1 already known,
  // hashed while the signature downloaded).
  const first = await timed(() => sha1(file));
  const own = await timed(() => createDelta(file, signature, out));
  const known = await timed(() => createDelta(file, signature, out, { sha1: first.value }));
  const second = await timed(() => sha1(file));
  fs.rmSync(out, { force: true });
  if (own.value.sha1 !== first.value) throw new Error('the delta header hash is not the SHA-1 of the file');
  result = {
    sha1Seconds: Math.min(first.seconds, second.seconds),
    deltaSeconds: own.seconds,
    knownSha1Seconds: known.seconds,
    deltaSize: own.value.size,
  };
} else {
  throw new Error(`unknown step ${step}`);
}
const seconds = (performance.now() - started) / 1000;
const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
const rssMb = (hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS) / 1024;
console.log(JSON.stringify({ seconds, rssMb, result }));
