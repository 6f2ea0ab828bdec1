/**
 * A cheap guess, from the byte histogram of a sample, that deflate will not shrink `data`: random
 * bytes, images, fonts and archives. A fraction of a millisecond, against tens for deflating a
 * megabyte only to store it anyway. Data that repeats long random runs can fool it, so callers
 * confirm with a real deflate of PROBE_BYTES before storing.
 *
 * Self-contained (no outside names), because the packing workers run its source text too.
 */
export function looksIncompressible(data: Uint8Array, sampleBytes = 65536, bitsPerByte = 7.9): boolean {
  const length = Math.min(data.byteLength, sampleBytes);
  if (length < 4096) return false;
  const counts = new Uint32Array(256);
  for (let index = 0; index < length; index++) counts[data[index]!]!++;
  let entropy = 0;
  for (const count of counts) {
    if (count === 0) continue;
    const p = count / length;
    entropy -= p * Math.log2(p);
  }
  return entropy > bitsPerByte; // text sits near 4 to 5 bits per byte
}

/** How much of a block a confirming deflate looks at. */
export const PROBE_BYTES = 16 * 1024;
/** A probe that deflates to this fraction of its size or more is not worth deflating. */
export const NOT_WORTH = 0.98;
