// Octodiff's byte formats (OctopusDeploy/Octodiff source/Octodiff/Core/BinaryFormat.cs): .NET BinaryWriter
// primitives, little-endian integers, strings as a one-byte length then ASCII.
export const SIGNATURE_MAGIC = Buffer.from('OCTOSIG', 'latin1');
export const DELTA_MAGIC = Buffer.from('OCTODELTA', 'latin1');
export const FORMAT_VERSION = 0x01;
export const END_OF_METADATA = Buffer.from('>>>', 'latin1');
export const COPY_COMMAND = 0x60;
export const DATA_COMMAND = 0x80;
export const HASH_ALGORITHM = 'SHA1';
export const HASH_LENGTH = 20;
/** Bytes of one signature chunk record: int16 length, uint32 rolling checksum, SHA-1. */
export const CHUNK_RECORD_LENGTH = 26;
/** Bytes of a COPY command: the command byte, int64 start, int64 length. */
export const COPY_COMMAND_LENGTH = 17;
/** Bytes of a DATA command before its literal bytes: the command byte and an int64 length. */
export const DATA_HEADER_LENGTH = 9;

export const MIN_CHUNK_SIZE = 128;
export const MAX_CHUNK_SIZE = 31 * 1024;
export const DEFAULT_CHUNK_SIZE = 2048;

export type RollingChecksumName = 'Adler32' | 'Adler32V2';
export const ROLLING_CHECKSUMS: readonly RollingChecksumName[] = ['Adler32', 'Adler32V2'];

/** A .NET BinaryWriter string: 7-bit encoded byte length (every name here is under 128 bytes) and the bytes. */
export function encodeName(name: string): Buffer {
  const bytes = Buffer.from(name, 'utf8');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

export function signatureHeader(rollingChecksum: RollingChecksumName): Buffer {
  return Buffer.concat([
    SIGNATURE_MAGIC,
    Buffer.from([FORMAT_VERSION]),
    encodeName(HASH_ALGORITHM),
    encodeName(rollingChecksum),
    END_OF_METADATA,
  ]);
}

/** The 42-byte delta header; `sha1` is the SHA-1 of the new (target) file. */
export function deltaHeader(sha1: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32LE(HASH_LENGTH);
  return Buffer.concat([DELTA_MAGIC, Buffer.from([FORMAT_VERSION]), encodeName(HASH_ALGORITHM), length, sha1, END_OF_METADATA]);
}

export const DELTA_HEADER_LENGTH = DELTA_MAGIC.length + 1 + 1 + HASH_ALGORITHM.length + 4 + HASH_LENGTH + END_OF_METADATA.length;

export function encodeCopy(target: Uint8Array, at: number, start: number, length: number): void {
  const view = Buffer.from(target.buffer, target.byteOffset, target.byteLength);
  view[at] = COPY_COMMAND;
  writeInt64(view, at + 1, start);
  writeInt64(view, at + 9, length);
}

export function encodeDataHeader(target: Uint8Array, at: number, length: number): void {
  const view = Buffer.from(target.buffer, target.byteOffset, target.byteLength);
  view[at] = DATA_COMMAND;
  writeInt64(view, at + 1, length);
}

function writeInt64(view: Buffer, at: number, value: number): void {
  view.writeUInt32LE(value % 0x1_0000_0000, at);
  view.writeUInt32LE(Math.floor(value / 0x1_0000_0000), at + 4);
}

/** An int64 LE as a number, or undefined when it is negative or past Number.MAX_SAFE_INTEGER. */
export function readInt64(view: Buffer, at: number): number | undefined {
  const low = view.readUInt32LE(at);
  const high = view.readInt32LE(at + 4);
  if (high < 0 || high > 0x1fffff) return undefined;
  return high * 0x1_0000_0000 + low;
}
