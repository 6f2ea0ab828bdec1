import { readFile, open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Transform } from 'node:stream';
import {
  OctoError,
  type PackageBuilder,
  type PackageFormat,
  createPackage,
  findPackageJson,
  formatBytes,
  isOctoError,
  normalizeCompressionLevel,
  normalizeFormat,
  resolveIdentity,
  resolveMtime,
  validateId,
  validateIdentity,
  validateVersion,
} from '@octojs/core';
import {
  GULP_FOLDER_PREFIX,
  ADAPTER_PACK_OPTIONS,
  type OptionSchema,
  type PathVerdict,
  checkOptions,
  checkSelectionOptions,
  createPathFilter,
  secretWarning,
  makeTemporaryFolder,
} from '@octojs/core/internal';
import log from 'fancy-log';
import { objectTransform } from 'through2';
import Vinyl from 'vinyl';
import { forwardErrors } from './forward-errors.js';
import { toPluginError } from './plugin-error.js';
import { assertContentsIntact } from './vinyl-contents.js';

export interface PackOptions {
  /** The package id. Default: `name` of the nearest package.json above the files' base (`@scope/name` becomes `scope.name`). */
  id?: string;
  /** The package version. Default: `version` of that package.json. */
  version?: string;
  /** The package.json to take id and version from, relative to the files' cwd. Default: the nearest one above their base. */
  packageJson?: string;
  /** `zip` (default), `tar.gz`, `tgz` or `tar`; `targz` as in the original. */
  format?: PackageFormat | 'targz';
  /** The original's name for `format`. */
  type?: PackageFormat | 'targz';
  /** 0 (store) to 9. Default: 6. */
  compressionLevel?: number;
  /** One time for every entry, for reproducible packages. Default: SOURCE_DATE_EPOCH if set, else each file's own. */
  mtime?: Date | number | string;
  /** Emit the package with Buffer contents (true) or stream contents (false, for big builds). Default: true. */
  buffer?: boolean;
  /** Bytes of buffered files held before they are spooled to a temporary file. Default: 64 MiB. */
  memoryLimit?: number;
  /** Ignore files to honour in the files' base and its folders besides `.octopusignore` (always read), e.g. `['.gitignore']`. */
  ignoreFiles?: string[];
  /** Keep only what `npm publish` would (package.json `files` with npm's own rules). Default: false. */
  useNpmFiles?: boolean;
  /**
   * For links that come in as links (`gulp.src(…, { resolveSymlinks: false })`) and point outside
   * the package: pack what they point to instead of refusing them. Default: false.
   */
  followExternalSymlinks?: boolean;
}

const OPTIONS: OptionSchema = {
  ...ADAPTER_PACK_OPTIONS,
  buffer: { type: 'boolean' },
  memoryLimit: { type: 'number', min: 0 },
};

/** The options, from either the original `pack(type, options)` form or `pack(options)`. */
function optionsOf(typeOrOptions: unknown, maybeOptions: unknown): PackOptions {
  if (typeof typeOrOptions === 'string') {
    checkOptions('pack()', maybeOptions, OPTIONS);
    return { ...(maybeOptions as PackOptions), format: typeOrOptions as PackageFormat };
  }
  if (typeOrOptions !== undefined && (typeOrOptions === null || typeof typeOrOptions !== 'object' || Array.isArray(typeOrOptions))) {
    throw new OctoError('ERR_OCTO_INVALID_OPTION', `pack() takes a format or an options object, not ${String(typeOrOptions)}.`, {
      hint: "Call pack(), pack('tar.gz') or pack({ id, version, format, … }).",
    });
  }
  checkOptions('pack()', typeOrOptions, OPTIONS);
  return { ...(typeOrOptions as PackOptions | undefined) };
}

/**
 * Consumes every vinyl file and emits one package `<id>.<version>.<ext>`. Options are checked
 * here, when the stream is made; everything later is reported as a PluginError on the stream.
 */
