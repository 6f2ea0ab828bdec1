import { existsSync } from 'node:fs';
import path from 'node:path';
import { defaultRules } from './default-rules.js';
import { findProjectPackageJson } from './find-project.js';
import { type IgnoreLevel, OCTOPUS_IGNORE, checkIgnored, readIgnoreLevel } from './ignore-files.js';
import { isInside } from './is-inside.js';
import { type NpmFiles, npmFiles } from './npm-files.js';
import { HOLDS_CREDENTIALS, secretKind } from './secrets.js';

export interface PathFilterOptions {
  /** The folder the ignore files are read from, downwards (gulp: the files' base; grunt: the Gruntfile's folder). */
  basePath: string;
  ignoreFiles?: string[];
  useNpmFiles?: boolean;
  /** Default: the first package.json at or above basePath. */
  packageJson?: string;
  /** Earlier packages of this id stay out. */
  packageId?: string;
}

/** Whether a path goes in: `excluded` says why not; `secret` why it usually holds secrets (warn). */
export interface PathVerdict {
  excluded?: string;
  secret?: string;
}

/**
 * The rules pack() applies, for adapters whose tool lists the files itself (gulp's sources, grunt's
 * file mappings): one path at a time, in any order. Ignore files are read once per folder.
 */
export async function createPathFilter(options: PathFilterOptions): Promise<(file: string, isDirectory: boolean) => PathVerdict> {
  const basePath = path.resolve(options.basePath);
  const names = [...(options.ignoreFiles ?? []).filter((name) => name !== OCTOPUS_IGNORE), OCTOPUS_IGNORE];
  const defaults = defaultRules(options.packageId, names);
  let npm: { files: NpmFiles; projectDir: string } | undefined;
  if (options.useNpmFiles) {
    const packageJson = options.packageJson ?? (await findProjectPackageJson(basePath));
    if (packageJson !== undefined) npm = { files: await npmFiles(packageJson), projectDir: path.dirname(packageJson) };
  }
  const toName = (file: string): string => path.relative(basePath, file).split(path.sep).join('/');
  const levels = new Map<string, readonly IgnoreLevel[]>();
  const levelsOf = (directory: string): readonly IgnoreLevel[] => {
    let known = levels.get(directory);
    if (known === undefined) {
      const above = directory === basePath ? [] : levelsOf(path.dirname(directory));
      const present = new Set(names.filter((name) => existsSync(path.join(directory, name))));
      const level = readIgnoreLevel(directory, toName(directory), names, present);
      known = level ? [...above, level] : above;
      levels.set(directory, known);
    }
    return known;
  };
  const folders = new Map<string, string | undefined>();
  const folderExcluded = (directory: string): string | undefined => {
    if (directory === basePath) return undefined;
    if (!folders.has(directory)) {
      const parent = path.dirname(directory);
      const verdict = folderExcluded(parent) ?? ignoredBy(levelsOf(parent), directory, true);
      folders.set(directory, verdict);
    }
    return folders.get(directory);
  };
  const ignoredBy = (inEffect: readonly IgnoreLevel[], file: string, isDirectory: boolean): string | undefined => {
    const verdict = inEffect.length > 0 ? checkIgnored(inEffect, toName(file), isDirectory) : undefined;
    return verdict?.ignored ? `ignored by ${verdict.reason}` : undefined;
  };

  return (file, isDirectory) => {
    const absolute = path.resolve(file);
    if (absolute === basePath || !isInside(absolute, basePath) || toName(absolute).split('/').includes('node_modules')) return {};
    const parent = path.dirname(absolute);
    const excluded =
      folderExcluded(parent) ??
      ignoredBy(levelsOf(parent), absolute, isDirectory) ??
      defaults.reasonToSkip(absolute, isDirectory) ??
      (npm && !npm.files.has(path.relative(npm.projectDir, absolute).split(path.sep).join('/'), isDirectory)
        ? npm.files.reasonOut(path.relative(npm.projectDir, absolute).split(path.sep).join('/'))
        : undefined);
    if (excluded !== undefined) return { excluded };
    if (isDirectory) return {};
    const put = checkIgnored(levelsOf(parent), toName(absolute), false); // a `!` rule means: meant to be there
    const secret = secretKind(path.basename(absolute), absolute);
    // A `!` line means the file is meant to be there, not the key in it.
    return secret === undefined || (put !== undefined && secret !== HOLDS_CREDENTIALS) ? {} : { secret };
  };
}
