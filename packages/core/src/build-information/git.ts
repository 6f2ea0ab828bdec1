import { execFile } from 'node:child_process';
import { OctoError } from '../errors.js';
import { redactUrlCredentials } from './vcs-root.js';

/** Each git call is bounded: a hung credential helper or a huge repository never stalls a build. */
const GIT_TIMEOUT = 15_000;
const MAX_OUTPUT = 16 * 1024 * 1024;

export interface GitRunner {
  (args: string[]): Promise<string>;
}

/** Runs git in `cwd` without prompts; resolves with stdout, rejects with an OctoError (`ERR_OCTO_NOT_GIT` outside a repository). */
export function gitRunner(cwd: string, timeout = GIT_TIMEOUT): GitRunner {
  return (args) =>
    new Promise((resolve, reject) => {
      execFile(
        'git',
        args,
        {
          cwd,
          timeout,
          maxBuffer: MAX_OUTPUT,
          windowsHide: true,
          env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C', LANG: 'C' },
        },
        (error, stdout, stderr) => {
          if (!error) return resolve(stdout);
          reject(gitError(error, String(stderr), args, cwd, timeout));
        },
      );
    });
}

function gitError(
  error: { code?: string | number | null | undefined; killed?: boolean | undefined },
  stderr: string,
  args: string[],
  cwd: string,
  timeout: number,
): OctoError {
  const said = redactUrlCredentials(stderr.trim().split('\n')[0] ?? '');
  if (error.code === 'ENOENT') {
    return new OctoError('ERR_OCTO_GIT', 'git was not found: build information is read from git, and no git program is on the PATH.', {
      hint: 'Install git on the build agent, or give the build information yourself (`buildInformation`, or --file on the command line).',
      cause: error,
    });
  }
  if (/not a git repository/i.test(stderr)) {
    return new OctoError('ERR_OCTO_NOT_GIT', `${cwd} is not inside a git repository, so there are no commits to read.`, {
      hint: 'Run from the checkout of your repository (or give `cwd`), or give the build information yourself (`buildInformation`, or --file on the command line).',
      path: cwd,
    });
  }
  if (error.killed) {
    return new OctoError('ERR_OCTO_GIT', `git ${args[0]} took longer than ${timeout / 1000} s in ${cwd} and was stopped.`, {
      hint: 'Check the repository (a very large history, a network file system), or give the build information yourself.',
      cause: error,
      path: cwd,
    });
  }
  return new OctoError('ERR_OCTO_GIT', `git ${args[0]} failed in ${cwd}: ${said || `exit code ${String(error.code)}`}.`, {
    hint: 'Check that the folder is a readable git checkout (git may refuse a repository owned by another user: see `git config safe.directory`).',
    path: cwd,
  });
}
