import type { Signature } from './signature.js';

/**
 * The signature's chunks by rolling checksum: an open-addressing hash table in one Int32Array of
 * (checksum, 1 + first chunk with it) pairs, so a probe touches one cache line, and `next`, which chains the
 * chunks of one checksum in file order: Octodiff's (checksum, start) order, without sorting.
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
  /** The next chunk with the same checksum, in file order, or -1. */
  readonly next: Int32Array;
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
  // At most one slot in two used, so a probe usually ends on its first or second slot.
  let bits = 4;
  while (1 << bits < count * 2) bits++;
  let wordBits = 10;
  while (wordBits < 22 && 1 << wordBits < count) wordBits++;
  const filter = new Int32Array(1 << wordBits);
  const filterShift = 32 - wordBits;
  const mask = (1 << bits) - 1;
  const shift = 32 - bits;
  const table = new Int32Array((mask + 1) * 2);
  const next = new Int32Array(count);
  // Last chunk first, each put at the head of its checksum's chain: the chains end up in file order.
  for (let i = count - 1; i >= 0; i--) {
    const key = checksums[i]! | 0;
    const hash = Math.imul(key, HASH_MULTIPLIER);
    let slot = hash >>> shift;
    while (table[slot * 2 + 1] !== 0 && table[slot * 2] !== key) slot = (slot + 1) & mask;
    next[i] = table[slot * 2 + 1]! - 1;
    if (next[i] === -1) {
      table[slot * 2] = key;
      filter[hash >>> filterShift]! |= filterBits(key);
    }
    table[slot * 2 + 1] = i + 1;
  }
  return { filter, filterShift, table, mask, shift, next };
}

/** The first chunk (in file order) with this checksum, or -1. */
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
