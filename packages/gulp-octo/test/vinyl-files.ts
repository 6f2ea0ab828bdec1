import type { Stats } from 'node:fs';
import type { Transform } from 'node:stream';
import Vinyl from 'vinyl';

/** A stat as fs would give it, enough for vinyl's isDirectory() and isSymbolic(). */
export function fakeStat(kind: 'file' | 'directory' | 'symlink', mode: number, mtime: Date): Stats {
  return {
    mode,
    mtime,
    isFile: () => kind === 'file',
    isDirectory: () => kind === 'directory',
    isSymbolicLink: () => kind === 'symlink',
  } as Stats;
}

export function vinyl(base: string, relative: string, contents: Vinyl['contents'], stat?: Stats, symlink?: string): Vinyl {
  const file = new Vinyl({ cwd: base, base, path: `${base}/${relative}`, contents, ...(stat && { stat }) });
  if (symlink !== undefined) file.symlink = symlink;
  return file;
}

/** Writes files into a plugin stream and collects what comes out, as gulp would. */
export async function run(stream: Transform, files: Vinyl[]): Promise<Vinyl[]> {
  const output = stream.toArray() as Promise<Vinyl[]>;
  for (const file of files) stream.write(file);
  stream.end();
  return output;
}
