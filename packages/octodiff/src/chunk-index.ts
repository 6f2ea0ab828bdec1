import type { Signature } from './signature.js';

/**
 * The signature's chunks by rolling checksum: an open-addressing hash table in one Int32Array of
 * (checksum, 1 + first position in `order`) pairs, so a probe touches one cache line, and `order`, the chunk
 * indices sorted by (checksum, start) as Octodiff sorts them, so equal checksums are neighbours.
 * In front of the table, a filter of about 32 bits per chunk: the hot loop tests every byte position and nearly
 * all miss. Each chunk sets two bits in one 32-bit word (a Bloom filter blocked to a word), so a test is one
 * memory access and lets through about 0.5% of misses; fewer probes of the large table matter, since each is a
 * likely cache and TLB miss.
 */
export interface ChunkIndex {
  readonly filter: Int32Array;
  /** Right shift that turns the multiplicative hash into a filter word number. */
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
/** A second, independent multiplier (MurmurHash3's) for the two filter bits. */
export const BITS_MULTIPLIER = 0x85ebca6b | 0;

/** The two filter bits of a checksum, as a mask within its filter word. */
export function filterBits(key: number): number {
  const mixed = Math.imul(key ^ (key >>> 16), BITS_MULTIPLIER);
  return (1 << (mixed >>> 27)) | (1 << ((mixed >>> 22) & 31));
}

export function buildChunkIndex(signature: Signature): ChunkIndex {
  const { count, checksums } = signature;
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  // Starts grow with the index, so sorting by (checksum, index) is sorting by (checksum, start).
  order.sort((x, y) => checksums[x]! - checksums[y]! || x - y);
  // At most one slot in two used, so a probe usually ends on its first or second slot.
  let bits = 4;
  while (1 << bits < count * 2) bits++;
  let wordBits = 10;
  while (wordBits < 22 && 1 << wordBits < count) wordBits++;
  const filter = new Int32Array(1 << wordBits);
  const filterShift = 32 - wordBits;
  const slots = 1 << bits;
  const mask = slots - 1;
  const shift = 32 - bits;
  const table = new Int32Array(slots * 2);
  for (let p = 0; p < count; p++) {
    const checksum = checksums[order[p]!]!;
    if (p > 0 && checksums[order[p - 1]!] === checksum) continue;
    const hash = Math.imul(checksum, HASH_MULTIPLIER);
    filter[hash >>> filterShift]! |= filterBits(checksum | 0);
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
