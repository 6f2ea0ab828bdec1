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
 */
export function assertLinksInside(entries: readonly ArchiveEntry[]): void {
  const links = new Map<string, string>();
  for (const entry of entries) if (entry.type === 'symlink') links.set(entry.name, entry.target);
  if (links.size === 0) return;
  for (const entry of entries) {
    for (let slash = entry.name.indexOf('/'); slash !== -1; slash = entry.name.indexOf('/', slash + 1)) {
      const parent = entry.name.slice(0, slash);
      if (links.has(parent)) {
        throw new OctoError('ERR_OCTO_INVALID_ENTRY', `The entry ${entry.name} lies beneath the link ${parent}.`, {
          hint: 'Extracting it would write through the link: add the file under the folder the link points to, or leave the link out.',
        });
      }
    }
  }
  for (const [name, target] of links) {
    const budget = { left: MAX_LINKS_FOLLOWED };
    const resolved = resolveTarget(links, name.split('/').slice(0, -1), target, budget);
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
  links: ReadonlyMap<string, string>,
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
    const next = links.get(current.join('/'));
    if (next === undefined) continue; // a folder, a file, or nothing (a dangling link is harmless)
    if (--budget.left < 0) return LOOP;
    const resolved = resolveTarget(links, current.slice(0, -1), next, budget);
    if (typeof resolved === 'symbol') return resolved;
    current = resolved;
  }
  return current;
}
