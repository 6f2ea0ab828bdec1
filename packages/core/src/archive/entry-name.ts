import { OctoError } from '../errors.js';

/**
 * The longest entry name, in UTF-8 bytes: Linux's PATH_MAX (tar and zip allow more, but no
 * extractor can create a longer path on Linux).
 */
export const MAX_NAME_BYTES = 4096;
/** The longest file or folder name in an entry name: 255 bytes (Linux NAME_MAX; Windows allows 255 UTF-16 units, never fewer). */
export const MAX_COMPONENT_BYTES = 255;

/**
 * Why `name` cannot be an entry name, or undefined when it can. An entry name is a relative,
 * `/`-separated path whose every component is a real name: extractors join it to their folder,
 * so `..`, a leading `/`, a drive letter or a backslash (a separator on Windows) could write
 * elsewhere, and a NUL ends the name early in C-based tools.
 */
export function entryNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_NAME_BYTES) return `it is ${bytes} bytes long (the limit is ${MAX_NAME_BYTES} bytes of UTF-8)`;
  if (name.includes('\0')) return 'it contains a NUL character';
  if (name.includes('\\')) return 'it contains a backslash, which Windows reads as a folder separator';
  if (name.startsWith('/')) return 'it starts with "/" (an absolute path)';
  if (/^[A-Za-z]:/.test(name)) return 'it starts with a drive letter';
  for (const component of name.split('/')) {
    if (component === '') return 'it has an empty component ("//")';
    if (component === '.' || component === '..') return `it has a "${component}" component`;
    const length = Buffer.byteLength(component, 'utf8');
    if (length > MAX_COMPONENT_BYTES) {
      return `a component is ${length} bytes long (the limit is ${MAX_COMPONENT_BYTES} bytes of UTF-8 per file or folder name)`;
    }
  }
  return undefined;
}

/** Throws ERR_OCTO_INVALID_ENTRY unless `name` is a safe entry name (see entryNameProblem). */
export function assertEntryName(name: string, file?: string): void {
  const problem = entryNameProblem(name);
  if (problem === undefined) return;
  // A name too long to be one is shown cut short: the message must stay readable.
  const shown = name.length > 120 ? `${JSON.stringify(name.slice(0, 60))}…` : JSON.stringify(name);
  throw new OctoError('ERR_OCTO_INVALID_ENTRY', `${shown} cannot be an entry name in a package: ${problem}.`, {
    hint:
      file === undefined
        ? 'Entry names are relative paths inside the package that use "/", such as "dist/app.js": no leading "/", drive letter, backslash, "." or ".." component, at most 4096 bytes, each file or folder name at most 255.'
        : 'Rename the file, or leave it out with an exclude pattern.',
    ...(file !== undefined && { path: file }),
  });
}
