import { type Stats, lstatSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { OctoError } from '../errors.js';
import { compareEntryNames } from '../archive/entry.js';
import { type PackageJson, readPackageJson } from '../identity.js';
import { binLinks } from './bin-links.js';
import { defaultRules, includeMatchers } from './default-rules.js';
import { type DependenciesMode, type DependencyTrees, dependencyTrees } from './dependency-trees.js';
import { OCTOPUS_IGNORE, checkIgnored } from './ignore-files.js';
import { isInside } from './is-inside.js';
import { npmFiles } from './npm-files.js';
import { HOLDS_CREDENTIALS, secretKind, secretWarning } from './secrets.js';
import { type ExcludedPath, type SelectedEntry, type WalkRoot, Walker, globMatchers } from './walker.js';

export type { DependenciesMode } from './dependency-trees.js';
export type { ExcludedPath, SelectedEntry } from './walker.js';

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
  /** Ignore files to honour in basePath and its folders besides `.octopusignore` (always read), e.g. `['.gitignore']`. */
  ignoreFiles?: string[];
  /** Take only what `npm publish` would (package.json `files`, npm's always- and never-included files). */
  useNpmFiles?: boolean;
  /**
   * The project's package.json: its folder's dependency tree is what `dependencies` packs, and when
   * it is above basePath it goes in at the root too (with `prod` or `all`). Default: basePath's own.
   */
  packageJson?: string;
  /**
   * `dependencies` was asked for, not defaulted: a package.json above basePath then brings its tree,
   * and finding nothing installed is an error. Default: whether `dependencies` is given.
   */
  dependenciesRequired?: boolean;
  /** The package's id: earlier packages of it (any version and extension) stay out. */
  packageId?: string;
}

/** What goes in, what stays out and why, and warnings about what goes in. */
export interface Selection {
  entries: SelectedEntry[];
  excluded: ExcludedPath[];
  warnings: string[];
}

/**
 * Walks a build folder and returns its entries, sorted by name: files, folders (empty ones too)
 * and links, each with its own mode and time. Nothing is read yet; the writers stream the bytes.
 */
export async function selectFiles(options: SelectFilesOptions): Promise<SelectedEntry[]> {
  return (await explainSelection(options)).entries;
}

async function baseFolder(basePath: string): Promise<Stats> {
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
  return baseStats;
}

async function skipReasons(skip: readonly string[]): Promise<Map<string, string>> {
  const reasons = new Map<string, string>();
  for (const [index, file] of skip.entries()) {
    const reason = index === 0 ? 'default rule: the out folder, where packages are written' : 'default rule: the package being written';
    reasons.set(path.resolve(file), reason);
    try {
      reasons.set(await realpath(file), reason);
    } catch {
      // not there yet
    }
  }
  return reasons;
}

/** The project's package.json; a missing or broken one is an error only when the options need it. */
async function readProject(file: string, needed: boolean): Promise<PackageJson | undefined> {
  try {
    return await readPackageJson(file);
  } catch (error) {
    if (needed && (error as OctoError).code !== 'ERR_OCTO_PACKAGE_JSON_MISSING') throw error;
    return undefined;
  }
}

