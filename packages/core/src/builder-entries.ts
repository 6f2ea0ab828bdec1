import { lstat, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Stats } from 'node:fs';
import { type ArchiveEntry, DEFAULT_DIRECTORY_MODE } from './archive/entry.js';
import { notRegularFile } from './archive/entry-source.js';
import { OctoError, isOctoError, readError } from './errors.js';
import { selectFiles } from './select/select-files.js';

/** What the package builder reads from disk: a folder's content, one path as what it is. */

export interface DirectorySelection {
  include?: string[];
  exclude?: string[];
}

export interface PathEntryOptions {
  mode?: number;
  mtime?: Date;
  followExternalSymlinks?: boolean;
}

/** A folder's entries, under `prefix` (with folder entries for the prefix itself) unless it is ''. */
export async function directoryEntries(
  folder: string,
  prefix: string,
  options: DirectorySelection,
  fixed: Date | undefined,
): Promise<ArchiveEntry[]> {
  const entries = await selectFiles({
    basePath: folder,
    ...(options.include && { include: options.include }),
    ...(options.exclude && { exclude: options.exclude }),
    ...(fixed && { mtime: fixed }),
  });
  if (prefix === '') return entries;
  const parents: ArchiveEntry[] = prefix.split('/').map((_, index, parts) => ({
    type: 'directory',
    name: parts.slice(0, index + 1).join('/'),
    mode: DEFAULT_DIRECTORY_MODE,
    mtime: fixed ?? new Date(),
  }));
  return [...parents, ...entries.map((entry) => ({ ...entry, name: `${prefix}/${entry.name}` }))];
}

/**
 * One path as what it is: a regular file, a folder entry (without its content) or a link. A link
 * that stays inside the package stays a link; one that leads out is refused, or its target packed
 * with `followExternalSymlinks`. A FIFO, socket or device is ERR_OCTO_UNREADABLE_FILE.
 */
export async function pathEntries(
  absolute: string,
  entryName: string,
  options: PathEntryOptions,
  fixed: Date | undefined,
): Promise<ArchiveEntry[]> {
  let stats = await lstat(absolute).catch((error: unknown) => Promise.reject(readError(error, absolute)));
  const timeOf = (of: Stats): Date => options.mtime ?? fixed ?? of.mtime;
  if (stats.isSymbolicLink()) {
    const target = (await readlink(absolute).catch((error: unknown) => Promise.reject(readError(error, absolute)))).replace(/\\/g, '/');
    if (staysInside(entryName, target)) {
      return [{ type: 'symlink', name: entryName, target, mode: options.mode ?? stats.mode & 0o7777, mtime: timeOf(stats) }];
    }
    if (!options.followExternalSymlinks) throw linkOutside(entryName, target, absolute);
    let real: string;
    try {
      real = await realpath(absolute);
      stats = await stat(real);
    } catch (error) {
      throw readError(error, absolute);
    }
    if (stats.isDirectory()) {
      const inner = await selectFiles({ basePath: real, ...(fixed && { mtime: fixed }), followExternalSymlinks: true }).catch(
        (error: unknown) => (isOctoError(error) && error.code === 'ERR_OCTO_NOTHING_MATCHED' ? [] : Promise.reject(error)),
      );
      // A followed link takes its target's mode and time, as pack() does.
      const folder: ArchiveEntry = { type: 'directory', name: entryName, mode: stats.mode & 0o7777, mtime: timeOf(stats) };
      return [folder, ...inner.map((entry) => ({ ...entry, name: `${entryName}/${entry.name}` }))];
    }
    if (!stats.isFile()) throw notRegularFile(real, stats);
    return [fileEntry(entryName, real, stats, options.mode, timeOf(stats))];
  }
  if (stats.isDirectory()) return [{ type: 'directory', name: entryName, mode: options.mode ?? stats.mode & 0o7777, mtime: timeOf(stats) }];
  if (stats.isFile()) return [fileEntry(entryName, absolute, stats, options.mode, timeOf(stats))];
  throw notRegularFile(absolute, stats); // sockets, FIFOs and devices have no place in a package
}

/**
 * Whether a link at `name` pointing to `target` stays inside the package on its own (relative,
 * never above its root). The whole package's links are then resolved together (link-containment.ts).
 */
export function staysInside(name: string, target: string): boolean {
  if (target === '' || target.startsWith('/') || /^[A-Za-z]:/.test(target)) return false;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(name), target));
  return resolved !== '..' && !resolved.startsWith('../');
}

export function linkOutside(name: string, target: string, file?: string, canFollow = true): OctoError {
  return new OctoError('ERR_OCTO_SYMLINK_OUTSIDE', `The link ${name} points outside the package (to ${target}).`, {
    hint: canFollow
      ? 'Use a relative link that stays inside the package, leave the link out, or pack what it points to (`followExternalSymlinks`).'
      : 'Use a relative link that stays inside the package, or leave the link out.',
    ...(file !== undefined && { path: file }),
  });
}

export function fileEntry(name: string, file: string, stats: Stats, mode: number | undefined, mtime: Date): ArchiveEntry {
  return { type: 'file', name, source: { kind: 'path', path: file, size: stats.size }, mode: mode ?? stats.mode & 0o7777, mtime };
}
