import type { RollingChecksumName } from './format.js';

// Octodiff's two rolling checksums, packed as (b << 16) | a, starting from a = 1, b = 0.
// Adler32 ("V1", Octodiff's default) keeps both sums modulo 2^16; Adler32V2 is true Adler-32, modulo 65521.
// Octodiff's and go-octodiff's V2 rotate are wrong for negative intermediates (api doc §3.3); this one is exact,
// so it always equals calculating the next window from scratch.
const MOD_V2 = 65521;

/** The rolling checksum of `bytes[start, end)`, as Octodiff's `Calculate`. */
export function rollingChecksum(name: RollingChecksumName, bytes: Uint8Array, start = 0, end = bytes.length): number {
  return name === 'Adler32' ? adler32V1(bytes, start, end) : adler32V2(bytes, start, end);
}

/** The checksum of the window moved one byte on: `remove` leaves, `add` enters, `windowLength` stays. */
export function rotateChecksum(name: RollingChecksumName, checksum: number, remove: number, add: number, windowLength: number): number {
  let a = checksum & 0xffff;
  let b = checksum >>> 16;
  if (name === 'Adler32') {
    a = (a - remove + add) & 0xffff;
    b = (b - windowLength * remove + a - 1) & 0xffff;
  } else {
    a = mod(a - remove + add);
    b = mod(b - ((windowLength * remove) % MOD_V2) + a - 1);
  }
  return ((b << 16) | a) >>> 0;
}

export function adler32V1(bytes: Uint8Array, start: number, end: number): number {
  let a = 1;
  let b = 0;
  // No masking inside the loop: a stays below 2^31 for any window (31,744 * 255), and b is only needed modulo 2^16,
  // which 32-bit wrap-around preserves.
  for (let i = start; i < end; i++) {
    a += bytes[i]!;
    b = (b + a) | 0;
  }
  return (((b & 0xffff) << 16) | (a & 0xffff)) >>> 0;
}

export function adler32V2(bytes: Uint8Array, start: number, end: number): number {
  let a = 1;
  let b = 0;
  // Reduce every 3800 bytes, which keeps b below 2^31 (zlib reduces every 5552 with unsigned 32-bit sums).
  let i = start;
  while (i < end) {
    const stop = Math.min(end, i + 3800);
    for (; i < stop; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= MOD_V2;
    b %= MOD_V2;
  }
  return ((b << 16) | a) >>> 0;
}

function mod(x: number): number {
  return ((x % MOD_V2) + MOD_V2) % MOD_V2;
}
