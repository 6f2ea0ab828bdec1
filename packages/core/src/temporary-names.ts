import { randomBytes } from 'node:crypto';
import path from 'node:path';

/**
 * The names of what octojs leaves on disk while it works, in one place, so that the writers and the
 * default rule that keeps them out of packages cannot drift apart.
 */

/** A builder's or tar writer's spool folder: `mkdtemp` adds 6 characters. */
export const SPOOL_FOLDER_PREFIX = 'octojs-spool-';
/** gulp-octo's temporary package folder (`mkdtemp`, 6 characters). */
export const GULP_FOLDER_PREFIX = 'gulp-octo-';
/** A push's retry copy of a stream: the prefix and 12 hex digits. */
export const PUSH_FOLDER_PREFIX = 'octojs-push-';

/** A new name for a push's spool folder. */
export function pushFolderName(): string {
  return `${PUSH_FOLDER_PREFIX}${randomBytes(6).toString('hex')}`;
}

const TEMPORARY_FOLDER = /^(?:(?:octojs-spool-|gulp-octo-)[A-Za-z0-9]{6}|octojs-push-[0-9a-f]{12})$/;

/** Whether a folder's name is one of the above. */
export function isTemporaryFolderName(baseName: string): boolean {
  return TEMPORARY_FOLDER.test(baseName);
}

/** The tag between the package's name and `.partial`: `<pid>-<hex>`, or older versions' `<12 hex>`. */
export const PARTIAL_TAG = /^(?:(\d+)-[0-9a-f]+|[0-9a-f]{12})$/;

/** A package is written as `.<file name>.<pid>-<random>.partial` beside its final name. */
export function partialFileName(destination: string, random: string = randomBytes(6).toString('hex')): string {
  return `.${path.basename(destination)}.${process.pid}-${random}.partial`;
}

/** Whether a file's name is a `.partial` package the archive writer was writing (of any package). */
export function isPartialFileName(baseName: string): boolean {
  const match = /^\..+\.([^.]+)\.partial$/.exec(baseName);
  return match !== null && PARTIAL_TAG.test(match[1]!);
}
