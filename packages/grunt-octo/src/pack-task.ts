/// <reference types="grunt" />
import { lstatSync } from 'node:fs';
import path from 'node:path';
import { type PackageFormat, createPackage, formatBytes, resolveIdentity } from '@octojs/core';
import {
  ADAPTER_PACK_OPTIONS,
  type OptionSchema,
  checkOptions,
  checkSelectionOptions,
  createPathFilter,
  secretWarning,
} from '@octojs/core/internal';
import { toGruntError } from './grunt-error.js';
import { taskOptions } from './task-options.js';

export interface PackTaskOptions {
  /** The package id. Default: `name` in the Gruntfile's package.json (`@scope/name` becomes `scope.name`). */
  id?: string;
  /** The package version. Default: `version` in that package.json. */
  version?: string;
  /** The package.json to take id and version from. Default: `package.json` beside the Gruntfile. */
  packageJson?: string;
  /** `zip` (default), `tar.gz`, `tgz` or `tar`; `targz` as in the original. */
  format?: PackageFormat | 'targz';
  /** The original's name for `format`. */
  type?: PackageFormat | 'targz';
  /** The folder the package is written to, created if missing. Default: `.` (the Gruntfile's folder). */
  outFolder?: string;
  /** The original's name for `outFolder`. */
  dst?: string;
  /** 0 (store) to 9. Default: 6. */
  compressionLevel?: number;
  /** One time for every entry, for reproducible packages. Default: SOURCE_DATE_EPOCH if set, else each file's own. */
  mtime?: Date | number | string;
  /** Replace a package file of the same name. Default: false (an error). */
  overwrite?: boolean;
  /** Pack what links pointing outside the package lead to, instead of refusing them. Default: false. */
  followExternalSymlinks?: boolean;
  /** Ignore files to honour in the Gruntfile's folder and below besides `.octopusignore` (always read), e.g. `['.gitignore']`. */
  ignoreFiles?: string[];
  /** Keep only what `npm publish` would (package.json `files` with npm's own rules). Default: false. */
  useNpmFiles?: boolean;
}

const OPTIONS: OptionSchema = {
  ...ADAPTER_PACK_OPTIONS,
  outFolder: { type: 'string', nonEmpty: true },
  dst: { type: 'string', nonEmpty: true },
  overwrite: { type: 'boolean' },
};

/** Entry names use `/`, whatever the platform grunt runs on. */
const toEntryName = (name: string): string => (path.sep === '/' ? name : name.split(path.sep).join('/'));

interface PlannedEntry {
  file: string;
  name: string;
}

/**
 * Where each matched path goes in the package. With `expand`, grunt has already worked out the
 * cwd-relative name as `dest`; without it, `src` is relative to `cwd` (if any) and `dest` is a
 * folder inside the package, as in grunt-contrib-compress.
 */
export function planEntries(files: grunt.file.IFilesConfig[]): PlannedEntry[] {
  const planned: PlannedEntry[] = [];
  for (const mapping of files) {
    const orig = (mapping as { orig?: { expand?: boolean; cwd?: string } }).orig ?? {};
    for (const source of mapping.src ?? []) {
      if (orig.expand) planned.push({ file: source, name: toEntryName(mapping.dest ?? source) });
      else
        planned.push({
          file: orig.cwd ? path.join(orig.cwd, source) : source,
          name: toEntryName(mapping.dest ? path.join(mapping.dest, source) : source),
        });
    }
  }
  return planned.filter((entry) => !['', '.', './'].includes(entry.name));
}

function isDirectory(file: string): boolean {
  return lstatSync(file).isDirectory();
}

function exists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

export async function packTask(grunt: IGrunt, task: grunt.task.IMultiTask<unknown>): Promise<void> {
  try {
    const options = taskOptions<PackTaskOptions>(grunt, task);
    checkOptions(`octo-pack:${task.target}`, options, OPTIONS);
    checkSelectionOptions(`octo-pack:${task.target}`, { ignoreFiles: options.ignoreFiles, useNpmFiles: options.useNpmFiles });
    const planned = planEntries(task.files).filter((entry) => {
      if (exists(entry.file)) return true;
      grunt.log.warn(`Source file "${entry.file}" not found.`);
      return false;
    });
    if (planned.length === 0) {
      grunt.log.warn(`octo-pack:${task.target}: no files matched, so no package was made.`);
      return;
    }
    const identity = await resolveIdentity({
      basePath: process.cwd(),
      packageJson: path.resolve(options.packageJson ?? 'package.json'),
      ...(options.id !== undefined && { id: options.id }),
      ...(options.version !== undefined && { version: options.version }),
    });
    const builder = createPackage({
      ...identity,
      ...((options.format ?? options.type) !== undefined && { format: options.format ?? options.type }),
      ...(options.compressionLevel !== undefined && { compressionLevel: options.compressionLevel }),
      ...(options.mtime !== undefined && { mtime: options.mtime }),
      onWarning: (message) => grunt.log.warn(message),
    });
    // .octopusignore (and ignoreFiles, useNpmFiles) and the default rules, as pack() applies them.
    const filter = await createPathFilter({
      basePath: process.cwd(),
      packageId: identity.id,
      packageJson: path.resolve(options.packageJson ?? 'package.json'),
      ...(options.ignoreFiles && { ignoreFiles: options.ignoreFiles }),
      ...(options.useNpmFiles !== undefined && { useNpmFiles: options.useNpmFiles }),
    });
    const outFolder = path.resolve(options.outFolder ?? options.dst ?? '.');
    const destination = path.join(outFolder, builder.name);
    for (const entry of planned) {
      if (path.resolve(entry.file) === destination) continue; // never pack the package into itself
      const verdict = filter(entry.file, isDirectory(entry.file));
      if (verdict.excluded !== undefined) {
        grunt.log.verbose.writeln(`  ${entry.name} left out: ${verdict.excluded}`);
        continue;
      }
      if (verdict.secret !== undefined) grunt.log.warn(secretWarning(entry.name.split(path.sep).join('/'), verdict.secret, true));
      grunt.log.verbose.writeln(`  ${entry.name} <- ${entry.file}`);
      builder.addPath(entry.file, entry.name, { followExternalSymlinks: options.followExternalSymlinks ?? false });
    }
    const result = await builder.toFile(outFolder, { overwrite: options.overwrite ?? false });
    grunt.log.ok(
      `Packed ${path.relative(process.cwd(), result.file) || result.fileName}: ${result.entries} entries, ${formatBytes(result.size)}`,
    );
    grunt.log.verbose.writeln(`SHA-1 ${result.sha1}`);
  } catch (error) {
    throw toGruntError(error);
  }
}
