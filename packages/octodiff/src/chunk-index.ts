import type { Signature } from './signature.js';

/**
 * The signature's chunks by rolling checksum: an open-addressing hash table in one Int32Array of
 * (checksum, 1 + first position in `order`) pairs, so a probe touches one cache line, and `order`, the chunk
 * indices sorted by (checksum, start) as Octodiff sorts them, so equal checksums are neighbours.
 * In front of the table, a bit filter of about 32 bits per chunk: the hot loop tests every byte position, nearly
 * all miss, and a small bitset answers a miss from cache where the table would cost a memory access.
 */
export interface ChunkIndex {
  readonly filter: Int32Array;
  /** Right shift that turns the multiplicative hash into a filter bit number. */
  readonly filterShift: number;
  readonly table: Int32Array;
  /** Slot mask: the table has mask + 1 slots. */
  readonly mask: number;
  /** Right shift that turns the multiplicative hash into a slot number. */
  readonly shift: number;
  readonly order: Int32Array;
}

/** The multiplier of Fibonacci hashing, 2^32 / golden ratio. */
export const HASH_MULTIPLIER = 0x9e3779b1 | 0;

export function buildChunkIndex(signature: Signature): ChunkIndex {
  const { count, checksums } = signature;
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  // Starts grow with the index, so sorting by (checksum, index) is sorting by (checksum, start).
  order.sort((x, y) => checksums[x]! - checksums[y]! || x - y);
  // At most one slot in two used, so a probe usually ends on its first or second slot.
  let bits = 4;
  while (1 << bits < count * 2) bits++;
  let filterBits = 16;
  while (filterBits < 27 && 1 << filterBits < count * 32) filterBits++;
  const filter = new Int32Array(1 << (filterBits - 5));
  const filterShift = 32 - filterBits;
  const slots = 1 << bits;
  const mask = slots - 1;
  const shift = 32 - bits;
  const table = new Int32Array(slots * 2);
  for (let p = 0; p < count; p++) {
    const checksum = checksums[order[p]!]!;
    if (p > 0 && checksums[order[p - 1]!] === checksum) continue;
    const hash = Math.imul(checksum, HASH_MULTIPLIER);
    const bit = hash >>> filterShift;
    filter[bit >>> 5]! |= 1 << (bit & 31);
    let slot = hash >>> shift;
    while (table[slot * 2 + 1] !== 0) slot = (slot + 1) & mask;
    table[slot * 2] = checksum | 0;
    table[slot * 2 + 1] = p + 1;
  }
  return { filter, filterShift, table, mask, shift, order };
}

/** The first position in `index.order` of a chunk with this checksum, or -1. */
export function findChecksum(index: ChunkIndex, checksum: number): number {
  const { table, mask } = index;
  const key = checksum | 0;
  let slot = Math.imul(key, HASH_MULTIPLIER) >>> index.shift;
  for (;;) {
    const head = table[slot * 2 + 1]!;
    if (head === 0) return -1;
    if (table[slot * 2] === key) return head - 1;
    slot = (slot + 1) & mask;
  }
}
