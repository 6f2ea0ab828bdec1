import { type Dirent, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { OctoError } from '../errors.js';
import type { PackageJson } from '../identity.js';
import { type PackageRoot, productionPackageRoots } from './production-dependencies.js';

export type DependenciesMode = 'all' | 'prod' | 'none';

/** A folder of dependencies to walk into the package, with why its files are there. */
export interface DependencyRoot extends PackageRoot {
  /** Walk its nested node_modules too (`all`), or not (`prod`: they are roots of their own). */
  nested: boolean;
  reason: string;
}

export interface DependencyTrees {
  roots: DependencyRoot[];
  /** For the `.bin` links (prod). */
  packageRoots: PackageRoot[];
  /** Installed packages left out, with why (dev dependencies under prod). */
  excluded: { path: string; reason: string }[];
}

const declared = (json: PackageJson): string[] => Object.keys(json.dependencies ?? {});

function missing(projectDir: string, json: PackageJson, detail: string): OctoError {
  const names = declared(json);
  const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? `, … (${names.length} in all)` : '');
  return new OctoError(
    'ERR_OCTO_DEPENDENCIES_MISSING',
    `${path.join(projectDir, 'package.json')} declares dependencies (${shown}), but ${detail}, so the package would start without them.`,
    {
      hint: `Run \`npm ci\` (or npm install) in ${projectDir} before packing, or set \`dependencies\` to none if the build needs none at run time (a bundle).`,
      option: 'dependencies',
      path: projectDir,
    },
  );
}

/** The folder names of installed packages in a node_modules folder: `x` and `@scope/x`, not `.bin`. */
function installedNames(folder: string): string[] {
  let children: Dirent[];
  try {
    children = readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const child of children) {
    if (child.name.startsWith('.')) continue;
    if (child.name.startsWith('@')) {
      for (const scoped of installedNames(path.join(folder, child.name))) names.push(`${child.name}/${scoped}`);
    } else names.push(child.name);
  }
  return names;
}

/** The nearest node_modules at or above a folder, where npm (or a workspace root) installed. */
function nearestNodeModules(folder: string): string | undefined {
  for (let current = folder; ; current = path.dirname(current)) {
    const candidate = path.join(current, 'node_modules');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(current) === current) return undefined;
  }
}

/**
 * The dependency trees that go under `node_modules/` at the package root: with `prod`, the
 * production tree of the project's package.json; with `all`, its node_modules folder as it is.
 * `walked`: basePath is the project folder, so its own node_modules is already walked under `all`.
 * `required`: the mode was asked for, so finding nothing installed is an error, not an empty tree.
 */
export async function dependencyTrees(
  mode: DependenciesMode,
  projectDir: string,
  json: PackageJson,
  options: { walked: boolean; required: boolean },
): Promise<DependencyTrees> {
  const none: DependencyTrees = { roots: [], packageRoots: [], excluded: [] };
  if (mode === 'none') return none;
  if (mode === 'all') {
    const folder = path.join(projectDir, 'node_modules');
    if (!existsSync(folder)) {
      if (options.required && declared(json).length > 0) {
        throw missing(
          projectDir,
          json,
          `${folder} does not exist (under \`dependencies\`: all, that folder is packed as it is; use prod where a workspace installs at its root)`,
        );
      }
      return none;
    }
    if (options.walked) return none;
    const reason = 'an installed dependency (`dependencies`: all)';
    return { roots: [{ realPath: folder, archivePath: 'node_modules', nested: true, reason }], packageRoots: [], excluded: [] };
  }
  const packageRoots = await productionPackageRoots(projectDir);
  const names = declared(json);
  if (
    options.required &&
    names.length > 0 &&
    !names.some((name) => packageRoots.some((root) => root.archivePath === `node_modules/${name}`))
  ) {
    throw missing(projectDir, json, `none of them is installed in a node_modules folder at or above ${projectDir}`);
  }
  const roots = packageRoots.map((root) => ({
    ...root,
    nested: false,
    reason: `a production dependency (\`dependencies\`: prod)`,
  }));
  const kept = new Set(packageRoots.map((root) => root.archivePath));
  const development = new Set(Object.keys((json.devDependencies as Record<string, string> | undefined) ?? {}));
  const installed = nearestNodeModules(projectDir);
  const excluded = (installed ? installedNames(installed) : [])
    .filter((name) => !kept.has(`node_modules/${name}`))
    .map((name) => ({
      path: `node_modules/${name}`,
      reason: development.has(name)
        ? 'a dev dependency (`dependencies`: prod)'
        : 'not needed at run time by package.json `dependencies` (`dependencies`: prod)',
    }));
  return { roots, packageRoots, excluded };
}
