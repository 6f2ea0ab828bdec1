import { type Dirent, type Stats, lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { OctoError, readError } from '../errors.js';
import { type ArchiveEntry, DEFAULT_DIRECTORY_MODE, compareEntryNames } from '../archive/entry.js';
import { binLinks } from './bin-links.js';
import { productionPackageRoots } from './production-dependencies.js';
import { isInside } from './is-inside.js';

export type DependenciesMode = 'all' | 'prod' | 'none';

export interface SelectFilesOptions {
  basePath: string;
  /** Globs, relative to basePath, of what goes in. Default: everything. */
  include?: string[];
  /** Globs of what stays out, applied after include. `.git` always stays out. */
  exclude?: string[];
  dependencies?: DependenciesMode;
  /** Follow (copy the content of) symlinks that point outside basePath instead of refusing them. */
  followExternalSymlinks?: boolean;
  /** Absolute paths never to pack: the out folder and the package being written. */
  skip?: string[];
  /** A fixed modification time for every entry. */
  mtime?: Date;
}

interface WalkRoot {
  realPath: string;
  archivePath: string;
  /** Links that stay inside this folder are stored as links. */
  containment: string;
}

/**
 * Walks a build folder and returns its entries, sorted by name: files, folders (empty ones too)
 * and links, each with its own mode and time. Nothing is read yet; the writers stream the bytes.
 */
export async function selectFiles(options: SelectFilesOptions): Promise<ArchiveEntry[]> {
  const basePath = path.resolve(options.basePath);
  let baseStats: Stats;
  try {
    baseStats = await stat(basePath);
  } catch (error) {
    throw new OctoError('ERR_OCTO_BASE_PATH', `The base path ${basePath} does not exist.`, {
      hint: 'Point basePath at the folder to pack (your build output or app folder).',
      cause: error,
      path: basePath,
    });
  }
  if (!baseStats.isDirectory()) {
    throw new OctoError('ERR_OCTO_BASE_PATH', `The base path ${basePath} is not a folder.`, {
      hint: 'Point basePath at the folder to pack, not at a file.',
      path: basePath,
    });
  }
  const realBase = await realpath(basePath);
  const includes = options.include && options.include.length > 0 ? options.include : ['**'];
  const isIncluded = picomatch(includes, { dot: true });
  const isExcluded = options.exclude && options.exclude.length > 0 ? picomatch(options.exclude, { dot: true }) : () => false;
  const dependencies = options.dependencies ?? 'all';
  const skip = new Set<string>();
  for (const file of options.skip ?? []) {
    skip.add(path.resolve(file));
    try {
      skip.add(await realpath(file));
    } catch {
      // not there yet
    }
  }
  const entries: ArchiveEntry[] = [];
  const directoryNames = new Set<string>();

  // The walk uses synchronous calls, which cost a few microseconds each against tens for a promise,
  // and gives the event loop a turn every few hundred folders so that the process stays responsive.
  let foldersSinceYield = 0;
  const sync = <T>(file: string, call: () => T): T => {
    try {
      return call();
    } catch (error) {
      throw readError(error, file);
    }
  };

  /** Walks a folder; says whether anything in it was included, and whether it is empty. */
  const walk = async (
    directory: string,
    archiveDir: string,
    root: WalkRoot,
    stack: Set<string>,
    isRootOfWalk: boolean,
  ): Promise<{ included: boolean; empty: boolean }> => {
    if (++foldersSinceYield >= 256) {
      foldersSinceYield = 0;
      await yieldToEventLoop();
    }
    const children: Dirent[] = sync(directory, () => readdirSync(directory, { withFileTypes: true }));
    children.sort((a, b) => compareEntryNames(a.name, b.name));
    let included = false;
    for (const child of children) {
      const absolute = path.join(directory, child.name);
      const name = archiveDir === '' ? child.name : `${archiveDir}/${child.name}`;
      if (child.name === '.git' || skip.has(absolute) || isExcluded(name)) continue;
      // The package's own node_modules is replaced by the production tree, or left out.
      if (child.name === 'node_modules' && (dependencies === 'none' || (dependencies === 'prod' && isRootOfWalk))) continue;
      const stats = sync(absolute, () => lstatSync(absolute));
      if (await visit(absolute, name, stats, root, stack)) included = true;
    }
    return { included, empty: children.length === 0 };
  };

  const mtimeOf = (stats: Stats): Date => options.mtime ?? stats.mtime;

  const visit = async (absolute: string, name: string, stats: Stats, root: WalkRoot, stack: Set<string>): Promise<boolean> => {
    if (stats.isSymbolicLink()) {
      const target = sync(absolute, () => readlinkSync(absolute));
      const resolved = path.resolve(path.dirname(absolute), target);
      let realTarget: string | undefined;
      try {
        realTarget = realpathSync(absolute);
      } catch {
        realTarget = undefined; // a dangling link
      }
      const inside = isInside(realTarget ?? resolved, root.containment) && !path.isAbsolute(target);
      if (inside) {
        if (!isIncluded(name)) return false;
        entries.push({ type: 'symlink', name, target: target.split(path.sep).join('/'), mode: stats.mode & 0o7777, mtime: mtimeOf(stats) });
        return true;
      }
      if (!options.followExternalSymlinks || realTarget === undefined) {
        throw new OctoError('ERR_OCTO_SYMLINK_OUTSIDE', `The link ${absolute} points outside the folder being packed (to ${resolved}).`, {
          hint: 'Exclude it, replace it with a copy, or set followExternalSymlinks (--follow-external-symlinks) to pack what it points to.',
          path: absolute,
        });
      }
      const targetStats = sync(absolute, () => statSync(absolute));
      return visit(realTarget, name, targetStats, root, stack);
    }
    if (stats.isDirectory()) {
      const real = sync(absolute, () => realpathSync(absolute));
      if (stack.has(real)) {
        throw new OctoError('ERR_OCTO_SYMLINK_LOOP', `Following links at ${name} leads back into ${real}: a loop.`, {
          hint: 'Exclude that link, or turn off followExternalSymlinks.',
          path: absolute,
        });
      }
      stack.add(real);
      const { included, empty } = await walk(absolute, name, root, stack, false);
      stack.delete(real);
      if (included || (empty && (isIncluded(name) || isIncluded(`${name}/`)))) {
        entries.push({ type: 'directory', name, mode: stats.mode & 0o7777, mtime: mtimeOf(stats) });
        directoryNames.add(name);
        return true;
      }
      return false;
    }
    if (stats.isFile()) {
      if (!isIncluded(name)) return false;
      entries.push({
        type: 'file',
        name,
        source: { kind: 'path', path: absolute, size: stats.size },
        mode: stats.mode & 0o7777,
        mtime: mtimeOf(stats),
      });
      return true;
    }
    return false; // sockets, FIFOs and devices have no place in a package
  };

  const baseRoot: WalkRoot = { realPath: realBase, archivePath: '', containment: realBase };
  await walk(basePath, '', baseRoot, new Set([realBase]), true);

  if (dependencies === 'prod') {
    const roots = await productionPackageRoots(basePath);
    for (const root of roots) {
      if (isExcluded(root.archivePath)) continue;
      const rootStats = await stat(root.realPath);
      const walkRoot: WalkRoot = { ...root, containment: root.realPath };
      const hasContent = await walkPackage(root, walkRoot);
      if (hasContent) {
        entries.push({ type: 'directory', name: root.archivePath, mode: rootStats.mode & 0o7777, mtime: mtimeOf(rootStats) });
        directoryNames.add(root.archivePath);
      }
    }
    const packedFiles = new Map(entries.filter((entry) => entry.type === 'file').map((entry) => [entry.name, entry]));
    for (const link of binLinks(roots, packedFiles)) if (!isExcluded(link.name)) entries.push(link);
  }

  async function walkPackage(root: { realPath: string; archivePath: string }, walkRoot: WalkRoot): Promise<boolean> {
    // A package's nested node_modules are separate roots of their own (or not needed at all).
    const stack = new Set([root.realPath]);
    const children: Dirent[] = sync(root.realPath, () => readdirSync(root.realPath, { withFileTypes: true }));
    children.sort((a, b) => compareEntryNames(a.name, b.name));
    let any = false;
    for (const child of children) {
      if (child.name === 'node_modules' || child.name === '.git') continue;
      const absolute = path.join(root.realPath, child.name);
      const name = `${root.archivePath}/${child.name}`;
      if (isExcluded(name)) continue;
      if (
        await visit(
          absolute,
          name,
          sync(absolute, () => lstatSync(absolute)),
          walkRoot,
          stack,
        )
      )
        any = true;
    }
    return any;
  }

  // Every folder on the way to an entry gets an entry of its own, so modes survive extraction.
  const mtime = options.mtime ?? baseStats.mtime;
  for (const entry of [...entries]) {
    const parts = entry.name.split('/');
    for (let index = 1; index < parts.length; index++) {
      const parent = parts.slice(0, index).join('/');
      if (!directoryNames.has(parent)) {
        directoryNames.add(parent);
        entries.push({ type: 'directory', name: parent, mode: DEFAULT_DIRECTORY_MODE, mtime });
      }
    }
  }

  if (entries.length === 0) {
    throw new OctoError(
      'ERR_OCTO_NOTHING_MATCHED',
      `Nothing under ${basePath} matched ${includes.join(', ')}${options.exclude?.length ? ` (excluding ${options.exclude.join(', ')})` : ''}.`,
      {
        hint: 'Check basePath and the include and exclude globs; globs are relative to basePath.',
        path: basePath,
      },
    );
  }
  return entries.sort((a, b) => compareEntryNames(a.name, b.name));
}
