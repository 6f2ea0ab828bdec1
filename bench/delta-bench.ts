import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { median } from './measure.js';

// The delta builder against the time to SHA-1 the same new file, measured in the same run. A version of a
// package-sized file, then the same with small edits (insertions, deletions, changed bytes), as a release is.

interface StepResult {
  seconds: number;
  rssMb: number;
  result: unknown;
}

export interface DeltaRow {
  step: string;
  seconds: number;
  rssMb: number;
  /** Step time over SHA-1 time of the same input. */
  ratio?: number;
  note: string;
}

const STEP = path.join(import.meta.dirname, 'delta-step.mjs');
const MiB = 1 << 20;

function step(...args: string[]): StepResult {
  const run = spawnSync(process.execPath, [STEP, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`delta step ${args.join(' ')} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as StepResult;
}

/** Deterministic incompressible bytes (AES-CTR over zeros): `size` bytes from `seed`, written in pieces. */
function writeVersion(file: string, size: number, seed: number, edit: (piece: Buffer, k: number) => Buffer[]): void {
  const cipher = crypto.createCipheriv('aes-128-ctr', Buffer.alloc(16, seed), Buffer.alloc(16, 0));
  const fd = fs.openSync(file, 'w');
  const zeros = Buffer.alloc(16 * MiB);
  for (let done = 0, k = 0; done < size; done += zeros.length, k++) {
    for (const part of edit(cipher.update(zeros.subarray(0, Math.min(zeros.length, size - done))), k)) fs.writeSync(fd, part);
  }
  fs.closeSync(fd);
}

/** v1, v2 = v1 with an edit in every 16 MiB piece, and an unrelated file for the nothing-in-common case. */
export function makeDeltaFiles(root: string, sizeMb: number): { v1: string; v2: string; other: string; edits: number } {
  const folder = path.join(root, `delta-${sizeMb}`);
  const [v1, v2, other] = ['v1', 'v2', 'other'].map((name) => path.join(folder, name)) as [string, string, string];
  const edits = Math.ceil((sizeMb * MiB) / (16 * MiB));
  if (fs.existsSync(path.join(folder, '.done'))) return { v1, v2, other, edits };
  fs.mkdirSync(folder, { recursive: true });
  writeVersion(v1, sizeMb * MiB, 1, (piece) => [piece]);
  const literal = (n: number, k: number) => crypto.createHash('sha256').update(`edit ${k}`).digest().toString('hex').repeat(n).slice(0, n);
  writeVersion(v2, sizeMb * MiB, 1, (piece, k) => {
    const at = Math.floor(piece.length * ((k * 0.618) % 1));
    if (k % 3 === 0) return [piece.subarray(0, at), Buffer.from(literal(3000, k)), piece.subarray(at)]; // insertion
    if (k % 3 === 1) return [piece.subarray(0, at), piece.subarray(Math.min(piece.length, at + 5000))]; // deletion
    const changed = Buffer.from(piece);
    changed.write(literal(300, k), at); // changed bytes
    return [changed];
  });
  writeVersion(other, Math.min(sizeMb, 128) * MiB, 2, (piece) => [piece]);
  fs.writeFileSync(path.join(folder, '.done'), '');
  return { v1, v2, other, edits };
}

export function benchDelta(root: string, sizeMb: number, runs: number): { rows: DeltaRow[]; summary: string } {
  const files = makeDeltaFiles(root, sizeMb);
  const out = path.join(root, `delta-${sizeMb}`, 'out');
  fs.mkdirSync(out, { recursive: true });
  const [signature, delta, rebuilt] = ['signature', 'delta', 'rebuilt'].map((name) => path.join(out, name)) as [string, string, string];
  const samples: Record<'sha1' | 'delta' | 'known' | 'signature', StepResult[]> = { sha1: [], delta: [], known: [], signature: [] };
  let newSha1 = '';
  // Alternate so that load from other processes on the machine falls on both sides alike.
  for (let run = 0; run < runs; run++) {
    samples.signature.push(step('signature', files.v1, signature));
    const sha1 = step('sha1', files.v2);
    newSha1 = sha1.result as string;
    samples.sha1.push(sha1);
    samples.delta.push(step('delta', files.v2, signature, delta));
    samples.known.push(step('delta', files.v2, signature, delta, newSha1));
  }
  const deltaResult = samples.delta[0]!.result as { size: number; copiedBytes: number; literalBytes: number };
  const apply = step('apply', files.v1, delta, rebuilt);
  if ((apply.result as { sha1: string }).sha1 !== newSha1) throw new Error('the applied delta did not rebuild v2');
  fs.rmSync(rebuilt);
  const otherSha1 = step('sha1', files.other);
  const otherDelta = step('delta', files.other, signature, path.join(out, 'delta-other'));
  const otherDeltaSize = (otherDelta.result as { size: number }).size;
  fs.rmSync(path.join(out, 'delta-other'));

  const sha1Seconds = median(samples.sha1.map((s) => s.seconds));
  const row = (name: string, list: StepResult[], note: string, base = sha1Seconds): DeltaRow => {
    const seconds = median(list.map((s) => s.seconds));
    return { step: name, seconds, rssMb: Math.max(...list.map((s) => s.rssMb)), ratio: seconds / base, note };
  };
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 0)} MB`;
  const newSize = fs.statSync(files.v2).size;
  const rows: DeltaRow[] = [
    row('SHA-1 of the new file (reference)', samples.sha1, `${mb(newSize)}, streamed through crypto SHA-1`),
    row(
      'createDelta (computes SHA-1 itself)',
      samples.delta,
      `delta ${mb(deltaResult.size)} = ${((100 * deltaResult.size) / newSize).toFixed(4)}% of the file`,
    ),
    row('createDelta with the SHA-1 given', samples.known, 'as a push that has hashed the package already'),
    { ...row('createSignature of the basis', samples.signature, `signature ${mb(fs.statSync(signature).size)}`), ratio: undefined },
    { ...row('applyDelta', [apply], 'rebuilds v2, SHA-1 checked'), ratio: undefined },
    row(
      `createDelta, nothing in common (${mb(fs.statSync(files.other).size)})`,
      [otherDelta],
      `delta ${mb(otherDeltaSize)}; ratio to its own SHA-1`,
      otherSha1.seconds,
    ),
  ];
  const summary = `${mb(newSize)} new file, ${files.edits} small edits (3 kB insertions, 5 kB deletions, 300-byte changes), chunk size 2048, Adler32`;
  return { rows, summary };
}

export function deltaTable(rows: DeltaRow[]): string {
  const lines = ['| Step | Seconds | × SHA-1 | Peak RSS | Notes |', '|---|---:|---:|---:|---|'];
  for (const r of rows) {
    lines.push(
      `| ${r.step} | ${r.seconds.toFixed(2)} | ${r.ratio === undefined ? '' : r.ratio.toFixed(2)} | ${r.rssMb.toFixed(0)} MB | ${r.note} |`,
    );
  }
  return lines.join('\n');
}
