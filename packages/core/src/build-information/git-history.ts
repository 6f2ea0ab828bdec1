import { OctoError, isOctoError } from '../errors.js';
import type { GitRunner } from './git.js';
import type { BuildCommit } from './types.js';

export interface GitHistoryOptions {
  /** List commits after this one (a SHA, tag or ref), instead of after the previous tag. */
  since?: string | undefined;
  /** At most this many commits, newest first. Default 100. */
  maxCommits: number;
}

export interface GitHistory {
  head: string;
  /** The checked-out branch; undefined on a detached HEAD (as CI checkouts often are). */
  branch: string | undefined;
  /** The `origin` remote's URL (or the first remote's), as git has it: may carry credentials. */
  remoteUrl: string | undefined;
  commits: BuildCommit[];
  /** Where the list starts: the previous tag, the `since` commit, or undefined for "all the history there is". */
  from: string | undefined;
  shallow: boolean;
  /** More commits than `maxCommits` were there; only the newest were kept. */
  truncated: boolean;
  warnings: string[];
}

const SEPARATOR = '\u001e';

async function optional(git: GitRunner, args: string[]): Promise<string | undefined> {
  try {
    const out = (await git(args)).trim();
    return out === '' ? undefined : out;
  } catch (error) {
    if (isOctoError(error) && error.code === 'ERR_OCTO_NOT_GIT') throw error;
    return undefined;
  }
}

/** The tag before this build: the nearest tag reachable from HEAD, or from its first parent when HEAD itself is tagged. */
async function previousTag(git: GitRunner): Promise<string | undefined> {
  const onHead = await optional(git, ['tag', '--points-at', 'HEAD']);
  if (onHead) return optional(git, ['describe', '--tags', '--abbrev=0', 'HEAD^']);
  return optional(git, ['describe', '--tags', '--abbrev=0', 'HEAD']);
}

async function remoteUrl(git: GitRunner): Promise<string | undefined> {
  const origin = await optional(git, ['config', '--get', 'remote.origin.url']);
  if (origin) return origin;
  const first = (await optional(git, ['remote']))?.split('\n')[0]?.trim();
  return first ? optional(git, ['config', '--get', `remote.${first}.url`]) : undefined;
}

/** Reads HEAD, the branch, the remote and the commits of this build from git, bounded and honest about shallow clones. */
export async function readGitHistory(git: GitRunner, options: GitHistoryOptions): Promise<GitHistory> {
  await git(['rev-parse', '--git-dir']); // ERR_OCTO_NOT_GIT outside a repository
  const head = await optional(git, ['rev-parse', '--verify', '-q', 'HEAD^{commit}']);
  if (!head) {
    throw new OctoError('ERR_OCTO_GIT', 'The git repository has no commits yet, so there is no build to describe.', {
      hint: 'Commit first, or give the build information yourself (`buildInformation`, or --file on the command line).',
    });
  }
  const warnings: string[] = [];
  const shallow = (await optional(git, ['rev-parse', '--is-shallow-repository'])) === 'true';
  const branch = await optional(git, ['symbolic-ref', '--short', '-q', 'HEAD']);
  let from: string | undefined;
  if (options.since !== undefined) {
    if (options.since.startsWith('-')) {
      throw new OctoError('ERR_OCTO_INVALID_OPTION', `"${options.since}" given as \`since\` is not a commit, tag or ref.`, {
        hint: 'Give a commit SHA, tag or branch name.',
        option: 'since',
      });
    }
    const known = await optional(git, ['rev-parse', '--verify', '-q', `${options.since}^{commit}`]);
    if (known) from = options.since;
    else if (shallow) {
      warnings.push(
        `The commit "${options.since}" (\`since\`) is not in this shallow clone: the commits listed are only those the clone has. Fetch the full history (e.g. fetch-depth: 0 with actions/checkout) for the real list.`,
      );
    } else {
      throw new OctoError('ERR_OCTO_INVALID_OPTION', `The commit "${options.since}" given as \`since\` is not in this repository.`, {
        hint: 'Give a commit SHA, tag or branch that exists here (git rev-parse must know it), or leave `since` out to list the commits since the previous tag.',
        option: 'since',
      });
    }
  } else {
    from = await previousTag(git);
    if (!from && shallow) {
      warnings.push(
        'This is a shallow clone and no earlier tag is in it: the commits listed are only those the clone has, not all since the previous release. Fetch the full history and tags (e.g. fetch-depth: 0 with actions/checkout) for the real list.',
      );
    }
  }
  const range = from ? [`${from}..HEAD`] : ['HEAD'];
  const log = await git(['log', `--max-count=${options.maxCommits + 1}`, `--format=%H%x00%B${SEPARATOR}`, ...range, '--']);
  const commits = log
    .split(SEPARATOR)
    .map((record) => record.replace(/^\n+/, ''))
    .filter((record) => record.includes('\u0000'))
    .map((record) => {
      const [id, message] = record.split('\u0000') as [string, string];
      return { id: id.trim(), comment: (message.split('\n')[0] ?? '').trim() };
    });
  const truncated = commits.length > options.maxCommits;
  if (truncated) {
    commits.length = options.maxCommits;
    warnings.push(
      `More than ${options.maxCommits} commits ${from ? `since ${from}` : 'in the history'}: only the newest ${options.maxCommits} are sent (\`maxCommits\` raises the bound).`,
    );
  }
  return { head, branch, remoteUrl: await remoteUrl(git), commits, from, shallow, truncated, warnings };
}
