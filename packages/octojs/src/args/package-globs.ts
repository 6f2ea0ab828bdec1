import { readdir } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { localPath, slashGlob } from './values.js';

/** One pattern's expansion: the files it names, or (a glob that matched nothing) none. */
export interface Expansion {
  pattern: string;
  isGlob: boolean;
  /** Files it named before those already named by an earlier pattern were dropped. */
  matched: number;
  files: string[];
}

/**
 * Expands package paths and globs (with `**`) against `cwd`, each file once, in the order given
 * (a glob's matches sorted). A plain path is taken as it is (a missing file is found out later, with
 * the other checks). Backslashes mean `/` (see localPath and slashGlob).
 */
export async function expandPackageGlobs(patterns: readonly string[], cwd: string): Promise<Expansion[]> {
  const seen = new Set<string>();
  const fresh = (file: string): boolean => (seen.has(file) ? false : (seen.add(file), true));
  const expansions: Expansion[] = [];
  for (const pattern of patterns) {
    const { isGlob, base, glob } = picomatch.scan(slashGlob(pattern));
    if (!isGlob) {
      expansions.push({ pattern, isGlob: false, matched: 1, files: [localPath(cwd, pattern)].filter(fresh) });
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
    expansions.push({ pattern, isGlob: true, matched: found.length, files: found.sort().filter(fresh) });
  }
  return expansions;
}
