/**
 * The feed reads a package's identity from its file name as the server does, with Calamari's
 * PackageName parser (octopus-api.md §4.3, P2), written here on its own rather than shared with
 * the client so that a client bug shows up as a failing test.
 *
 * Calamari's patterns are
 *   tar:  ^(?<fileName>.*)(?<extension>\.tar(\.[a-zA-Z0-9]+)?)$  then  ^ID\.VERSION$  on fileName
 *   else: ^ID\.VERSION(?<extension>(\.[a-zA-Z0-9]+)+)$
 * with ID = \w+([_.-]\w+)*? (lazy) and VERSION = \d+(\.\d+){0,3}(-L)?(\+L)?, L = [0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*.
 * A backtracking engine takes exponential time on names such as `a.a.a.a…!` (a 60-character name froze the feed
 * for 51 s), so this module matches the same language with the same choice of groups in linear time: one pass
 * from the right computes, for every position, whether the rest of the name can still match, and one pass from
 * the left then takes the shortest ID (the lazy group) after which a version can follow.
 */

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

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlnum = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isWord = (c: number): boolean => isAlnum(c) || c === 95; // \w without the u flag: [A-Za-z0-9_]
const isLabel = (c: number): boolean => isAlnum(c) || c === 45; // [0-9A-Za-z-]
const DOT = 46;
const DASH = 45;
const PLUS = 43;

/** Where a maximal run of `test` characters starting at each position ends (right-to-left, linear). */
function runEnds(text: string, test: (c: number) => boolean): Int32Array {
  const ends = new Int32Array(text.length + 1);
  ends[text.length] = text.length;
  for (let i = text.length - 1; i >= 0; i--) ends[i] = test(text.charCodeAt(i)) ? ends[i + 1]! : i;
  return ends;
}

/**
 * Matches `VERSION` followed by the tail (an extension `(\.[a-zA-Z0-9]+)+` or the end of the text), for every
 * start position at once. Every run of digits or label characters is maximal in a match, because the character
 * after it must be `.`, `-`, `+` or the end, none of which a run can contain.
 */
class VersionMatcher {
  readonly #text: string;
  readonly #digits: Int32Array;
  readonly #labels: Int32Array;
  /** tail[p]: text from p is the tail. */
  readonly #tail: Uint8Array;
  /** labelsTail[p]: text from p is L then the tail. labelsMetaTail[p]: L, optional +L, then the tail. */
  readonly #labelsTail: Uint8Array;
  readonly #labelsMetaTail: Uint8Array;

  constructor(text: string, withExtension: boolean) {
    const n = text.length;
    this.#text = text;
    this.#digits = runEnds(text, isDigit);
    this.#labels = runEnds(text, isLabel);
    const alnum = runEnds(text, isAlnum);
    this.#tail = new Uint8Array(n + 1);
    this.#labelsTail = new Uint8Array(n + 2);
    this.#labelsMetaTail = new Uint8Array(n + 2);
    this.#tail[n] = withExtension ? 0 : 1;
    for (let p = n - 1; p >= 0; p--) {
      if (withExtension && text.charCodeAt(p) === DOT) {
        const end = alnum[p + 1]!;
        this.#tail[p] = end > p + 1 && (end === n || (text.charCodeAt(end) === DOT && this.#tail[end] === 1)) ? 1 : 0;
      }
      const end = this.#labels[p]!;
      if (end === p) continue;
      const next = end < n ? text.charCodeAt(end) : -1;
      const tail = this.#tail[end] === 1;
      const more = next === DOT && this.#labelsTail[end + 1] === 1;
      const moreMeta = next === DOT && this.#labelsMetaTail[end + 1] === 1;
      const meta = next === PLUS && this.#labelsTail[end + 1] === 1;
      this.#labelsTail[p] = tail || more ? 1 : 0;
      this.#labelsMetaTail[p] = tail || moreMeta || meta ? 1 : 0;
    }
  }