/** selectFiles(), with the rule behind each entry, every path left out and why, and secret warnings. */
export async function explainSelection(options: SelectFilesOptions): Promise<Selection> {
  const basePath = path.resolve(options.basePath);
  const baseStats = await baseFolder(basePath);
  const realBase = await realpath(basePath);
  const includes = options.include && options.include.length > 0 ? options.include : ['**'];
  const dependencies = options.dependencies ?? 'all';
  const asked = options.dependenciesRequired ?? options.dependencies !== undefined;
  const packageJsonFile = path.resolve(options.packageJson ?? path.join(basePath, 'package.json'));
  const projectDir = path.dirname(packageJsonFile);
  const project = await readProject(packageJsonFile, dependencies === 'prod' || options.useNpmFiles === true);
  // A package.json above basePath (a `dist` build): its tree and itself come in from outside.
  const external = project !== undefined && !isInside(projectDir, basePath) && asked && dependencies !== 'none';
  // .octopusignore is read last, so that its rules win over those of the other files in the same folder.
  const ignoreFileNames = [...(options.ignoreFiles ?? []).filter((name) => name !== OCTOPUS_IGNORE), OCTOPUS_IGNORE];
  const walker = new Walker({
    includes: includeMatchers(includes),
    defaultInclude: !(options.include && options.include.length > 0),
    excludes: globMatchers(options.exclude ?? []),
    ignoreFileNames,
    defaults: defaultRules(options.packageId, ignoreFileNames),
    npm: options.useNpmFiles ? { files: await npmFiles(packageJsonFile), projectDir } : undefined,
    dependencies,
    replacesBaseModules:
      dependencies === 'prod'
        ? '`dependencies` is prod: replaced by the production dependency tree'
        : external
          ? `\`dependencies\` is all: replaced by ${path.join(projectDir, 'node_modules')}`
          : undefined,
    followExternalSymlinks: options.followExternalSymlinks ?? false,
    skip: await skipReasons(options.skip ?? []),
    mtime: options.mtime,
  });

  const baseRoot: WalkRoot = { realPath: realBase, archivePath: '', containment: realBase, isBase: true, nested: true };
  await walker.walk(basePath, '', baseRoot, new Set([realBase]), []);

  if (project !== undefined && (dependencies === 'prod' || external || (dependencies === 'all' && asked))) {
    const trees = await dependencyTrees(dependencies, projectDir, project, {
      walked: !external,
      required: asked,
    });
    await addDependencyTrees(walker, trees, options.mtime);
    if (external) addProjectPackageJson(walker, packageJsonFile, basePath, dependencies, options.mtime);
  }
  const warnings = secretWarnings(walker);
  if (project !== undefined && !isInside(projectDir, basePath) && !asked && Object.keys(project.dependencies ?? {}).length > 0) {
    warnings.push(
      `${packageJsonFile} declares dependencies, but none is packed: it is outside basePath. Set \`dependencies\` to prod to add its production tree ` +
        `and package.json, or to none if the build needs nothing at run time (a bundle).`,
    );
  }

  walker.addParents(options.mtime ?? baseStats.mtime);
  if (walker.entries.length === 0) {
    throw new OctoError(
      'ERR_OCTO_NOTHING_MATCHED',
      `Nothing under ${basePath} matched ${includes.join(', ')}${options.exclude?.length ? ` (excluding ${options.exclude.join(', ')})` : ''}` +
        `${walker.excluded.length > 0 ? `; ${walker.excluded.length} path(s) were left out by the rules (planPackage() lists them in \`excluded\`)` : ''}.`,
      {
        hint: 'Check basePath, the include and exclude globs (relative to basePath) and the .octopusignore files.',
        path: basePath,
      },
    );
  }
  const byName = (a: { path?: string; name?: string }, b: { path?: string; name?: string }): number =>
    compareEntryNames(a.name ?? a.path ?? '', b.name ?? b.path ?? '');
  return { entries: walker.entries.sort(byName), excluded: walker.excluded.sort(byName), warnings };
}

/** Walks the dependency trees into the package under `node_modules/`, with the `.bin` links npm makes. */
async function addDependencyTrees(walker: Walker, trees: DependencyTrees, mtime: Date | undefined): Promise<void> {
  for (const excluded of trees.excluded) walker.out(excluded.path, excluded.reason);
  for (const root of trees.roots) {
    const exclude = walker.rules.excludes.find((candidate) => candidate.test(root.archivePath));
    if (exclude) {
      walker.out(root.archivePath, `exclude \`${exclude.glob}\``);
      continue;
    }
    const verdict = checkIgnored(walker.baseLevels, root.archivePath, true);
    if (verdict?.ignored) {
      walker.out(root.archivePath, `ignored by ${verdict.reason}`);
      continue;
    }
    const real = await realpath(root.realPath);
    const rootStats = await stat(real);
    const walkRoot: WalkRoot = { ...root, containment: real, isBase: false };
    const { included } = await walker.walk(real, root.archivePath, walkRoot, new Set([real]), walker.baseLevels);
    if (included && !walker.directoryNames.has(root.archivePath)) {
      walker.entries.push({
        type: 'directory',
        name: root.archivePath,
        mode: rootStats.mode & 0o7777,
        mtime: mtime ?? rootStats.mtime,
        reason: root.reason,
      });
      walker.directoryNames.add(root.archivePath);
    }
  }
  const packedFiles = new Map(walker.entries.filter((entry) => entry.type === 'file').map((entry) => [entry.name, entry]));
  for (const link of binLinks(trees.packageRoots, packedFiles)) {
    const exclude = walker.rules.excludes.find((candidate) => candidate.test(link.name));
    if (exclude) walker.out(link.name, `exclude \`${exclude.glob}\``);
    else walker.entries.push({ ...link, reason: 'a `.bin` link npm makes at install (`dependencies`: prod)' });
  }
}

/** The project's package.json at the package root, so `npm start`, `"type": "module"` and require work. */
function addProjectPackageJson(
  walker: Walker,
  file: string,
  basePath: string,
  dependencies: DependenciesMode,
  mtime: Date | undefined,
): void {
  if (walker.entries.some((entry) => entry.name === 'package.json')) return; // basePath has its own
  const exclude = walker.rules.excludes.find((candidate) => candidate.test('package.json'));
  if (exclude) return void walker.out('package.json', `exclude \`${exclude.glob}\``);
  const verdict = checkIgnored(walker.baseLevels, 'package.json', false);
  if (verdict?.ignored) return void walker.out('package.json', `ignored by ${verdict.reason}`);
  const stats = lstatSync(file);
  walker.entries.push({
    type: 'file',
    name: 'package.json',
    source: { kind: 'path', path: file, size: stats.size },
    mode: stats.mode & 0o7777,
    mtime: mtime ?? stats.mtime,
    reason: `the project's package.json (${path.relative(basePath, file).split(path.sep).join('/')}), with its dependencies (\`dependencies\`: ${dependencies})`,
  });
}

/**
 * One warning per file about to be packed that usually holds secrets, unless an include names it; a
 * config file or package.json holding a key is warned about even then (naming it is not meaning the key).
 */
function secretWarnings(walker: Walker): string[] {
  const warnings: string[] = [];
  for (const entry of walker.entries) {
    if (entry.type !== 'file' || entry.name.split('/').includes('node_modules')) continue;
    const why = secretKind(path.posix.basename(entry.name), entry.source.kind === 'path' ? entry.source.path : undefined);
    const meant = walker.explicitInclude(entry.name) !== undefined || entry.reason?.startsWith('put back by');
    if (why !== undefined && (!meant || why === HOLDS_CREDENTIALS)) warnings.push(secretWarning(entry.name, why));
  }
  return warnings;
}
