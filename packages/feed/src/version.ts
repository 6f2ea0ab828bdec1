/**
 * Version equality and order, exact for numbers of any length: parts are compared as digit strings, never
 * through `Number` (which made `1.0.99999999999999999999` and `1.0.100000000000000000000` one version).
 */

const RELEASE_PARTS = 4;

interface ParsedVersion {
  release: string[];
  pre: string | undefined;
  meta: string | undefined;
}

/** `007` → `7`, `0` → `0`: the canonical digit string of a numeric part. */
function canonicalNumber(digits: string): string {
  let start = 0;
  while (start < digits.length - 1 && digits.charCodeAt(start) === 48) start++;
  return digits.slice(start);
}

function isNumeric(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function parse(version: string): ParsedVersion | undefined {
  const plus = version.indexOf('+');
  const core = plus === -1 ? version : version.slice(0, plus);
  const meta = plus === -1 ? undefined : version.slice(plus + 1);
  const dash = core.indexOf('-');
  const release = (dash === -1 ? core : core.slice(0, dash)).split('.');
  if (release.length > RELEASE_PARTS || !release.every(isNumeric)) return undefined;
  return { release: release.map(canonicalNumber), pre: dash === -1 ? undefined : core.slice(dash + 1), meta };
}

/** Compares two canonical digit strings by value. */
function compareNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Versions are equal when they mean the same (`1.0.0.0` = `1.0.0`, `2016.01.02` = `2016.1.2`, labels
 * case-insensitively as NuGet does); build metadata still tells versions apart (octopus-api.md §1.6).
 */
export function versionKey(version: string): string {
  const parsed = parse(version);
  if (!parsed) return version.toLowerCase();
  const parts = [...parsed.release];
  while (parts.length < 3) parts.push('0');
  if (parts.length === 4 && parts[3] === '0') parts.pop();
  const pre = parsed.pre === undefined ? '' : `-${parsed.pre.toLowerCase()}`;
  const meta = parsed.meta === undefined ? '' : `+${parsed.meta.toLowerCase()}`;
  return `${parts.join('.')}${pre}${meta}`;
}

function compareLabels(left: string, right: string): number {
  const leftIds = left.toLowerCase().split('.');
  const rightIds = right.toLowerCase().split('.');
  for (let index = 0; index < Math.max(leftIds.length, rightIds.length); index++) {
    const l = leftIds[index];
    const r = rightIds[index];
    if (l === undefined) return -1;
    if (r === undefined) return 1;
    const ln = isNumeric(l);
    const rn = isNumeric(r);
    if (ln && rn) {
      const diff = compareNumbers(canonicalNumber(l), canonicalNumber(r));
      if (diff !== 0) return diff;
    } else if (ln !== rn) {
      return ln ? -1 : 1;
    } else if (l !== r) {
      return l < r ? -1 : 1;
    }
  }
  return 0;
}

/** Semantic order (`3.0.0-beta.10` > `3.0.0-beta.9`), for `latest` and listings; build metadata breaks ties only. */
export function compareVersions(a: string, b: string): number {
  const left = parse(a);
  const right = parse(b);
  if (!left || !right) return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
  for (let index = 0; index < RELEASE_PARTS; index++) {
    const diff = compareNumbers(left.release[index] ?? '0', right.release[index] ?? '0');
    if (diff !== 0) return diff;
  }
  if (left.pre !== right.pre) {
    if (left.pre === undefined) return 1;
    if (right.pre === undefined) return -1;
    const diff = compareLabels(left.pre, right.pre);
    if (diff !== 0) return diff;
  }
  const lm = (left.meta ?? '').toLowerCase();
  const rm = (right.meta ?? '').toLowerCase();
  return lm < rm ? -1 : lm > rm ? 1 : 0;
}

/** Whether `version` is a version Octopus accepts (up to four numeric parts, an optional label and metadata). */
export function isVersion(version: string): boolean {
  return parse(version) !== undefined;
}
