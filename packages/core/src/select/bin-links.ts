import path from 'node:path';
import { type ArchiveEntry, DEFAULT_SYMLINK_MODE } from '../archive/entry.js';
import type { PackageRoot } from './production-dependencies.js';

/** A package's `bin` field as name → path inside the package, both checked; nothing when there is none. */
function binsOf(packageName: string, bin: unknown): [string, string][] {
  const declared: [string, unknown][] =
    typeof bin === 'string' ? [[packageName.split('/').pop()!, bin]] : bin && typeof bin === 'object' ? Object.entries(bin) : [];
  const bins: [string, string][] = [];
  for (const [name, target] of declared) {
    if (typeof target !== 'string' || !/^[^/\\]+$/.test(name) || name === '.' || name === '..') continue;
    const normalized = path.posix.normalize(target.replace(/\\/g, '/')).replace(/^\.\//, '');
    if (normalized.startsWith('../') || normalized === '..' || normalized.startsWith('/')) continue; // would leave the package
    bins.push([name, normalized]);
  }
  return bins;
}

/**
 * The `node_modules/.bin` links npm makes when it installs, for the packages a production tree
 * packs: `npm start` scripts that call `next` or `pm2` need them. They are made, not copied, so that
 * they match the packed tree whatever laid out the one on disk (pnpm's are shell scripts). A link is
 * made only to a file that is in the package, and takes its time; the first package to claim a
 * name keeps it.
 */
export function binLinks(roots: readonly PackageRoot[], packedFiles: ReadonlyMap<string, ArchiveEntry>): ArchiveEntry[] {
  const links = new Map<string, ArchiveEntry>();
  for (const root of roots) {
    const at = root.archivePath.lastIndexOf('node_modules/');
    const folder = root.archivePath.slice(0, at); // '' or 'node_modules/x/'
    const packageName = root.archivePath.slice(at + 'node_modules/'.length);
    for (const [name, target] of binsOf(packageName, root.bin)) {
      const linkName = `${folder}node_modules/.bin/${name}`;
      const file = packedFiles.get(`${root.archivePath}/${target}`);
      if (links.has(linkName) || !file) continue;
      links.set(linkName, {
        type: 'symlink',
        name: linkName,
        target: `../${packageName}/${target}`,
        mode: DEFAULT_SYMLINK_MODE,
        mtime: file.mtime,
      });
    }
  }
  return [...links.values()];
}
