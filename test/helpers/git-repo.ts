import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Git with a fixed identity and dates, no user or system config: the same history on every machine. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args],
    {
      cwd,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: cwd,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
        GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
      },
      timeout: 15_000,
    },
  );
}

/** A commit touching one file; resolves with its SHA. */
export function commit(cwd: string, message: string, file = 'file.txt'): string {
  writeFileSync(path.join(cwd, file), `${message}\n${Math.random()}\n`);
  git(cwd, 'add', file);
  git(cwd, 'commit', '-q', '-m', message);
  return git(cwd, 'rev-parse', 'HEAD').trim();
}

export interface Fixture {
  dir: string;
  /** SHAs by name, oldest first: initial, tagged (v1.0.0), feature, fix, merge, last. */
  sha: Record<'initial' | 'tagged' | 'feature' | 'fix' | 'merge' | 'last', string>;
}

/**
 * A repository with a release tag, a feature branch merged back after the tag, and commit messages
 * with several lines; `origin` carries credentials, as a CI checkout's often does.
 */
export function makeRepository(dir: string, remote = 'https://ci-user:s3cr3t-t0ken@git.example.com/acme/web.git'): Fixture {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'remote', 'add', 'origin', remote);
  const initial = commit(dir, 'Initial commit');
  const tagged = commit(dir, 'Release 1.0.0');
  git(dir, 'tag', '-a', 'v1.0.0', '-m', 'v1.0.0');
  git(dir, 'checkout', '-q', '-b', 'feature/login');
  const feature = commit(dir, 'Add login page\n\nA longer body that must not be sent.', 'login.txt');
  git(dir, 'checkout', '-q', 'main');
  const fix = commit(dir, 'Fix typo (#12)');
  git(dir, 'merge', '-q', '--no-ff', '-m', "Merge branch 'feature/login'\n\nDetails.", 'feature/login');
  const merge = git(dir, 'rev-parse', 'HEAD').trim();
  const last = commit(dir, 'Update readme', 'README.md');
  return { dir, sha: { initial, tagged, feature, fix, merge, last } };
}
