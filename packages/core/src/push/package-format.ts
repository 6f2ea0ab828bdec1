import { OctoError } from '../errors.js';

/** Bytes a format check needs: a tar header's `ustar` magic sits at offset 257. */
export const MAGIC_BYTES = 512;

interface Signature {
  format: string;
  extensions: readonly string[];
  matches: (head: Buffer) => boolean;
}

const startsWith = (head: Buffer, ...bytes: number[]): boolean => bytes.every((byte, index) => head[index] === byte);

/** What each supported extension's bytes start with (a zip: a local header, or the end record of an empty zip). */
const SIGNATURES: readonly Signature[] = [
  {
    format: 'a zip archive',
    extensions: ['.zip', '.nupkg', '.jar', '.war', '.ear', '.rar'],
    matches: (head) => startsWith(head, 0x50, 0x4b, 0x03, 0x04) || startsWith(head, 0x50, 0x4b, 0x05, 0x06),
  },
  { format: 'a gzip stream', extensions: ['.tar.gz', '.tgz'], matches: (head) => startsWith(head, 0x1f, 0x8b) },
  { format: 'a bzip2 stream', extensions: ['.tar.bz2', '.tar.bz', '.tbz'], matches: (head) => startsWith(head, 0x42, 0x5a, 0x68) },
  { format: 'a compress (.Z) stream', extensions: ['.tar.z'], matches: (head) => startsWith(head, 0x1f, 0x9d) },
  { format: 'a tar archive', extensions: ['.tar'], matches: (head) => head.subarray(257, 262).toString('latin1') === 'ustar' },
];

function describeHead(head: Buffer): string {
  if (startsWith(head, 0x50, 0x4b)) return 'a zip archive';
  if (startsWith(head, 0x1f, 0x8b)) return 'gzip data';
  if (startsWith(head, 0x42, 0x5a, 0x68)) return 'bzip2 data';
  if (head.subarray(257, 262).toString('latin1') === 'ustar') return 'a tar archive';
  if (startsWith(head, 0x3c)) return 'text that looks like HTML or XML';
  const printable = head.subarray(0, 64).every((byte) => byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127));
  return printable ? 'text' : `bytes starting ${head.subarray(0, 4).toString('hex')}`;
}

/**
 * Refuses a package whose bytes are not the format its name says (a renamed text file called
 * `Fake.1.0.0.zip`): the server would store it, and every deployment of it would fail. An empty
 * file is left to the server, whose own message says so.
 */
export function checkPackageFormat(name: string, head: Buffer, file: string): void {
  if (head.byteLength === 0) return;
  const lower = name.toLowerCase();
  const signature = SIGNATURES.find((candidate) => candidate.extensions.some((extension) => lower.endsWith(extension)));
  if (!signature || signature.matches(head)) return;
  throw new OctoError(
    'ERR_OCTO_UNSUPPORTED_FORMAT',
    `${name} is named as ${signature.format}, but its bytes are ${describeHead(head)}; nothing was sent.`,
    {
      hint: 'Push the package file itself (made by octojs pack, or renamed to the extension of its real format).',
      path: file,
    },
  );
}
