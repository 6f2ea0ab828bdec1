import path from 'node:path';
import { type ArchiveEntry, knownSize } from './archive/entry.js';
import { writeArchiveFile } from './archive/write-archive.js';
import { OctoError } from './errors.js';
import { type PackageFormat, normalizeFormat } from './format.js';
import { resolveIdentity, validateIdentity } from './identity.js';
import { PACK_OPTIONS, checkOptions } from './options/pack-options.js';
import { assertOneOf, normalizeCompressionLevel, resolveMtime } from './options/values.js';
import { checkPackageEntries } from './archive/check-entries.js';
import { findProjectPackageJson } from './select/find-project.js';
import { checkSelectionOptions } from './select/selection-options.js';
import { type DependenciesMode, type ExcludedPath, type SelectedEntry, explainSelection } from './select/select-files.js';

export interface PackOptions {
  /** The folder to pack. Default: the folder of `packageJson`; one of the two is required. */
  basePath?: string;
  /** The package.json to take id and version from. Default: `<basePath>/package.json`, read only if needed. */
  packageJson?: string;
  /** The package id. Default: package.json `name` (`@scope/name` becomes `scope.name`). */
  id?: string;
  /** The package version. Default: package.json `version`. */
  version?: string;
  /** `zip` (default), `tar.gz`, `tgz` or `tar`. */
  format?: PackageFormat | 'targz';
  /** Where the package is written; created if missing. Default: `bin` under the current folder. */
  outFolder?: string;
  /** Globs relative to basePath of what goes in. Default: `['**']`. Dotfiles are included. */
  include?: string[];
  /** Globs relative to basePath of what stays out. `.git` always stays out. */
  exclude?: string[];
  /** Which `node_modules` to pack: `all` (default), `prod` (the production tree only) or `none`. */
  dependencies?: DependenciesMode;
  /** 0 (store) to 9. Default: 6. */
  compressionLevel?: number;
  /** One time for every entry, for reproducible packages. Default: SOURCE_DATE_EPOCH if set, else each file's own. */
  mtime?: Date | number | string;
  /** Replace an existing package file. Default: false (an error). */
  overwrite?: boolean;
  /** Pack what links outside basePath point to, instead of refusing them. Default: false. */
  followExternalSymlinks?: boolean;
  /** Ignore files (gitignore syntax) to honour in basePath and its folders besides `.octopusignore`, which is always read. Default: `[]`. */
  ignoreFiles?: string[];
  /** Pack only what `npm publish` would: package.json `files` with npm's always- and never-included files. Default: false. */
  useNpmFiles?: boolean;
  /** Called with each warning (files that usually hold secrets, dependencies left out, names Windows cannot extract); they are in the result too. */
  onWarning?: (message: string) => void;
  /** Called as each entry is written, for progress. */
  onEntry?: (entry: { name: string; type: ArchiveEntry['type']; size: number }, index: number, total: number) => void;
}

export interface PackResult {
  /** Absolute path of the package file. */
  file: string;
  /** Its file name, `<id>.<version>.<ext>`. */
  fileName: string;
  packageId: string;
  version: string;
  format: PackageFormat;
  /** Size in bytes. */
  size: number;
  /** Lowercase hex SHA-1 of the file, as Octopus reports it. */
  sha1: string;
  /** How many entries (files, folders, links) it holds. */
  entries: number;
  /** What a user should know (secrets about to be packed, names Windows cannot extract); also given to `onWarning`. */
  warnings: string[];
  /** @deprecated Use `file`. */
  path: string;
  /** @deprecated Use `fileName`. */
  name: string;
  /** @deprecated Use `packageId`. */
  id: string;
}

/** A PackResult with its deprecated aliases (`path`, `name`, `id`) filled in. */
export function packResult(result: Omit<PackResult, 'path' | 'name' | 'id'>): PackResult {
  return { ...result, path: result.file, name: result.fileName, id: result.packageId };
}

