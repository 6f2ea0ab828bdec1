import { BITS_MULTIPLIER, type ChunkIndex, HASH_MULTIPLIER } from './chunk-index.js';

// The hot loops of the delta builder: roll the window one byte at a time until its checksum is in the chunk
// table. One function per checksum so each stays small, monomorphic and free of calls for V8 to optimise.
// `state` holds (a, b) of the window at `pos` on entry and of the window at the returned position on exit.

/** Octodiff's Adler32: both sums modulo 2^16. Returns the first position in [pos, last] whose checksum is in the table, or -1. */
export function scanAdler32(
  buf: Uint8Array,
  pos: number,
  last: number,
  window: number,
  index: ChunkIndex,
  removeTable: Int32Array,
  state: Int32Array,
): number {
  const { filter, filterShift, table, mask, shift } = index;
  let a = state[0]!;
  let b = state[1]!;
  for (;;) {
    const key = (b << 16) | a;
    const hash = Math.imul(key, HASH_MULTIPLIER);
    // filterBits(key), inlined: this runs for every byte of the new file.
    const mixed = Math.imul(key ^ (key >>> 16), BITS_MULTIPLIER);
    const bits = (1 << (mixed >>> 27)) | (1 << ((mixed >>> 22) & 31));
    if ((filter[hash >>> filterShift]! & bits) === bits) {
      for (let slot = hash >>> shift; table[(slot << 1) + 1] !== 0; slot = (slot + 1) & mask) {
        if (table[slot << 1] === key) {
          state[0] = a;
          state[1] = b;
          return pos;
        }
      }
    }
    if (pos === last) break;
    const out = buf[pos]!;
    a = (a - out + buf[pos + window]!) & 0xffff;
    b = (b - removeTable[out]! + a - 1) & 0xffff;
    pos++;
  }
  state[0] = a;
  state[1] = b;
  return -1;
}

const M = 65521;

/** Adler32V2 (true Adler-32), rotated exactly: every intermediate brought back into [0, 65521). */
export function scanAdler32V2(
  buf: Uint8Array,
  pos: number,
  last: number,
  window: number,
  index: ChunkIndex,
  removeTable: Int32Array,
  state: Int32Array,
): number {
  const { filter, filterShift, table, mask, shift } = index;
  let a = state[0]!;
  let b = state[1]!;
  for (;;) {
    const key = (b << 16) | a;
    const hash = Math.imul(key, HASH_MULTIPLIER);
    // filterBits(key), inlined: this runs for every byte of the new file.
    const mixed = Math.imul(key ^ (key >>> 16), BITS_MULTIPLIER);
    const bits = (1 << (mixed >>> 27)) | (1 << ((mixed >>> 22) & 31));
    if ((filter[hash >>> filterShift]! & bits) === bits) {
      for (let slot = hash >>> shift; table[(slot << 1) + 1] !== 0; slot = (slot + 1) & mask) {
        if (table[slot << 1] === key) {
          state[0] = a;
          state[1] = b;
          return pos;
        }
      }
    }
    if (pos === last) break;
    const out = buf[pos]!;
    a = a - out + buf[pos + window]!;
    if (a < 0) a += M;
    else if (a >= M) a -= M;
    // removeTable[out] is (window * out) mod M, so b - it + a - 1 lies in [-M, 2M - 2].
    b = b - removeTable[out]! + a - 1;
    if (b < 0) b += M;
    else if (b >= M) b -= M;
    pos++;
  }
  state[0] = a;
  state[1] = b;
  return -1;
}
