import { OctoError } from '../errors.js';
import { type OptionRule, type OptionSchema, checkOptions, describe } from './check-options.js';

/** The option schemas of pack(), planPackage() and the package builder, checked before any work starts. */

const STRING: OptionRule = { type: 'string' };
const PATH: OptionRule = { type: 'string', nonEmpty: true };
const STRINGS: OptionRule = { type: 'strings' };
/** Globs: picomatch refuses an empty one, and it would name nothing anyway (an unset variable, typically). */
const GLOBS: OptionRule = { type: 'strings', nonEmpty: true };
const BOOLEAN: OptionRule = { type: 'boolean' };
const FUNCTION: OptionRule = { type: 'function' };
const FORMAT: OptionRule = { type: 'string', nonEmpty: true }; // normalizeFormat names the formats
const COMPRESSION_LEVEL: OptionRule = { type: 'number', integer: true, min: 0, max: 9 };
const MTIME: readonly OptionRule[] = [{ type: 'date' }, { type: 'number' }, { type: 'string', nonEmpty: true }];
const MODE: OptionRule = { type: 'number', integer: true, min: 0, max: 0o7777 };

export const PACK_OPTIONS: OptionSchema = {
  basePath: PATH,
  packageJson: PATH,
  id: STRING,
  version: STRING,
  format: FORMAT,
  outFolder: PATH,
  include: GLOBS,
  exclude: GLOBS,
  dependencies: { type: 'string', oneOf: ['all', 'prod', 'none'] },
  compressionLevel: COMPRESSION_LEVEL,
  mtime: MTIME,
  overwrite: BOOLEAN,
  followExternalSymlinks: BOOLEAN,
  onEntry: FUNCTION,
  onWarning: FUNCTION,
  // Issue 13 (file selection): extra ignore files, and package.json `files`.
  ignoreFiles: STRINGS,
  useNpmFiles: BOOLEAN,
};

export const BUILDER_OPTIONS: OptionSchema = {
  id: STRING,
  version: STRING,
  format: FORMAT,
  compressionLevel: COMPRESSION_LEVEL,
  mtime: MTIME,
  memoryLimit: { type: 'number', min: 0 },
  onWarning: FUNCTION,
};

export const ENTRY_OPTIONS: OptionSchema = { mode: MODE, mtime: { type: 'date' } };
export const STREAM_ENTRY_OPTIONS: OptionSchema = { ...ENTRY_OPTIONS, size: { type: 'number', integer: true, min: 0 } };
export const PATH_ENTRY_OPTIONS: OptionSchema = { ...ENTRY_OPTIONS, followExternalSymlinks: BOOLEAN };
export const DIRECTORY_OPTIONS: OptionSchema = { prefix: STRING, include: GLOBS, exclude: GLOBS };
export const TO_FILE_OPTIONS: OptionSchema = { overwrite: BOOLEAN };

/** A positional argument that must be a string (a file path or an entry name). */
export function assertStringArgument(operation: string, what: string, value: unknown, optional = false): void {
  if (optional && value === undefined) return;
  if (typeof value === 'string' && value !== '') return;
  throw new OctoError('ERR_OCTO_INVALID_OPTION', `${operation} takes ${what} as a non-empty string, not ${describe(value)}.`, {
    hint: `Give ${what} as a string${optional ? ', or leave it out' : ''}.`,
  });
}

export { checkOptions };

/** What gulp-octo's pack() and grunt-octo's octo-pack both take, in their original plugins' names too (`type`). */
export const ADAPTER_PACK_OPTIONS: OptionSchema = {
  id: STRING,
  version: STRING,
  packageJson: PATH,
  format: FORMAT,
  type: FORMAT,
  compressionLevel: COMPRESSION_LEVEL,
  mtime: MTIME,
  followExternalSymlinks: BOOLEAN,
  ignoreFiles: STRINGS,
  useNpmFiles: BOOLEAN,
};
