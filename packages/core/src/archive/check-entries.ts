import { OctoError } from '../errors.js';
import type { ArchiveEntry } from './entry.js';
import { assertEntryName } from './entry-name.js';
import { assertLinksInside } from './link-containment.js';
import { windowsNameWarnings } from './windows-names.js';

/**
 * The checks every package gets before a byte is written, whoever assembled its entries: safe
 * names, links that stay inside once extracted. Returns the warnings (names Windows cannot
 * extract). With `fromDisk`, a bad name's error names the file to rename or exclude.
 */
export function checkPackageEntries(entries: readonly ArchiveEntry[], fromDisk = false): string[] {
  for (const entry of entries) {
    assertEntryName(entry.name, fromDisk ? (sourcePath(entry) ?? entry.name) : undefined);
  }
  assertNoFileAsFolder(entries);
  assertLinksInside(entries);
  return windowsNameWarnings(entries);
}

function sourcePath(entry: ArchiveEntry): string | undefined {
  return entry.type === 'file' && entry.source.kind === 'path' ? entry.source.path : undefined;
}

/**
 * A file or link cannot also be a folder of another entry (`t` and `t/u`): extractors fail on
 * the second, or replace one with the other.
 */
function assertNoFileAsFolder(entries: readonly ArchiveEntry[]): void {
  const leaves = new Set(entries.filter((entry) => entry.type !== 'directory').map((entry) => entry.name));
  if (leaves.size === 0) return;
  for (const entry of entries) {
    for (let slash = entry.name.indexOf('/'); slash !== -1; slash = entry.name.indexOf('/', slash + 1)) {
      const folder = entry.name.slice(0, slash);
      if (!leaves.has(folder)) continue;
      throw new OctoError(
        'ERR_OCTO_INVALID_ENTRY',
        `${JSON.stringify(folder)} cannot be both a file (or link) and the folder of ${JSON.stringify(entry.name)} in a package.`,
        { hint: `Rename one of them: no extractor can create both ${folder} and ${entry.name}.` },
      );
    }
  }
}
