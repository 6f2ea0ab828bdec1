/**
 * The package id and version grammar of Octopus's file-name parsers (octopus-api.md §4.1, §4.3),
 * matched in linear time. The parsers' own regexes (`\w+([_.-]\w+)*?` then `\.` and a version)
 * backtrack exponentially in JavaScript, since `_` is both a word character and a separator: a
 * 60-character name took minutes. Here the version is a small deterministic automaton, and every
 * way of splitting id from version is followed at once, so each character is looked at a bounded
 * number of times. The results are those of the regexes (lazy id, greedy version), which the tests
 * check against them on every short string of a hostile alphabet.
 */

const isDigit = (code: number): boolean => code >= 48 && code <= 57;
const isAlnum = (code: number): boolean => isDigit(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
/** JavaScript's `\w`: the ASCII letters, digits and `_`. */
const isWord = (code: number): boolean => isAlnum(code) || code === 95;
/** A pre-release or build label character: `[0-9A-Za-z-]`. */
const isLabel = (code: number): boolean => isAlnum(code) || code === 45;
const DOT = 46;
const DASH = 45;
const PLUS = 43;

/** `\w+([_.-]\w+)*`: word characters, single `.` or `-` between them. */
export function isValidId(text: string): boolean {
  if (text.length === 0 || !isWord(text.charCodeAt(0)) || !isWord(text.charCodeAt(text.length - 1))) return false;
  for (let index = 1; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (isWord(code)) continue;
    if ((code !== DOT && code !== DASH) || !isWord(text.charCodeAt(index - 1))) return false;
  }
  return true;
}

// Version states: 1-4 in the digits of numeric part 1-4; 5-7 after the `.` that follows part 1-3;
// then pre-release (`-`) and build (`+`) labels. DEAD ends a run.
const START = 0;
const NUMERIC_DOT = 4; // NUMERIC_DOT + k: after the `.` that follows part k
const PRE_START = 8;
const PRE = 9;
const PRE_DOT = 10;
const BUILD_START = 11;
const BUILD = 12;
const BUILD_DOT = 13;
const DEAD = -1;
const VERSION_STATES = 14;
// For the with-extension form: `(\.[a-zA-Z0-9]+)+` after the version.
const EXT_START = 14;
const EXT = 15;
const ALL_STATES = 16;

/** `\d+(\.\d+){0,3}(-L+(\.L+)*)?(\+L+(\.L+)*)?`, one character at a time. */
function versionStep(state: number, code: number): number {
  if (state === START) return isDigit(code) ? 1 : DEAD;
  if (state >= 1 && state <= 4) {
    if (isDigit(code)) return state;
    if (code === DOT) return state < 4 ? NUMERIC_DOT + state : DEAD;
    if (code === DASH) return PRE_START;
    if (code === PLUS) return BUILD_START;
    return DEAD;
  }
  if (state >= 5 && state <= 7) return isDigit(code) ? state - NUMERIC_DOT + 1 : DEAD;
  if (state === PRE_START || state === PRE_DOT) return isLabel(code) ? PRE : DEAD;
  if (state === PRE) return isLabel(code) ? PRE : code === DOT ? PRE_DOT : code === PLUS ? BUILD_START : DEAD;
  if (state === BUILD_START || state === BUILD_DOT) return isLabel(code) ? BUILD : DEAD;
  if (state === BUILD) return isLabel(code) ? BUILD : code === DOT ? BUILD_DOT : DEAD;
  return DEAD;
}

const versionAccepts = (state: number): boolean => (state >= 1 && state <= 4) || state === PRE || state === BUILD;

/** SemVer 2, or up to four numeric parts, with pre-release and build labels (octopus-api.md §4.1). */
export function isValidVersion(text: string): boolean {
  let state = START;
  for (let index = 0; index < text.length && state !== DEAD; index++) state = versionStep(state, text.charCodeAt(index));
  return versionAccepts(state);
}

export interface IdVersionSplit {
  id: string;
  version: string;
  /** What follows the version: `(\.[a-zA-Z0-9]+)+`, or '' when none was asked for. */
  extension: string;
}

/**
 * `^(?<id>\w+(?:[_.-]\w+)*?)\.(?<version>V)$`, or with `withExtension`
 * `^(…)\.(V)(?<extension>(\.[a-zA-Z0-9]+)+)$`: the shortest id, then the longest version.
 * Each live run is one way of splitting; runs in the same state at the same place go on alike,
 * so only the preferred one (earliest split, then latest version end) is kept.
 */
export function splitIdAndVersion(text: string, withExtension: boolean): IdVersionSplit | undefined {
  const states = withExtension ? ALL_STATES : VERSION_STATES;
  let split = new Int32Array(states).fill(-1); // where the run's id ends (the `.` before the version)
  let versionEnd = new Int32Array(states).fill(-1); // for extension states: where the version ended
  let nextSplit = new Int32Array(states);
  let nextEnd = new Int32Array(states);
  let idSoFar = text.length > 0 && isWord(text.charCodeAt(0)); // text[0..index) can still start an id
  const offer = (state: number, at: number, end: number): void => {
    const held = nextSplit[state]!;
    if (held === -1 || at < held || (at === held && end > nextEnd[state]!)) {
      nextSplit[state] = at;
      nextEnd[state] = end;
    }
  };
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    nextSplit.fill(-1);
    nextEnd.fill(-1);
    for (let state = 0; state < states; state++) {
      const at = split[state]!;
      if (at === -1) continue;
      if (state < VERSION_STATES) {
        const next = versionStep(state, code);
        if (next !== DEAD) offer(next, at, -1);
        if (withExtension && code === DOT && versionAccepts(state)) offer(EXT_START, at, index);
      } else if (isAlnum(code)) offer(EXT, at, versionEnd[state]!);
      else if (state === EXT && code === DOT) offer(EXT_START, at, versionEnd[state]!);
    }
    // A `.` after a complete id may be where the version starts.
    if (code === DOT && idSoFar && index > 0 && isWord(text.charCodeAt(index - 1))) offer(START, index, -1);
    if (idSoFar && index > 0) {
      const previous = text.charCodeAt(index - 1);
      idSoFar = isWord(code) || ((code === DOT || code === DASH) && isWord(previous));
    }
    [split, nextSplit] = [nextSplit, split];
    [versionEnd, nextEnd] = [nextEnd, versionEnd];
  }
  let best = -1;
  let bestEnd = -1;
  for (let state = 0; state < states; state++) {
    const accepts = withExtension ? state === EXT : versionAccepts(state);
    const at = split[state]!;
    if (!accepts || at === -1) continue;
    if (best === -1 || at < best || (at === best && versionEnd[state]! > bestEnd)) {
      best = at;
      bestEnd = versionEnd[state]!;
    }
  }
  if (best === -1) return undefined;
  const end = withExtension ? bestEnd : text.length;
  return { id: text.slice(0, best), version: text.slice(best + 1, end), extension: text.slice(end) };
}

const LINE_TERMINATORS = /[\n\r\u2028\u2029]/;

/** `^(?<fileName>.*)(?<extension>\.tar(\.[a-zA-Z0-9]+)?)$`, case-insensitive: the last `.tar` that fits. */
export function splitTarExtension(text: string): { fileName: string; extension: string } | undefined {
  const candidates: number[] = [];
  if (text.toLowerCase().endsWith('.tar')) candidates.push(text.length - 4);
  const dot = text.lastIndexOf('.');
  if (dot > 0 && dot < text.length - 1) {
    let alnum = true;
    for (let index = dot + 1; index < text.length && alnum; index++) alnum = isAlnum(text.charCodeAt(index));
    if (alnum && dot >= 4 && text.slice(dot - 4, dot).toLowerCase() === '.tar') candidates.push(dot - 4);
  }
  for (const start of candidates) {
    const fileName = text.slice(0, start);
    if (!LINE_TERMINATORS.test(fileName)) return { fileName, extension: text.slice(start) };
  }
  return undefined;
}
