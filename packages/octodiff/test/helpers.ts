import { Writable } from 'node:stream';

/** The §3.3 input generator: x0 = seed; x' = (x * 1103515245 + 12345) & 0x7FFFFFFF; byte = (x' >> 16) & 0xFF. */
export function lcgBytes(length: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed;
  for (let k = 0; k < length; k++) {
    x = Number((BigInt(x) * 1103515245n + 12345n) & 0x7fffffffn);
    out[k] = (x >> 16) & 0xff;
  }
  return out;
}

/** A fast seeded generator (mulberry32) for the random-edit tests. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function randomBytes(random: () => number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = (random() * 256) | 0;
  return out;
}

/** A Writable that keeps what it is given. */
export function collector(): { stream: Writable; bytes: () => Buffer } {
  const parts: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      parts.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, bytes: () => Buffer.concat(parts) };
}

export interface Command {
  type: 'COPY' | 'DATA';
  start?: number;
  length: number;
}

/** Decodes a delta's commands with a reader written apart from the package's own, for asserting on them. */
export function commandsOf(delta: Buffer): Command[] {
  const commands: Command[] = [];
  let at = 42;
  while (at < delta.length) {
    const type = delta[at];
    if (type === 0x60) {
      commands.push({ type: 'COPY', start: Number(delta.readBigInt64LE(at + 1)), length: Number(delta.readBigInt64LE(at + 9)) });
      at += 17;
    } else if (type === 0x80) {
      const length = Number(delta.readBigInt64LE(at + 1));
      commands.push({ type: 'DATA', length });
      at += 9 + length;
    } else {
      throw new Error(`unexpected command byte ${type} at ${at}`);
    }
  }
  return commands;
}
