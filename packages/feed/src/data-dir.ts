import os from 'node:os';
import path from 'node:path';

/**
 * The folder the `octojs-feed` command keeps packages in when `--data` is not given: a per-user data folder,
 * outside any project. A folder inside the project (the old `./feed-data`) was packed and published with the
 * project by the next `npm publish` or `octojs pack`.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.OCTOJS_FEED_DATA) return path.resolve(env.OCTOJS_FEED_DATA);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'octojs-feed');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'octojs-feed');
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'octojs-feed');
}

/** Whether `folder` lies inside `cwd` (where a pack or publish would pick it up). */
export function isInside(folder: string, cwd: string): boolean {
  const relative = path.relative(path.resolve(cwd), path.resolve(folder));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
