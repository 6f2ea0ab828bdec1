import type { CiDetector } from '../types.js';
import { branchName, joinUrl, value } from './values.js';

/**
 * GitHub Actions, as Octopus's push-build-information-action reads it: run number, the run's URL,
 * `GITHUB_REF` without `refs/heads/` (a pull request's head branch when there is one), `GITHUB_SHA`.
 */
export const githubActions: CiDetector = (env) => {
  if (value(env, 'GITHUB_ACTIONS') !== 'true') return undefined;
  const server = value(env, 'GITHUB_SERVER_URL') ?? 'https://github.com';
  const repository = value(env, 'GITHUB_REPOSITORY');
  const runId = value(env, 'GITHUB_RUN_ID');
  return {
    name: 'GitHub Actions',
    buildNumber: value(env, 'GITHUB_RUN_NUMBER'),
    buildUrl: repository && runId ? joinUrl(server, repository, 'actions/runs', runId) : undefined,
    branch: value(env, 'GITHUB_HEAD_REF') ?? branchName(value(env, 'GITHUB_REF')),
    commit: value(env, 'GITHUB_SHA'),
    repositoryUrl: repository ? joinUrl(server, repository) : undefined,
    vcsType: 'Git',
  };
};
