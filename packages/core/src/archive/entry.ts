import type { Readable } from 'node:stream';

/** Where the bytes of a file entry come from. */
export type EntrySource =
  /** A file on disk; with `offset`, the `size` bytes from there (a builder's spool file). */
  | { kind: 'path'; path: string; size: number; offset?: number }
  | { kind: 'buffer'; data: Uint8Array }
  | { kind: 'stream'; stream: Readable; size?: number };

interface EntryBase {
  /** The name inside the archive: relative, `/`-separated, no trailing `/` (writers add it for folders). */
  name: string;
  /** Permission bits only (`0o755`); the writers add the file-type bits. */
  mode: number;
  mtime: Date;
}

export type ArchiveEntry =
  | (EntryBase & { type: 'file'; source: EntrySource })
  | (EntryBase & { type: 'directory' })
  | (EntryBase & { type: 'symlink'; target: string });

export const DEFAULT_FILE_MODE = 0o644;
export const DEFAULT_DIRECTORY_MODE = 0o755;
export const DEFAULT_SYMLINK_MODE = 0o777;

export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;

/** The size of a file entry when it is known before reading it. */
export function knownSize(entry: ArchiveEntry): number | undefined {
  if (entry.type !== 'file') return 0;
  const { source } = entry;
  if (source.kind === 'path') return source.size;
  if (source.kind === 'buffer') return source.data.byteLength;
  return source.size;
}

/** Orders entries by name, byte-wise on UTF-8, so that a package's layout never depends on the file system. */
export function compareEntryNames(a: string, b: string): number {
  // Code point order is UTF-8 byte order. UTF-16 units agree with it except where a surrogate (a code
  // point past U+FFFF) meets a unit from U+E000 to U+FFFF; that case is decided by hand, with no allocation.
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
