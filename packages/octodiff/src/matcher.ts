import crypto from 'node:crypto';
import { adler32V1, adler32V2, rotateChecksum } from './adler32.js';
import { type ChunkIndex, findChecksum } from './chunk-index.js';
import type { DeltaWriter } from './delta-writer.js';
import { HASH_LENGTH } from './format.js';
import { scanAdler32, scanAdler32V2 } from './scan.js';
import type { Signature } from './signature.js';

/**
 * Finds the signature's chunks in the new file, a buffer at a time, and writes COPY and DATA commands.
 * A window of the chunk size rolls over the bytes; a weak-checksum hit is confirmed by SHA-1 before it is used.
 * After a match the next basis chunk is tried directly by SHA-1, since unchanged files keep their chunks in
 * order; that skips the rolling checksum over unchanged regions. Chunks of another length (the basis's short
 * last chunk) are looked for where Octodiff looks: in the last chunk-size bytes of the new file.
 */
export class Matcher {
  /** Where the next window starts, relative to the current buffer. */
  private pos = 0;
  /** Start of the literal bytes not yet written, relative to the current buffer. */
  private literal = 0;
  private rolling = false;
  private readonly state = new Int32Array(2);
  private readonly window: number;
  private readonly shortest: number;
  private readonly scan: typeof scanAdler32;
  private readonly removeTable: Int32Array;

  constructor(
    private readonly signature: Signature,
    private readonly index: ChunkIndex,
    private readonly writer: DeltaWriter,
  ) {
    this.window = signature.chunkSize;
    this.shortest = signature.lengths.reduce((min, length) => Math.min(min, length), this.window);
    const v2 = signature.rollingChecksum === 'Adler32V2';
    this.scan = v2 ? scanAdler32V2 : scanAdler32;
    // windowLength * removedByte, reduced as each checksum needs it, so the hot loop only adds.
    this.removeTable = Int32Array.from({ length: 256 }, (_, byte) => (v2 ? (this.window * byte) % 65521 : this.window * byte));
  }

  /**
   * Processes `buf[0, length)`. Unless `end` (no bytes follow), returns how many leading bytes are done with:
   * the caller drops them, moves the rest to the front and appends more before calling again.
   */
  process(buf: Buffer, length: number, end: boolean): number {
    const { window, writer, signature } = this;
    if (signature.count === 0) {
      writer.data(buf, this.literal, length);
      this.literal = length;
      return this.advance(length);
    }
    let pos = this.pos;
    while (length - pos >= window) {
      if (!this.rolling) this.startWindow(buf, pos);
      const hit = this.scan(buf, pos, length - window, window, this.index, this.removeTable, this.state);
      pos = hit < 0 ? length - window : hit;
      const chunk = hit < 0 ? -1 : this.confirm(buf, pos, window);
      if (chunk < 0) {
        if (pos === length - window) {
          if (end) pos++;
          break;
        }
        this.rotate(buf, pos++);
        continue;
      }
      pos = this.copyRun(buf, pos, length, chunk);
    }
    if (!end) {
      this.pos = pos;
      writer.data(buf, this.literal, pos);
      this.literal = pos;
      return this.advance(pos);
    }
    this.tail(buf, pos, length);
    writer.data(buf, this.literal, length);
    return this.advance(length);
  }

  /** Writes the COPY for `chunk` at `pos` and for the basis chunks after it while they follow here too. */
  private copyRun(buf: Buffer, pos: number, length: number, chunk: number): number {
    const { lengths, starts, count } = this.signature;
    this.writer.data(buf, this.literal, pos);
    let next = chunk;
    let size = lengths[next]!;
    do {
      this.writer.copy(starts[next]!, size);
      pos += size;
      next++;
      size = next < count ? lengths[next]! : 0;
    } while (size > 0 && size <= length - pos && this.sameSha1(buf, pos, size, next));
    this.literal = pos;
    this.rolling = false;
    return pos;
  }

  /** Octodiff's tail: windows of the shortest chunk length over the bytes where a whole chunk no longer fits. */
  private tail(buf: Buffer, pos: number, length: number): void {
    const size = this.shortest;
    if (size === this.window) return;
    const name = this.signature.rollingChecksum;
    const calculate = name === 'Adler32' ? adler32V1 : adler32V2;
    let checksum = -1;
    while (length - pos >= size) {
      checksum = checksum < 0 ? calculate(buf, pos, pos + size) : rotateChecksum(name, checksum, buf[pos - 1]!, buf[pos + size - 1]!, size);
      const chunk = this.find(buf, pos, size, checksum);
      if (chunk < 0) {
        pos++;
        continue;
      }
      this.writer.data(buf, this.literal, pos);
      this.writer.copy(this.signature.starts[chunk]!, size);
      pos += size;
      this.literal = pos;
      checksum = -1;
    }
  }

  private confirm(buf: Buffer, pos: number, size: number): number {
    return this.find(buf, pos, size, ((this.state[1]! << 16) | this.state[0]!) >>> 0);
  }

  /** The first chunk, in (checksum, start) order, with this checksum, this length and the SHA-1 of these bytes. */
  private find(buf: Buffer, pos: number, size: number, checksum: number): number {
    const { next } = this.index;
    const { lengths } = this.signature;
    let hash: string | undefined;
    for (let chunk = findChecksum(this.index, checksum); chunk >= 0; chunk = next[chunk]!) {
      if (lengths[chunk] !== size) continue;
      hash ??= sha1Of(buf, pos, size);
      if (this.equalsSha1(hash, chunk)) return chunk;
    }
    return -1;
  }

  private sameSha1(buf: Buffer, pos: number, size: number, chunk: number): boolean {
    return this.equalsSha1(sha1Of(buf, pos, size), chunk);
  }

  private equalsSha1(hash: string, chunk: number): boolean {
    const { sha1s } = this.signature;
    const at = chunk * HASH_LENGTH;
    for (let k = 0; k < HASH_LENGTH; k++) if (hash.charCodeAt(k) !== sha1s[at + k]) return false;
    return true;
  }

  private startWindow(buf: Buffer, pos: number): void {
    const checksum = (this.signature.rollingChecksum === 'Adler32' ? adler32V1 : adler32V2)(buf, pos, pos + this.window);
    this.state[0] = checksum & 0xffff;
    this.state[1] = checksum >>> 16;
    this.rolling = true;
  }

  private rotate(buf: Buffer, pos: number): void {
    const name = this.signature.rollingChecksum;
    const next = rotateChecksum(name, ((this.state[1]! << 16) | this.state[0]!) >>> 0, buf[pos]!, buf[pos + this.window]!, this.window);
    this.state[0] = next & 0xffff;
    this.state[1] = next >>> 16;
  }

  /** Rebases the positions after the caller drops `dropped` leading bytes. */
  private advance(dropped: number): number {
    this.pos -= dropped;
    if (this.pos < 0) this.pos = 0;
    this.literal -= dropped;
    if (this.literal < 0) this.literal = 0;
    return dropped;
  }
}

/** SHA-1 of `buf[pos, pos + size)` as a latin1 string: the cheapest digest form to compare byte by byte. */
function sha1Of(buf: Buffer, pos: number, size: number): string {
  // A plain Uint8Array view is cheaper to make than Buffer#subarray, and this runs once per chunk.
  return crypto.hash('sha1', new Uint8Array(buf.buffer, buf.byteOffset + pos, size), 'binary');
}
