import type { CiDetector } from '../types.js';
import { value } from './values.js';

/**
 * Jenkins, as Octopus's Jenkins plugin reads it: BUILD_NUMBER, BUILD_URL, the git plugin's
 * GIT_BRANCH (without the remote's `origin/`; a multibranch job's BRANCH_NAME first), GIT_COMMIT, GIT_URL.
 */
export const jenkins: CiDetector = (env) => {
  if (!value(env, 'JENKINS_URL') && !value(env, 'JENKINS_HOME')) return undefined;
  const gitBranch = value(env, 'GIT_BRANCH')?.replace(/^(?:refs\/remotes\/)?origin\//, '');
  return {
    name: 'Jenkins',
    buildNumber: value(env, 'BUILD_NUMBER'),
    buildUrl: value(env, 'BUILD_URL'),
    branch: value(env, 'BRANCH_NAME') ?? value(env, 'GIT_LOCAL_BRANCH') ?? gitBranch,
    commit: value(env, 'GIT_COMMIT'),
    repositoryUrl: value(env, 'GIT_URL'),
    vcsType: 'Git',
  };
};
