import { OctodiffError } from './errors.js';
import {
  CHUNK_RECORD_LENGTH,
  END_OF_METADATA,
  FORMAT_VERSION,
  HASH_ALGORITHM,
  HASH_LENGTH,
  ROLLING_CHECKSUMS,
  type RollingChecksumName,
  SIGNATURE_MAGIC,
} from './format.js';

/** A parsed Octodiff signature: the basis file's chunk table, in file order, in flat typed arrays. */
export interface Signature {
  readonly hashAlgorithm: 'SHA1';
  readonly rollingChecksum: RollingChecksumName;
  /** Number of chunks. */
  readonly count: number;
  /** Chunk i's length in bytes. */
  readonly lengths: Uint16Array;
  /** Chunk i's start in the basis file: the sum of the lengths before it. */
  readonly starts: Float64Array;
  /** Chunk i's rolling checksum. */
  readonly checksums: Uint32Array;
  /** The SHA-1s, 20 bytes per chunk, chunk i at i * 20. */
  readonly sha1s: Buffer;
  /** The basis file's length: the sum of all chunk lengths. */
  readonly basisLength: number;
  /** The chunk size: the largest chunk length (0 for an empty basis). */
  readonly chunkSize: number;
}

const invalid = (message: string, offset?: number) =>
  new OctodiffError('ERR_OCTODIFF_INVALID_SIGNATURE', message, {
    hint: 'Pass the bytes of an Octodiff signature (they start with "OCTOSIG"), for example as decoded from the server\'s base64 Signature.',
    ...(offset === undefined ? {} : { offset }),
  });

/** Reads an Octodiff signature, checking its header, its algorithms and that no chunk record is cut short. */
export function parseSignature(bytes: Uint8Array): Signature {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length < SIGNATURE_MAGIC.length || !view.subarray(0, SIGNATURE_MAGIC.length).equals(SIGNATURE_MAGIC)) {
    throw invalid('The signature does not start with the Octodiff signature header "OCTOSIG".', 0);
  }
  let at = SIGNATURE_MAGIC.length;
  if (view[at] !== FORMAT_VERSION) throw invalid(`The signature has format version ${String(view[at])}; only version 1 exists.`, at);
  at++;
  const hash = readName(view, at);
  if (hash.name !== HASH_ALGORITHM) {
    throw new OctodiffError(
      'ERR_OCTODIFF_UNSUPPORTED_ALGORITHM',
      `The signature uses the hash algorithm "${hash.name}"; Octodiff supports only SHA1.`,
      {
        hint: "Build the signature with Octodiff's default hash algorithm, SHA1.",
        offset: at,
      },
    );
  }
  at = hash.next;
  const rolling = readName(view, at);
  if (!(ROLLING_CHECKSUMS as readonly string[]).includes(rolling.name)) {
    throw new OctodiffError(
      'ERR_OCTODIFF_UNSUPPORTED_ALGORITHM',
      `The signature uses the rolling checksum "${rolling.name}"; supported are Adler32 and Adler32V2.`,
      {
        hint: "Build the signature with Adler32 (Octodiff's default) or Adler32V2.",
        offset: at,
      },
    );
  }
  at = rolling.next;
  if (!view.subarray(at, at + END_OF_METADATA.length).equals(END_OF_METADATA))
    throw invalid('The signature header does not end with ">>>".', at);
  at += END_OF_METADATA.length;
  const body = view.length - at;
  if (body % CHUNK_RECORD_LENGTH !== 0) {
    throw invalid(
      `The signature is corrupt: its ${body} bytes of chunk records are not a whole number of 26-byte records; at least one chunk has data missing.`,
      at,
    );
  }
  return readChunks(view, at, rolling.name as RollingChecksumName);
}

function readChunks(view: Buffer, at: number, rollingChecksum: RollingChecksumName): Signature {
  const count = (view.length - at) / CHUNK_RECORD_LENGTH;
  const lengths = new Uint16Array(count);
  const starts = new Float64Array(count);
  const checksums = new Uint32Array(count);
  const sha1s = Buffer.allocUnsafe(count * HASH_LENGTH);
  let start = 0;
  let chunkSize = 0;
  for (let i = 0; i < count; i++, at += CHUNK_RECORD_LENGTH) {
    const length = view.readInt16LE(at);
    if (length <= 0) throw invalid(`Chunk ${i} of the signature has length ${length}; a chunk has at least one byte.`, at);
    lengths[i] = length;
    starts[i] = start;
    start += length;
    if (length > chunkSize) chunkSize = length;
    checksums[i] = view.readUInt32LE(at + 2);
    view.copy(sha1s, i * HASH_LENGTH, at + 6, at + CHUNK_RECORD_LENGTH);
  }
  return { hashAlgorithm: 'SHA1', rollingChecksum, count, lengths, starts, checksums, sha1s, basisLength: start, chunkSize };
}

function readName(view: Buffer, at: number): { name: string; next: number } {
  const length = view[at];
  // The .NET 7-bit length prefix: a set high bit means a longer length, which no Octodiff name has.
  if (length === undefined || length >= 0x80 || at + 1 + length > view.length) {
    throw invalid('The signature header is cut short or has a malformed algorithm name.', at);
  }
  return { name: view.toString('utf8', at + 1, at + 1 + length), next: at + 1 + length };
}
