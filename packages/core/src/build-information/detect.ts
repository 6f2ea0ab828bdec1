import path from 'node:path';
import { detectCi } from './ci/index.js';
import { gitRunner } from './git.js';
import { readGitHistory } from './git-history.js';
import type { BuildInformation } from './types.js';
import { vcsRootFromRemote } from './vcs-root.js';

export interface DetectBuildInformationOptions {
  /** The checkout to read git from. Default: process.cwd(). */
  cwd?: string;
  /** List commits after this commit, tag or ref instead of after the previous tag. */
  since?: string;
  /** At most this many commits. Default: 100. */
  maxCommits?: number;
  /** Where CI variables come from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Milliseconds each git call may take. Default: 15000. */
  gitTimeout?: number;
}

export interface DetectedBuildInformation {
  buildInformation: BuildInformation;
  /** The CI recognised, or undefined outside a known CI (then git alone filled it). */
  ci: string | undefined;
  shallow: boolean;
  warnings: string[];
}

export const DEFAULT_MAX_COMMITS = 100;

/** What is sent as BuildEnvironment outside any known CI. */
export const LOCAL_BUILD_ENVIRONMENT = 'Local';

/** Build information from the CI's variables and git: commits since the previous tag (or `since`), bounded. */
export async function detectBuildInformation(options: DetectBuildInformationOptions = {}): Promise<DetectedBuildInformation> {
  const env = options.env ?? process.env;
  const ci = detectCi(env);
  const warnings: string[] = [];
  if (ci?.vcsType === 'TFVC') {
    // Git cannot describe a TFVC changeset; send what the CI says.
    warnings.push('The repository is TFVC: the changesets of this build are not listed (octojs reads commits from git only).');
    return {
      ci: ci.name,
      shallow: false,
      warnings,
      buildInformation: strip({
        buildEnvironment: ci.name,
        buildNumber: ci.buildNumber,
        buildUrl: ci.buildUrl,
        branch: ci.branch,
        vcsType: 'TFVC',
        vcsRoot: ci.repositoryUrl ? (vcsRootFromRemote(ci.repositoryUrl) ?? ci.repositoryUrl) : undefined,
        vcsCommitNumber: ci.commit,
        commits: [],
      }),
    };
  }
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const history = await readGitHistory(gitRunner(cwd, options.gitTimeout), {
    since: options.since,
    maxCommits: options.maxCommits ?? DEFAULT_MAX_COMMITS,
  });
  warnings.push(...history.warnings);
  const vcsRoot = vcsRootFromRemote(ci?.repositoryUrl) ?? vcsRootFromRemote(history.remoteUrl);
  if (!vcsRoot)
    warnings.push('No remote URL was found (git remote, or the CI): VcsRoot is left empty, so Octopus cannot link the commits.');
  return {
    ci: ci?.name,
    shallow: history.shallow,
    warnings,
    buildInformation: strip({
      buildEnvironment: ci?.name ?? LOCAL_BUILD_ENVIRONMENT,
      buildNumber: ci?.buildNumber,
      buildUrl: ci?.buildUrl,
      branch: ci?.branch ?? history.branch,
      vcsType: 'Git',
      vcsRoot,
      vcsCommitNumber: ci?.commit ?? history.head,
      commits: history.commits,
    }),
  };
}

function strip(info: { [K in keyof BuildInformation]: BuildInformation[K] | undefined }): BuildInformation {
  return Object.fromEntries(Object.entries(info).filter(([, value]) => value !== undefined)) as BuildInformation;
}