export interface PackPlan {
  packageId: string;
  version: string;
  fileName: string;
  format: PackageFormat;
  /** Where the package would be written. */
  file: string;
  /** @deprecated Use `packageId`. */
  id: string;
  /** @deprecated Use `fileName`. */
  name: string;
  /** @deprecated Use `file`. */
  path: string;
  /** What goes in, each with the rule that put it there (`reason`). */
  entries: SelectedEntry[];
  /** What stayed out, each with the rule that kept it out. */
  excluded: ExcludedPath[];
  /** Warnings about what goes in (files that usually hold secrets, names Windows cannot extract), also given to `onWarning`. */
  warnings: string[];
  compressionLevel: number;
}

/** Everything pack() decides before writing: identity, file name, entries. */
export async function planPackage(options: PackOptions): Promise<PackPlan> {
  return makePlan('planPackage()', options);
}

async function makePlan(operation: string, options: PackOptions): Promise<PackPlan> {
  checkOptions(operation, options, PACK_OPTIONS);
  if (options.basePath === undefined && options.packageJson === undefined) {
    throw new OctoError('ERR_OCTO_INVALID_OPTION', 'Neither `basePath` nor `packageJson` was given, so there is no folder to pack.', {
      hint: 'Give `basePath` (the folder to pack) or `packageJson` (its folder is packed).',
      option: 'basePath',
    });
  }
  checkSelectionOptions(operation, options as Record<string, unknown>);
  const basePath = path.resolve(options.basePath ?? path.dirname(options.packageJson!));
  const format = normalizeFormat(options.format);
  const compressionLevel = normalizeCompressionLevel(options.compressionLevel);
  const dependencies = assertOneOf('dependencies mode', options.dependencies, ['all', 'prod', 'none'] as const, 'all');
  const mtime = resolveMtime(options.mtime);
  // The project's package.json: the first one at or above basePath, never above the repository.
  const packageJson = options.packageJson !== undefined ? path.resolve(options.packageJson) : await findProjectPackageJson(basePath);
  const identity = await resolveIdentity({
    basePath,
    ...(options.id !== undefined && { id: options.id }),
    ...(options.version !== undefined && { version: options.version }),
    ...(packageJson !== undefined && { packageJson }),
  });
  const name = validateIdentity(identity, format);
  const outFolder = path.resolve(options.outFolder ?? 'bin');
  const destination = path.join(outFolder, name);
  const { entries, excluded, warnings } = await explainSelection({
    basePath,
    ...(options.include && { include: options.include }),
    ...(options.exclude && { exclude: options.exclude }),
    dependencies,
    ...(options.followExternalSymlinks !== undefined && { followExternalSymlinks: options.followExternalSymlinks }),
    skip: [outFolder, destination],
    ...(mtime && { mtime }),
    ...(packageJson !== undefined && { packageJson }),
    dependenciesRequired: options.dependencies !== undefined,
    packageId: identity.id,
    ...(options.ignoreFiles && { ignoreFiles: options.ignoreFiles }),
    ...(options.useNpmFiles !== undefined && { useNpmFiles: options.useNpmFiles }),
  });
  warnings.push(...checkPackageEntries(entries, true));
  for (const warning of warnings) options.onWarning?.(warning);
  return {
    packageId: identity.id,
    version: identity.version,
    fileName: name,
    format,
    file: destination,
    id: identity.id,
    name,
    path: destination,
    entries,
    excluded,
    compressionLevel,
    warnings,
  };
}

/** Packs a folder into `<outFolder>/<id>.<version>.<ext>`. */
export async function pack(options: PackOptions): Promise<PackResult> {
  const plan = await makePlan('pack()', options);
  const total = plan.entries.length;
  const onEntry = options.onEntry;
  const written = await writeArchiveFile(plan.entries, plan.file, {
    format: plan.format,
    compressionLevel: plan.compressionLevel,
    ...(options.overwrite !== undefined && { overwrite: options.overwrite }),
    ...(onEntry && {
      onEntry: (entry: ArchiveEntry, index: number) =>
        onEntry({ name: entry.name, type: entry.type, size: knownSize(entry) ?? 0 }, index, total),
    }),
  });
  return packResult({
    file: written.path,
    fileName: plan.fileName,
    packageId: plan.packageId,
    version: plan.version,
    format: plan.format,
    size: written.size,
    sha1: written.sha1,
    entries: total,
    warnings: plan.warnings,
  });
}
