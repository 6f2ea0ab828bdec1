/**
 * The feed reads a package's identity from its file name as the server does, with Calamari's
 * PackageName parser (octopus-api.md §4.3, P2), written here on its own rather than shared with
 * the client so that a client bug shows up as a failing test.
 */
const VERSION = String.raw`\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?`;
const ID = String.raw`\w+(?:[_.-]\w+)*?`;
const TAR = /^(?<fileName>.*)(?<extension>\.tar(\.[a-zA-Z0-9]+)?)$/i;
const BARE = new RegExp(`^(?<id>${ID})\\.(?<version>${VERSION})$`, 'i');
const WITH_EXTENSION = new RegExp(`^(?<id>${ID})\\.(?<version>${VERSION})(?<extension>(\\.[a-zA-Z0-9]+)+)$`, 'i');

/** What the built-in feed stores (octopus-api.md §4.4). */
export const FEED_EXTENSIONS = [
  '.zip',
  '.tar',
  '.tgz',
  '.tar.gz',
  '.tar.z',
  '.tar.bz',
  '.tar.bz2',
  '.tbz',
  '.jar',
  '.war',
  '.ear',
  '.rar',
  '.nupkg',
];

export interface PackageName {
  packageId: string;
  version: string;
  extension: string;
}

export function parsePackageFileName(fileName: string): PackageName | undefined {
  const tar = TAR.exec(fileName);
  if (tar?.groups) {
    const bare = BARE.exec(tar.groups.fileName!);
    if (bare?.groups) return { packageId: bare.groups.id!, version: bare.groups.version!, extension: tar.groups.extension! };
  }
  const match = WITH_EXTENSION.exec(fileName);
  if (!match?.groups) return undefined;
  return { packageId: match.groups.id!, version: match.groups.version!, extension: match.groups.extension! };
}

export function isSupportedExtension(extension: string): boolean {
  return FEED_EXTENSIONS.includes(extension.toLowerCase());
}

/**
 * Versions are equal when they mean the same (`1.0.0.0` = `1.0.0`, `2016.01.02` = `2016.1.2`);
 * build metadata still tells versions apart (octopus-api.md §1.6).
 */
export function versionKey(version: string): string {
  const match = /^([\d.]+)(-[^+]*)?(\+.*)?$/.exec(version);
  if (!match) return version.toLowerCase();
  const parts = match[1]!.split('.').map((part) => String(Number(part)));
  while (parts.length < 3) parts.push('0');
  if (parts.length === 4 && parts[3] === '0') parts.pop();
  return `${parts.join('.')}${(match[2] ?? '').toLowerCase()}${match[3] ?? ''}`;
}

/** Semantic order, for choosing a delta base and for listings. */
export function compareVersions(a: string, b: string): number {
  const parse = (version: string) => {
    const match = /^([\d.]+)(?:-([^+]*))?/.exec(version);
    const release = (match?.[1] ?? '0').split('.').map(Number);
    while (release.length < 4) release.push(0);
    return { release, pre: match?.[2] };
  };
  const left = parse(a);
  const right = parse(b);
  for (let index = 0; index < 4; index++) {
    const diff = left.release[index]! - right.release[index]!;
    if (diff !== 0) return Math.sign(diff);
  }
  if (left.pre === undefined || right.pre === undefined) return left.pre === right.pre ? 0 : left.pre === undefined ? 1 : -1;
  const leftIds = left.pre.split('.');
  const rightIds = right.pre.split('.');
  for (let index = 0; index < Math.max(leftIds.length, rightIds.length); index++) {
    const l = leftIds[index];
    const r = rightIds[index];
    if (l === undefined) return -1;
    if (r === undefined) return 1;
    const ln = /^\d+$/.test(l);
    const rn = /^\d+$/.test(r);
    if (ln && rn && Number(l) !== Number(r)) return Math.sign(Number(l) - Number(r));
    if (ln !== rn) return ln ? -1 : 1;
    if (l !== r) return l < r ? -1 : 1;
  }
  return 0;
}