export function pack(typeOrOptions?: string | PackOptions, maybeOptions?: PackOptions): Transform {
  let options: PackOptions;
  let format: PackageFormat;
  let compressionLevel: number;
  let fixedMtime: Date | undefined;
  try {
    options = optionsOf(typeOrOptions, maybeOptions);
    format = normalizeFormat(options.format ?? options.type);
    compressionLevel = normalizeCompressionLevel(options.compressionLevel);
    fixedMtime = resolveMtime(options.mtime);
    checkSelectionOptions('pack()', { ignoreFiles: options.ignoreFiles, useNpmFiles: options.useNpmFiles });
    if (options.id !== undefined && options.version !== undefined) validateIdentity({ id: options.id, version: options.version }, format);
    else if (options.id !== undefined) validateId(options.id);
    else if (options.version !== undefined) validateVersion(options.version);
  } catch (error) {
    throw toPluginError(error);
  }

  let builder: PackageBuilder | undefined;
  let first: Vinyl | undefined;
  let count = 0;
  let leftOut = 0;
  let filter: ((file: string, isDirectory: boolean) => PathVerdict) | undefined;

  const start = async (file: Vinyl): Promise<PackageBuilder> => {
    let { id, version } = options;
    let packageJson: string | undefined;
    if (id === undefined || version === undefined) {
      packageJson = options.packageJson ? path.resolve(file.cwd, options.packageJson) : await findPackageJson(file.base);
      if (packageJson === undefined) {
        throw new OctoError(
          'ERR_OCTO_PACKAGE_JSON_MISSING',
          `No package.json in ${file.base} or above it to take the package id and version from.`,
          {
            hint: 'Give the id and version options, or point packageJson at the package.json to use.',
          },
        );
      }
      ({ id, version } = await resolveIdentity({ basePath: file.base, packageJson, ...(id && { id }), ...(version && { version }) }));
    }
    // .octopusignore (and ignoreFiles, useNpmFiles) and the default rules, as pack() applies them.
    filter = await createPathFilter({
      basePath: file.base,
      packageId: id,
      ...(packageJson !== undefined && { packageJson }),
      ...(options.ignoreFiles && { ignoreFiles: options.ignoreFiles }),
      ...(options.useNpmFiles !== undefined && { useNpmFiles: options.useNpmFiles }),
    });
    return createPackage({
      id,
      version,
      format,
      compressionLevel,
      ...(options.memoryLimit !== undefined && { memoryLimit: options.memoryLimit }),
      onWarning: (message) => log.warn(`gulp-octo: ${message}`),
    });
  };

  const add = async (file: Vinyl): Promise<void> => {
    if (file.relative === '' || file.relative === '.') return; // the base folder itself
    builder ??= await start(file);
    const verdict = filter!(file.path, file.isDirectory());
    if (verdict.excluded !== undefined) {
      leftOut++;
      return;
    }
    if (verdict.secret !== undefined)
      log.warn(`gulp-octo: ${secretWarning(file.relative.split(path.sep).join('/'), verdict.secret, true)}`);
    first ??= file;
    const entry = {
      ...(file.stat?.mode !== undefined && { mode: file.stat.mode & 0o7777 }),
      ...((fixedMtime ?? file.stat?.mtime) && { mtime: fixedMtime ?? file.stat!.mtime }),
    };
    // Entry names use `/` whatever the platform; a backslash left on POSIX is a real (refused) character.
    const name = path.sep === '/' ? file.relative : file.relative.split(path.sep).join('/');
    if (file.isDirectory()) builder.addEmptyDirectory(name, entry);
    else if (file.isSymbolic()) {
      if (options.followExternalSymlinks) {
        // As the link is on disk: kept as a link if it stays inside, else what it points to is packed.
        builder.addPath(file.path, name, { ...entry, followExternalSymlinks: true });
      } else {
        try {
          builder.addSymlink(name, file.symlink!, entry);
        } catch (error) {
          throw isOctoError(error) && error.code === 'ERR_OCTO_SYMLINK_OUTSIDE' ? followHint(error, file) : error;
        }
      }
    } else if (file.isBuffer()) {
      await assertContentsIntact(file);
      builder.addBuffer(name, file.contents, entry);
      await builder.drained(); // back-pressure: take the next file once this one is off the heap
    } else if (file.isStream()) builder.addStream(name, file.contents as Readable, entry);
    else builder.addFile(file.path, name, entry); // read: false: the file is read from disk when written
    count++;
  };

  const finish = async (): Promise<Vinyl | undefined> => {
    if (!builder || !first) {
      log('gulp-octo: no files came in, so no package was made.');
      return undefined;
    }
    const { folder, untrack } = await makeTemporaryFolder(GULP_FOLDER_PREFIX); // a Ctrl-C while the package is written leaves no copy
    try {
      // Written whole to a temporary file first: a failure is reported here, never halfway through a stream.
      const result = await builder.toFile(folder);
      let contents: Buffer | NodeJS.ReadableStream;
      const stats = await stat(result.file);
      if (options.buffer === false) {
        const handle = await open(result.file);
        contents = handle.createReadStream({ highWaterMark: 1024 * 1024 }); // readable after the file is removed
      } else {
        contents = await readFile(result.file);
      }
      const output = new Vinyl({ cwd: first.cwd, base: first.base, path: path.join(first.base, result.fileName), contents, stat: stats });
      const rules = leftOut > 0 ? `; ${leftOut} left out by .octopusignore and the default rules` : '';
      log(
        `gulp-octo: packed '${result.fileName}' with ${count} ${count === 1 ? 'entry' : 'entries'} (${formatBytes(result.size)})${rules}`,
      );
      return output;
    } finally {
      await rm(folder, { recursive: true, force: true });
      untrack();
    }
  };

  // Errors go to through2's callbacks, and on to the stages after this one (gulp watches only the last).
  const stage = objectTransform(
    async (file: Vinyl) => {
      await add(file).catch(async (error: unknown) => {
        await builder?.discard(); // the run stops here: leave no spooled copy of the build behind
        throw toPluginError(error, file.path);
      });
    },
    async () => finish().catch((error: unknown) => Promise.reject(toPluginError(error))),
  ) as unknown as Transform;
  return forwardErrors(stage);
}

/** The builder cannot follow a link given by its target alone; this plugin can, from the file on disk. */
function followHint(error: OctoError, file: Vinyl): OctoError {
  return new OctoError(error.code, error.message, {
    hint: 'Set `followExternalSymlinks: true` in the pack() options to pack what it points to, use a link that stays inside, or leave it out.',
    path: file.path,
    cause: error,
  });
}
