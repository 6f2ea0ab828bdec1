import { stat } from 'node:fs/promises';
import path from 'node:path';

async function kind(file: string): Promise<'file' | 'directory' | undefined> {
  try {
    const stats = await stat(file);
    return stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The package.json that governs `folder`: the first one in it or above it, as Node and npm look,
 * but never above the repository (the folder holding `.git`) or the filesystem root, so that a
 * build folder finds its project's package.json and never a stranger's higher up.
 */
export async function findProjectPackageJson(folder: string): Promise<string | undefined> {
  for (let current = path.resolve(folder); ; current = path.dirname(current)) {
    const candidate = path.join(current, 'package.json');
    if ((await kind(candidate)) === 'file') return candidate;
    if ((await kind(path.join(current, '.git'))) !== undefined) return undefined; // the repository's root: go no higher
    if (path.dirname(current) === current) return undefined;
  }
}
