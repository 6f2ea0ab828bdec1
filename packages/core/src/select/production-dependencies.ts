import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { PackageJson } from '../identity.js';
import { isInside } from './is-inside.js';

/** A folder of node_modules to pack, and where it goes in the package. */
export interface PackageRoot {
  /** The real folder on disk (links resolved: workspaces, pnpm). */
  realPath: string;
  /** Its path inside the package, `/`-separated, e.g. `node_modules/@scope/name`. */
  archivePath: string;
  /** Its package.json's `bin` field, for the `.bin` links. */
  bin?: unknown;
}

async function readJson(file: string): Promise<PackageJson | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

async function exists(file: string): Promise<string | undefined> {
  try {
    return await realpath(file);
  } catch {
    return undefined;
  }
}

function runtimeDependencies(json: PackageJson): string[] {
  const names = new Set<string>([
    ...Object.keys(json.dependencies ?? {}),
    ...Object.keys(json.optionalDependencies ?? {}),
    ...Object.keys(json.peerDependencies ?? {}),
  ]);
  return [...names].sort();
}

const toArchive = (relative: string): string => relative.split(path.sep).join('/');

/** Where Node looks for `name` from the package at `fromArchive` in the package: nearest first. */
function visiblePositions(fromArchive: string, name: string): string[] {
  const positions: string[] = [];
  let folder = fromArchive;
  for (;;) {
    positions.push(`${folder === '' ? '' : `${folder}/`}node_modules/${name}`);
    if (folder === '') return positions;
    const at = folder.lastIndexOf('node_modules/');
    folder = at <= 0 ? '' : folder.slice(0, at - 1);
  }
}

/**
 * The highest of the positions the requirer sees that is free and not hidden behind another version
 * nearer to it; undefined when this very folder already sits in one of them.
 */
function hoistedPosition(visible: string[], real: string, roots: Map<string, PackageRoot>): string | undefined {
  let best = visible[0]!;
  for (const position of visible) {
    const taken = roots.get(position);
    if (taken) return taken.realPath === real ? undefined : best;
    best = position;
  }
  return best;
}

/**
 * The production dependency tree of the package at `basePath`, found as Node itself finds modules
 * at run time: each dependency looked up in `node_modules` from the requiring package's folder
 * upwards. So it works for whatever npm installed (hoisted, nested, workspaces linked from the
 * monorepo root) without `npm prune`, and never includes a devDependency that nothing needs. What
 * pnpm keeps in its `.pnpm` store is laid out in the package as npm would have hoisted it.
 */
export async function productionPackageRoots(basePath: string): Promise<PackageRoot[]> {
  const base = await realpath(basePath);
  const json = await readJson(path.join(base, 'package.json'));
  if (!json) return [];
  const ancestors: string[] = [];
  for (let dir = base; ; dir = path.dirname(dir)) {
    ancestors.push(dir);
    if (path.dirname(dir) === dir) break;
  }
  const roots = new Map<string, PackageRoot>();
  const queue: { name: string; fromReal: string; fromArchive: string }[] = runtimeDependencies(json).map((name) => ({
    name,
    fromReal: base,
    fromArchive: '',
  }));
  while (queue.length > 0) {
    const { name, fromReal, fromArchive } = queue.shift()!;
    let location: string | undefined;
    let real: string | undefined;
    for (let dir = fromReal; ; dir = path.dirname(dir)) {
      if (path.basename(dir) !== 'node_modules') {
        const candidate = path.join(dir, 'node_modules', name);
        real = await exists(path.join(candidate, 'package.json'));
        if (real) {
          location = candidate;
          real = path.dirname(real);
          break;
        }
      }
      if (path.dirname(dir) === dir) break;
    }
    if (!location || !real) continue; // not installed: optional, or a peer nobody provided
    let archivePath: string | undefined;
    if (isInside(location, fromReal) && fromArchive !== '') {
      archivePath = `${fromArchive}/${toArchive(path.relative(fromReal, location))}`;
    } else {
      const ancestor = ancestors.find((dir) => isInside(location, dir));
      archivePath = ancestor === undefined ? undefined : toArchive(path.relative(ancestor, location));
    }
    const visible = visiblePositions(fromArchive, name);
    if (archivePath !== undefined && visible.includes(archivePath)) {
      // npm's layout: mirror it, so the package holds the tree npm made.
      const taken = roots.get(archivePath);
      if (taken) {
        if (taken.realPath === real) continue;
        // Another version already sits there: nest this one under the package that needs it.
        archivePath = visible[0]!;
        if (roots.has(archivePath)) continue;
      }
    } else {
      // Found where the package cannot mirror it (pnpm's node_modules/.pnpm store, a linked folder):
      // place it as npm would hoist it, as high as the requiring package still sees it.
      archivePath = hoistedPosition(visible, real, roots);
      if (archivePath === undefined) continue;
    }
    const dependencyJson = await readJson(path.join(real, 'package.json'));
    roots.set(archivePath, { realPath: real, archivePath, ...(dependencyJson?.bin !== undefined && { bin: dependencyJson.bin }) });
    if (dependencyJson) {
      for (const dependency of runtimeDependencies(dependencyJson)) {
        queue.push({ name: dependency, fromReal: real, fromArchive: archivePath });
      }
    }
  }
  return [...roots.values()].sort((a, b) => (a.archivePath < b.archivePath ? -1 : a.archivePath > b.archivePath ? 1 : 0));
}
