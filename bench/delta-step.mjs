// One step of the delta benchmark, in its own process so its peak RSS is its own:
//   sha1 <file> | signature <basis> <out> | delta <new> <signature> <out> [sha1] | apply <basis> <delta> <out>
// Prints one JSON line: the step's own time (without process start-up), peak RSS and the step's result.
// Plain JavaScript on the built package (dist), so the process holds nothing but the step.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { applyDelta, createDelta, writeSignature } from '@octojs/octodiff';

const [step, ...args] = process.argv.slice(2);

function sha1(file) {
  // As a push client hashes a package: stream the file through SHA-1.
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
if (step === 'sha1') result = await sha1(args[0]);
else if (step === 'signature') result = await writeSignature(args[0], args[1]);
else if (step === 'delta') result = await createDelta(args[0], fs.readFileSync(args[1]), args[2], args[3] ? { sha1: args[3] } : {});
else if (step === 'apply') result = await applyDelta(args[0], args[1], args[2]);
else throw new Error(`unknown step ${step}`);
const seconds = (performance.now() - started) / 1000;
// VmHWM, not resourceUsage().maxRSS: Linux carries ru_maxrss over from the forking parent.
const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
const rssMb = (hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS) / 1024;
console.log(JSON.stringify({ seconds, rssMb, result }));
