import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A fresh temporary folder per test, removed after it. `parent` puts it somewhere else than the
 * system's temporary folder: inside the repository, a gulpfile or Gruntfile there finds the
 * installed gulp, grunt and plugins as it would in a user's project.
 */
export function useTempDir(prefix = 'octojs-test-', parent = os.tmpdir()): { readonly path: string } {
  const holder = { path: '' };
  beforeEach(() => {
    mkdirSync(parent, { recursive: true });
    holder.path = mkdtempSync(path.join(parent, prefix));
  });
  afterEach(() => {
    rmSync(holder.path, { recursive: true, force: true });
  });
  return holder;
}
