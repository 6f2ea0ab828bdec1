import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { OctoError } from '@octojs/core';

/** Expands package paths and globs (with `**`) against `cwd`, each file once, in order. */
export async function expandPackageGlobs(patterns: string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  const seen = new Set<string>();
  const add = (file: string): void => {
    if (!seen.has(file)) {
      seen.add(file);
      files.push(file);
    }
  };
  for (const pattern of patterns) {
    const { isGlob, base, glob } = picomatch.scan(pattern.replace(/\\/g, '/'));
    if (!isGlob) {
      add(path.resolve(cwd, pattern));
      continue;
    }
    const root = path.resolve(cwd, base || '.');
    const matches = picomatch(glob, { dot: false });
    const found: string[] = [];
    const walk = async (folder: string, relative: string): Promise<void> => {
      let children;
      try {
        children = await readdir(folder, { withFileTypes: true });
      } catch {
        return;
      }
      for (const child of children) {
        if (child.name === 'node_modules' || child.name === '.git') continue;
        const rel = relative ? `${relative}/${child.name}` : child.name;
        if (child.isDirectory()) await walk(path.join(folder, child.name), rel);
        else if (matches(rel)) found.push(path.join(folder, child.name));
      }
    };
    await walk(root, '');
    if (found.length === 0) {
      throw new OctoError('ERR_OCTO_PACKAGE_NOT_FOUND', `No package file matched ${pattern}.`, {
        hint: 'Check the glob and the current folder; quote globs so the shell leaves them to octojs.',
      });
    }
    found.sort().forEach(add);
  }
  await Promise.all(files.map(async (file) => stat(file).catch(() => undefined)));
  return files;
}
