const SAMPLE = 64 * 1024;
/** Bits per byte above which data is taken for random or already compressed (text sits near 4 to 5). */
const THRESHOLD = 7.9;

/**
 * A cheap guess, from the byte histogram of a sample, that deflate will not shrink `data`: random
 * bytes, images, fonts and archives. A fraction of a millisecond, against tens for deflating a
 * megabyte only to store it anyway. Data that repeats long random runs can fool it, so callers
 * confirm with a real deflate of a small sample before storing.
 */
export function looksIncompressible(data: Uint8Array): boolean {
  const length = Math.min(data.byteLength, SAMPLE);
  if (length < 4096) return false;
  const counts = new Uint32Array(256);
  for (let index = 0; index < length; index++) counts[data[index]!]!++;
  let entropy = 0;
  for (const count of counts) {
    if (count === 0) continue;
    const p = count / length;
    entropy -= p * Math.log2(p);
  }
  return entropy > THRESHOLD;
}
