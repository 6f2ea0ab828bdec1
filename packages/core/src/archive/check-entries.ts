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
  assertLinksInside(entries);
  return windowsNameWarnings(entries);
}

function sourcePath(entry: ArchiveEntry): string | undefined {
  return entry.type === 'file' && entry.source.kind === 'path' ? entry.source.path : undefined;
}
