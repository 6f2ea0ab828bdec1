import { existsSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { SUPPORTED_EXTENSIONS } from '../format.js';
import { validateVersion } from '../identity.js';
import { isPartialFileName, isTemporaryFolderName } from '../temporary-names.js';

/**
 * What is never packed unless an `include` glob names it: things octojs itself leaves around
 * (earlier packages of the same id, `.partial` files, spool folders), its config files and the ignore files.
 */
export interface DefaultRules {
  /** Why the path stays out by default, or undefined. */
  reasonToSkip(absolute: string, isDirectory: boolean): string | undefined;
}

/** octojs's config files (`.octojsrc.json` and the like): settings of the tool, often with the API key. */
const CONFIG_FILE = /^\.octojsrc(?:\..+)?$/i;

function isVersion(text: string): boolean {
  try {
    validateVersion(text);
    return true;
  } catch {
    return false;
  }
}

/** Whether `baseName` is `<id>.<version>.<ext>` for this id (any version, any extension Octopus takes). */
export function isPackageOf(id: string, baseName: string): boolean {
  const lower = baseName.toLowerCase();
  const prefix = `${id.toLowerCase()}.`;
  if (!lower.startsWith(prefix)) return false;
  const extension = SUPPORTED_EXTENSIONS.find((candidate) => lower.endsWith(candidate.toLowerCase()));
  if (extension === undefined) return false;
  const version = baseName.slice(prefix.length, baseName.length - extension.length);
  return version !== '' && isVersion(version);
}

/** @octojs/feed's data folder: the packages it stores, one folder per space, and uploads on their way in. */
function isFeedData(folder: string): boolean {
  return existsSync(path.join(folder, 'spaces')) && existsSync(path.join(folder, 'uploads'));
}

export function defaultRules(packageId: string | undefined, ignoreFileNames: readonly string[]): DefaultRules {
  const ignoreFiles = new Set(ignoreFileNames);
  return {
    reasonToSkip(absolute, isDirectory) {
      const baseName = path.basename(absolute);
      if (isDirectory) {
        if (isTemporaryFolderName(baseName)) return 'default rule: a temporary folder octojs leaves while it works';
        if (isFeedData(absolute)) return "default rule: a local feed's data folder (@octojs/feed keeps `spaces/` and `uploads/` in it)";
        return undefined;
      }
      if (packageId !== undefined && isPackageOf(packageId, baseName))
        return `default rule: an Octopus package of the same id (${packageId}), e.g. an earlier build`;
      if (isPartialFileName(baseName)) return 'default rule: a leftover `.partial` file of an interrupted pack';
      if (CONFIG_FILE.test(baseName))
        return "default rule: an octojs config file (the tool's settings, often its API key; not part of the app)";
      if (ignoreFiles.has(baseName)) return 'default rule: an ignore file (it tells what to pack; it is not part of the app)';
      return undefined;
    },
  };
}

/** A glob whose last segment is only `*` or `**` takes what is there; any other names what it wants. */
function namesFiles(glob: string): boolean {
  const last = glob.replace(/\/+$/, '').split('/').pop() ?? '';
  return last !== '*' && last !== '**';
}

/**
 * The include globs as matchers, each with whether it names files explicitly (`.env.production`,
 * `releases/*.zip`) rather than taking a whole folder (`**`, `dist/**`, `dist/*`). A default rule
 * and a secret warning give way only to an explicit include.
 */
export function includeMatchers(globs: readonly string[]): { glob: string; test: (name: string) => boolean; explicit: boolean }[] {
  return globs.map((glob) => ({ glob, test: picomatch(glob, { dot: true }), explicit: namesFiles(glob) }));
}
