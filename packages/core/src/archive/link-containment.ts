import { OctoError } from '../errors.js';
import type { ArchiveEntry } from './entry.js';

/** As Linux's MAXSYMLINKS: more links than this in one lookup is a loop to the kernel too. */
const MAX_LINKS_FOLLOWED = 40;

const OUTSIDE = Symbol('outside');
const LOOP = Symbol('loop');

/**
 * Checks every link of a package as the kernel would resolve it once extracted: component by
 * component from the link's folder, through the package's other links. A link is refused when
 * the result leaves the package (a lexical check is not enough: `p/q/r -> ../..` plus
 * `s -> p/q/r/..` looks inside but is the extraction folder's parent), and an entry beneath a
 * link is refused because extracting it would write through the link.
 *
 * Each check is made twice: as a case-sensitive file system (Linux) resolves names, and as a
 * case-insensitive one (Windows, macOS) does, where `P/q` reaches the link `p`.
 */
export function assertLinksInside(entries: readonly ArchiveEntry[]): void {
  const links = new Map<string, string>();
  const folded = new Map<string, string>();
  const foldedNames = new Map<string, string>();
  for (const entry of entries) {
    if (entry.type !== 'symlink') continue;
    links.set(entry.name, entry.target);
    const key = entry.name.toLowerCase();
    const other = foldedNames.get(key);
    if (other !== undefined && other !== entry.name) {
      throw new OctoError('ERR_OCTO_INVALID_ENTRY', `The links ${other} and ${entry.name} differ only in case.`, {
        hint: 'On a case-insensitive file system (Windows, macOS) one would replace the other: rename or leave out one of them.',
      });
    }
    foldedNames.set(key, entry.name);
    folded.set(key, entry.target);
  }
  if (links.size === 0) return;
  for (const entry of entries) {
    for (let slash = entry.name.indexOf('/'); slash !== -1; slash = entry.name.indexOf('/', slash + 1)) {
      const parent = entry.name.slice(0, slash);
      if (links.has(parent) || folded.has(parent.toLowerCase())) {
        throw new OctoError('ERR_OCTO_INVALID_ENTRY', `The entry ${entry.name} lies beneath the link ${parent}.`, {
          hint: 'Extracting it would write through the link: add the file under the folder the link points to, or leave the link out.',
        });
      }
    }
  }
  const exact = (key: string): string | undefined => links.get(key);
  const caseless = (key: string): string | undefined => folded.get(key.toLowerCase());
  for (const [name, target] of links) {
    const from = name.split('/').slice(0, -1);
    let resolved = resolveTarget(exact, from, target, { left: MAX_LINKS_FOLLOWED });
    if (typeof resolved !== 'symbol') resolved = resolveTarget(caseless, from, target, { left: MAX_LINKS_FOLLOWED });
    if (resolved === LOOP) {
      throw new OctoError('ERR_OCTO_SYMLINK_LOOP', `The link ${name} (to ${target}) leads into a loop of links.`, {
        hint: 'Fix or leave out the links that point at each other.',
      });
    }
    if (resolved === OUTSIDE) {
      throw new OctoError('ERR_OCTO_SYMLINK_OUTSIDE', `The link ${name} points outside the package (to ${target}).`, {
        hint: 'Once extracted it would lead out of the extraction folder (through the links it passes): use a relative link that stays inside, or leave it out.',
      });
    }
  }
}

/** The package path `target` leads to from the folder `from`, following links already in the package. */
function resolveTarget(
  linkAt: (name: string) => string | undefined,
  from: readonly string[],
  target: string,
  budget: { left: number },
): string[] | typeof OUTSIDE | typeof LOOP {
  if (target === '' || target.startsWith('/') || target.includes('\\') || target.includes('\0') || /^[A-Za-z]:/.test(target))
    return OUTSIDE;
  let current = [...from];
  for (const component of target.split('/')) {
    if (component === '' || component === '.') continue;
    if (component === '..') {
      if (current.length === 0) return OUTSIDE;
      current.pop();
      continue;
    }
    current.push(component);
    const next = linkAt(current.join('/'));
    if (next === undefined) continue; // a folder, a file, or nothing (a dangling link is harmless)
    if (--budget.left < 0) return LOOP;
    const resolved = resolveTarget(linkAt, current.slice(0, -1), next, budget);
    if (typeof resolved === 'symbol') return resolved;
    current = resolved;
  }
  return current;
}
