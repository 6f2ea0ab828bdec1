import { OctoError } from '../errors.js';

/**
 * Why `name` cannot be an entry name, or undefined when it can. An entry name is a relative,
 * `/`-separated path whose every component is a real name: extractors join it to their folder,
 * so `..`, a leading `/`, a drive letter or a backslash (a separator on Windows) could write
 * elsewhere, and a NUL ends the name early in C-based tools.
 */
export function entryNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name.includes('\0')) return 'it contains a NUL character';
  if (name.includes('\\')) return 'it contains a backslash, which Windows reads as a folder separator';
  if (name.startsWith('/')) return 'it starts with "/" (an absolute path)';
  if (/^[A-Za-z]:/.test(name)) return 'it starts with a drive letter';
  for (const component of name.split('/')) {
    if (component === '') return 'it has an empty component ("//")';
    if (component === '.' || component === '..') return `it has a "${component}" component`;
  }
  return undefined;
}

/** Throws ERR_OCTO_INVALID_ENTRY unless `name` is a safe entry name (see entryNameProblem). */
export function assertEntryName(name: string, file?: string): void {
  const problem = entryNameProblem(name);
  if (problem === undefined) return;
  throw new OctoError('ERR_OCTO_INVALID_ENTRY', `${JSON.stringify(name)} cannot be an entry name in a package: ${problem}.`, {
    hint:
      file === undefined
        ? 'Entry names are relative paths inside the package that use "/", such as "dist/app.js": no leading "/", drive letter, backslash, "." or ".." component.'
        : 'Rename the file, or leave it out with an exclude pattern.',
    ...(file !== undefined && { path: file }),
  });
}