  /** Whether a pre-release, build metadata and the tail can follow the release numbers ending at `at`. */
  #afterRelease(at: number): boolean {
    const c = this.#text.charCodeAt(at);
    return this.#tail[at] === 1 || (c === DASH && this.#labelsMetaTail[at + 1] === 1) || (c === PLUS && this.#labelsTail[at + 1] === 1);
  }

  /** The release-number ends a version starting at `start` can have, most parts first (the greedy `{0,3}`). */
  #releaseEnds(start: number): number[] {
    const ends: number[] = [];
    let at = start;
    for (let part = 0; part < 4; part++) {
      const end = this.#digits[at]!;
      if (end === at) break;
      ends.push(end);
      if (this.#text.charCodeAt(end) !== DOT) break;
      at = end + 1;
    }
    return ends.reverse();
  }

  matchesAt(start: number): boolean {
    return this.#releaseEnds(start).some((end) => this.#afterRelease(end));
  }

  /** The end of the version the regex would pick at `start` (which must match). */
  versionEnd(start: number): number {
    let at = this.#releaseEnds(start).find((end) => this.#afterRelease(end))!;
    if (this.#text.charCodeAt(at) === DASH && this.#labelsMetaTail[at + 1] === 1) at = this.#longestLabels(at + 1, true);
    if (this.#text.charCodeAt(at) === PLUS && this.#labelsTail[at + 1] === 1) at = this.#longestLabels(at + 1, false);
    return at;
  }

  /** The most dot-separated labels from `at` after which the rest still matches (greedy `(\.L)*`). */
  #longestLabels(at: number, metadataMayFollow: boolean): number {
    let best = -1;
    let p = at;
    for (;;) {
      const end = this.#labels[p]!;
      if (end === p) break;
      const next = this.#text.charCodeAt(end);
      if (this.#tail[end] === 1 || (metadataMayFollow && next === PLUS && this.#labelsTail[end + 1] === 1)) best = end;
      if (next !== DOT) break;
      p = end + 1;
    }
    return best;
  }
}

/** `^ID\.VERSION<tail>$`: the shortest valid ID after which a version and the tail follow. */
function matchIdVersion(text: string, withExtension: boolean): { packageId: string; version: string; rest: string } | undefined {
  if (text.length === 0 || !isWord(text.charCodeAt(0))) return undefined;
  const versions = new VersionMatcher(text, withExtension);
  for (let k = 1; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (isWord(c)) continue;
    if (c !== DOT && c !== DASH) return undefined; // no ID can contain it
    if (!isWord(text.charCodeAt(k - 1))) return undefined; // two separators in a row
    if (c === DOT && versions.matchesAt(k + 1)) {
      const end = versions.versionEnd(k + 1);
      return { packageId: text.slice(0, k), version: text.slice(k + 1, end), rest: text.slice(end) };
    }
  }
  return undefined;
}

/** The `.tar`, `.tar.<x>` extension Calamari strips first, if the name has one. */
function tarExtension(fileName: string): string | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.tar')) return fileName.slice(-4);
  const dot = fileName.lastIndexOf('.');
  if (dot < 4 || dot === fileName.length - 1) return undefined;
  for (let i = dot + 1; i < fileName.length; i++) if (!isAlnum(fileName.charCodeAt(i))) return undefined;
  return lower.slice(dot - 4, dot) === '.tar' ? fileName.slice(dot - 4) : undefined;
}

export function parsePackageFileName(fileName: string): PackageName | undefined {
  const tar = tarExtension(fileName);
  if (tar) {
    const bare = matchIdVersion(fileName.slice(0, fileName.length - tar.length), false);
    if (bare) return { packageId: bare.packageId, version: bare.version, extension: tar };
  }
  const match = matchIdVersion(fileName, true);
  return match && { packageId: match.packageId, version: match.version, extension: match.rest };
}

export function isSupportedExtension(extension: string): boolean {
  return FEED_EXTENSIONS.includes(extension.toLowerCase());
}
