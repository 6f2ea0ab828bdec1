import { OctodiffError } from './errors.js';
import { DELTA_MAGIC, END_OF_METADATA, FORMAT_VERSION, HASH_ALGORITHM, HASH_LENGTH } from './format.js';
import type { BlockReader } from './sources.js';

const BUFFER_SIZE = 1 << 20;

/** Buffered sequential reads of a delta, tracking the offset for error messages. */
export class DeltaCursor {
  private readonly buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  private start = 0;
  private end = 0;
  private ended = false;
  /** Offset in the delta of the next unread byte. */
  offset = 0;

  constructor(private readonly reader: BlockReader) {}

  /** Makes `n` (at most the buffer size) bytes available; false when the delta ends first. */
  async ensure(n: number): Promise<boolean> {
    while (this.end - this.start < n && !this.ended) {
      if (this.start > 0) {
        this.buffer.copyWithin(0, this.start, this.end);
        this.end -= this.start;
        this.start = 0;
      }
      const read = await this.reader.read(this.buffer, this.end, BUFFER_SIZE - this.end);
      if (read === 0) this.ended = true;
      this.end += read;
    }
    return this.end - this.start >= n;
  }

  /** Takes `n` bytes that `ensure(n)` made available; the view is valid until the next read. */
  take(n: number): Buffer {
    const view = this.buffer.subarray(this.start, this.start + n);
    this.start += n;
    this.offset += n;
    return view;
  }

  /** Up to `n` available bytes, without taking them. */
  peek(n: number): Buffer {
    return this.buffer.subarray(this.start, Math.min(this.end, this.start + n));
  }

  /** Takes up to `max` bytes, at least one unless the delta has ended; the view is valid until the next read. */
  async takeSome(max: number): Promise<Buffer> {
    if (this.start === this.end) await this.ensure(1);
    return this.take(Math.min(max, this.end - this.start));
  }
}

export const truncated = (what: string, offset: number) =>
  new OctodiffError('ERR_OCTODIFF_TRUNCATED_DELTA', `The delta is cut short: it ends inside ${what} at byte ${offset}.`, {
    hint: 'The delta file is incomplete; build or download it again.',
    offset,
  });

const invalid = (message: string, offset: number) =>
  new OctodiffError('ERR_OCTODIFF_INVALID_DELTA', message, { hint: 'Pass an Octodiff delta (it starts with "OCTODELTA").', offset });

/** Reads the delta header and returns the SHA-1 of the file the delta builds. */
export async function readDeltaHeader(cursor: DeltaCursor): Promise<Buffer> {
  const fixed = DELTA_MAGIC.length + 1 + 1 + HASH_ALGORITHM.length;
  const whole = await cursor.ensure(DELTA_MAGIC.length);
  const start = cursor.peek(DELTA_MAGIC.length);
  if (start.length === 0) throw invalid('The delta is empty.', 0);
  if (!start.equals(DELTA_MAGIC.subarray(0, start.length)))
    throw invalid('The delta does not start with the Octodiff delta header "OCTODELTA".', 0);
  if (!whole) throw truncated('the header', start.length);
  cursor.take(DELTA_MAGIC.length);
  if (!(await cursor.ensure(2))) throw truncated('the header', cursor.offset);
  const version = cursor.take(1)[0];
  if (version !== FORMAT_VERSION)
    throw invalid(`The delta has format version ${String(version)}; only version 1 exists.`, cursor.offset - 1);
  const nameLength = cursor.take(1)[0]!;
  if (nameLength >= 0x80) throw invalid('The delta header has a malformed hash algorithm name.', cursor.offset - 1);
  if (!(await cursor.ensure(nameLength + 4))) throw truncated('the header', cursor.offset);
  const name = cursor.take(nameLength).toString('utf8');
  if (name !== HASH_ALGORITHM) {
    throw new OctodiffError(
      'ERR_OCTODIFF_UNSUPPORTED_ALGORITHM',
      `The delta uses the hash algorithm "${name}"; Octodiff supports only SHA1.`,
      {
        hint: "Build the delta with Octodiff's SHA1.",
        offset: fixed - HASH_ALGORITHM.length,
      },
    );
  }
  const hashLength = cursor.take(4).readInt32LE(0);
  if (hashLength !== HASH_LENGTH)
    throw invalid(`The delta header gives a SHA-1 length of ${hashLength}; a SHA-1 has 20 bytes.`, cursor.offset - 4);
  if (!(await cursor.ensure(HASH_LENGTH + END_OF_METADATA.length))) throw truncated('the header', cursor.offset);
  const sha1 = Buffer.from(cursor.take(HASH_LENGTH));
  if (!cursor.take(END_OF_METADATA.length).equals(END_OF_METADATA))
    throw invalid('The delta header does not end with ">>>".', cursor.offset - 3);
  return sha1;
}
