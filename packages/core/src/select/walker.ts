import { type Dirent, type Stats, lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { OctoError, readError } from '../errors.js';
import { type ArchiveEntry, DEFAULT_DIRECTORY_MODE, compareEntryNames } from '../archive/entry.js';
import type { DefaultRules } from './default-rules.js';
import type { DependenciesMode } from './dependency-trees.js';
import { type IgnoreLevel, checkIgnored, readIgnoreLevel } from './ignore-files.js';
import { isInside } from './is-inside.js';
import type { NpmFiles } from './npm-files.js';

/** An entry with why it is in the package (the rule that put it there). */
export type SelectedEntry = ArchiveEntry & { reason?: string };

/** A path left out, with the rule that kept it out. Folders left out whole are listed once. */
export interface ExcludedPath {
  path: string;
  reason: string;
}

/** A folder walked into the package. */
export interface WalkRoot {
  realPath: string;
  archivePath: string;
  /** Links that stay inside this folder are stored as links. */
  containment: string;
  /** Why its files are in, when it is a dependency tree (they need no include glob). */
  reason?: string;
  /** basePath itself: ignore files are read, node_modules follows `dependencies`, npm's rules apply. */
  isBase: boolean;
  /** Walk node_modules folders right inside it (a `prod` dependency's are roots of their own). */
  nested: boolean;
}

export interface WalkerRules {
  includes: { glob: string; test: (name: string) => boolean; explicit: boolean }[];
  /** The include globs were left to the default (`**`). */
  defaultInclude: boolean;
  excludes: { glob: string; test: (name: string) => boolean }[];
  ignoreFileNames: readonly string[];
  defaults: DefaultRules;
  npm: { files: NpmFiles; projectDir: string } | undefined;
  dependencies: DependenciesMode;
  /** basePath's own node_modules is replaced by the project's tree (prod, or a package.json above basePath). */
  replacesBaseModules: string | undefined;
  followExternalSymlinks: boolean;
  skip: Map<string, string>;
  mtime: Date | undefined;
}

export const globMatchers = (globs: readonly string[]): { glob: string; test: (name: string) => boolean }[] =>
  globs.map((glob) => ({ glob, test: picomatch(glob, { dot: true }) }));

const sync = <T>(file: string, call: () => T): T => {
  try {
    return call();
  } catch (error) {
    throw readError(error, file);
  }
};

const insideModules = (name: string): boolean =>
  name === 'node_modules' || name.startsWith('node_modules/') || name.includes('/node_modules/');

/**
 * Walks folders into entries: files, folders (empty ones too) and links, each with its mode, time
 * and the rule that put it in; what stays out goes to `excluded` with the rule that kept it out.
 * Nothing is read yet; the writers stream the bytes.
 */
export class Walker {
  readonly entries: SelectedEntry[] = [];
  readonly excluded: ExcludedPath[] = [];
  readonly directoryNames = new Set<string>();
  /** The rules of basePath's own ignore files, which also apply to the dependency trees added at the root. */
  baseLevels: readonly IgnoreLevel[] = [];
  #foldersSinceYield = 0;

  constructor(readonly rules: WalkerRules) {}

  out(name: string, reason: string): void {
    this.excluded.push({ path: name, reason });
  }

  /** The explicit include glob naming `name`, if any: a default rule or secret warning gives way to it. */
  explicitInclude(name: string): string | undefined {
    return this.rules.includes.find((include) => include.explicit && include.test(name))?.glob;
  }

  #included(name: string): string | undefined {
    const include = this.rules.includes.find((candidate) => candidate.test(name));
    if (!include) return undefined;
    return this.rules.defaultInclude ? 'everything under basePath (`include` `**`, the default)' : `include \`${include.glob}\``;
  }

  /** Walks a folder; says whether anything in it was included, and whether it is empty. */
  async walk(
    directory: string,
    archiveDir: string,
    root: WalkRoot,
    stack: Set<string>,
    levels: readonly IgnoreLevel[],
  ): Promise<{ included: boolean; empty: boolean }> {
    if (++this.#foldersSinceYield >= 256) {
      this.#foldersSinceYield = 0;
      await yieldToEventLoop();
    }
    const children: Dirent[] = sync(directory, () => readdirSync(directory, { withFileTypes: true }));
    children.sort((a, b) => compareEntryNames(a.name, b.name));
    if (root.isBase && !insideModules(archiveDir)) {
      const level = readIgnoreLevel(directory, archiveDir, this.rules.ignoreFileNames, new Set(children.map((child) => child.name)));
      if (level) levels = [...levels, level];
      if (archiveDir === '') this.baseLevels = levels;
    }
    let included = false;
    for (const child of children) {
      const absolute = path.join(directory, child.name);
      const name = archiveDir === '' ? child.name : `${archiveDir}/${child.name}`;
      const stats = this.#admit(absolute, name, child, root, archiveDir === root.archivePath, levels);
      if (stats === undefined) continue;
      if (await this.visit(absolute, name, stats.stats, root, stack, levels, stats.why)) included = true;
    }
    return { included, empty: children.length === 0 };
  }

  /** The rules that keep a path out before it is visited; its stats and a reason to be in, if it may go in. */
  #admit(
    absolute: string,
    name: string,
    child: Dirent,
    root: WalkRoot,
    atTop: boolean,
    levels: readonly IgnoreLevel[],
  ): { stats: Stats; why: string | undefined } | undefined {
    const { rules } = this;
    if (child.name === '.git') return void this.out(name, 'default rule: `.git` is never packed');
    const skipped = rules.skip.get(absolute);
    if (skipped !== undefined) return void this.out(name, skipped);
    const exclude = rules.excludes.find((candidate) => candidate.test(name));
    if (exclude) return void this.out(name, `exclude \`${exclude.glob}\``);
    if (child.name === 'node_modules') {
      if (rules.dependencies === 'none') return void this.out(name, '`dependencies` is none');
      if (atTop && !root.nested) return undefined; // a prod dependency's own: packed as roots of their own where needed
      if (atTop && root.isBase && rules.replacesBaseModules !== undefined) return void this.out(name, rules.replacesBaseModules);
    }
    const stats = sync(absolute, () => lstatSync(absolute));
    const isDirectory = stats.isDirectory();
    const verdict = levels.length > 0 ? checkIgnored(levels, name, isDirectory) : undefined;
    if (verdict?.ignored) return void this.out(name, `ignored by ${verdict.reason}`);
    let why = verdict ? `put back by ${verdict.reason}` : undefined;
    if (root.isBase && !insideModules(name)) {
      const explicit = this.explicitInclude(name);
      const skip = explicit ? undefined : rules.defaults.reasonToSkip(absolute, isDirectory);
      if (skip !== undefined) return void this.out(name, `${skip}; an \`include\` glob that names it packs it`);
      if (explicit !== undefined && rules.defaults.reasonToSkip(absolute, isDirectory)) why = `include \`${explicit}\` (named explicitly)`;
      if (rules.npm) {
        const relative = path.relative(rules.npm.projectDir, absolute).split(path.sep).join('/');
        if (!rules.npm.files.has(relative, isDirectory)) return void this.out(name, rules.npm.files.reasonOut(relative));
        if (!isDirectory) why ??= rules.npm.files.reasonIn(relative);
      }
    }
    return { stats, why };
  }

  #mtimeOf(stats: Stats): Date {
    return this.rules.mtime ?? stats.mtime;
  }

  /** Why a file or link goes in, or undefined (then it is listed as excluded). */
  #reasonIn(name: string, root: WalkRoot, why: string | undefined): string | undefined {
    if (root.reason !== undefined) return why ?? root.reason;
    const include = this.#included(name);
    if (include === undefined) {
      this.out(name, `not matched by \`include\` (${this.rules.includes.map((candidate) => candidate.glob).join(', ')})`);
      return undefined;
    }
    return why ?? include;
  }

  async visit(
    absolute: string,
    name: string,
    stats: Stats,
    root: WalkRoot,
    stack: Set<string>,
    levels: readonly IgnoreLevel[],
    why: string | undefined,
  ): Promise<boolean> {
    if (stats.isSymbolicLink()) return this.#visitLink(absolute, name, stats, root, stack, levels, why);
    if (stats.isDirectory()) {
      const real = sync(absolute, () => realpathSync(absolute));
      if (stack.has(real)) {
        throw new OctoError('ERR_OCTO_SYMLINK_LOOP', `Following links at ${name} leads back into ${real}: a loop.`, {
          hint: 'Exclude that link, or turn off followExternalSymlinks.',
          path: absolute,
        });
      }
      stack.add(real);
      const { included, empty } = await this.walk(absolute, name, root, stack, levels);
      stack.delete(real);
      const emptyIncluded = empty && root.reason === undefined ? (this.#included(name) ?? this.#included(`${name}/`)) : undefined;
      if (included || emptyIncluded !== undefined) {
        const reason = included ? 'a folder of packed entries' : `an empty folder: ${emptyIncluded}`;
        this.entries.push({ type: 'directory', name, mode: stats.mode & 0o7777, mtime: this.#mtimeOf(stats), reason });
        this.directoryNames.add(name);
        return true;
      }
      return false;
    }
    if (stats.isFile()) {
      const reason = this.#reasonIn(name, root, why);
      if (reason === undefined) return false;
      this.entries.push({
        type: 'file',
        name,
        source: { kind: 'path', path: absolute, size: stats.size },
        mode: stats.mode & 0o7777,
        mtime: this.#mtimeOf(stats),
        reason,
      });
      return true;
    }
    this.out(name, 'not a file, folder or link (sockets, FIFOs and devices have no place in a package)');
    return false;
  }

  async #visitLink(
    absolute: string,
    name: string,
    stats: Stats,
    root: WalkRoot,
    stack: Set<string>,
    levels: readonly IgnoreLevel[],
    why: string | undefined,
  ): Promise<boolean> {
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
      const reason = this.#reasonIn(name, root, why);
      if (reason === undefined) return false;
      this.entries.push({
        type: 'symlink',
        name,
        target: target.split(path.sep).join('/'),
        mode: stats.mode & 0o7777,
        mtime: this.#mtimeOf(stats),
        reason,
      });
      return true;
    }
    if (!this.rules.followExternalSymlinks || realTarget === undefined) {
      throw new OctoError('ERR_OCTO_SYMLINK_OUTSIDE', `The link ${absolute} points outside the folder being packed (to ${resolved}).`, {
        hint: 'Exclude it, replace it with a copy, or set followExternalSymlinks (--follow-external-symlinks) to pack what it points to.',
        path: absolute,
      });
    }
    const targetStats = sync(absolute, () => statSync(absolute));
    return this.visit(realTarget, name, targetStats, root, stack, levels, why);
  }

  /** Every folder on the way to an entry gets an entry of its own, so modes survive extraction. */
  addParents(mtime: Date): void {
    for (const entry of [...this.entries]) {
      const parts = entry.name.split('/');
      for (let index = 1; index < parts.length; index++) {
        const parent = parts.slice(0, index).join('/');
        if (!this.directoryNames.has(parent)) {
          this.directoryNames.add(parent);
          this.entries.push({ type: 'directory', name: parent, mode: DEFAULT_DIRECTORY_MODE, mtime, reason: 'a folder of packed entries' });
        }
      }
    }
  }
}
