import { readFile } from 'node:fs/promises';
import { OctoError } from '@octojs/core';
import type Vinyl from 'vinyl';

/**
 * Refuses a buffered file that gulp read as text: gulp 5's `src()` decodes files as UTF-8 unless
 * given `encoding: false`, which replaces every invalid byte of a binary (an image, a font) with
 * U+FFFD, so its contents no longer match its size on disk. Packing it would ship a corrupt file.
 * A plugin that changed the contents on purpose (a minifier) is told apart by reading the file:
 * only a binary that decoding changed is refused.
 */
export async function assertContentsIntact(file: Vinyl): Promise<void> {
  const size = (file.stat as { size?: unknown } | null | undefined)?.size;
  const contents = file.contents as Buffer;
  if (typeof size !== 'number' || contents.byteLength === size || !file.stat?.isFile?.()) return;
  let original: Buffer;
  try {
    original = await readFile(file.path);
  } catch {
    return; // not on disk (made by a plugin): nothing to compare with
  }
  if (original.byteLength !== size) return; // the file changed since gulp read it
  const decoded = Buffer.from(original.toString('utf8').replace(/^\uFEFF/, ''));
  const lossy = !Buffer.from(original.toString('utf8')).equals(original);
  if (lossy && decoded.equals(contents)) {
    throw new OctoError(
      'ERR_OCTO_UNREADABLE_FILE',
      `${file.relative} was read as UTF-8 text, which changed its bytes (${size} on disk, ${contents.byteLength} in the stream): packing it would ship a corrupt file.`,
      {
        hint: 'gulp 5 decodes files as text by default: read binaries with gulp.src(globs, { encoding: false }) (gulp 4 had no such option and read bytes as they are).',
        path: file.path,
      },
    );
  }
}
