import type { CiDetector } from '../types.js';
import { value } from './values.js';

/** CircleCI's built-in variables (the repository URL is often an SSH remote; it is turned into https later). */
export const circleci: CiDetector = (env) => {
  if (value(env, 'CIRCLECI') !== 'true') return undefined;
  return {
    name: 'CircleCI',
    buildNumber: value(env, 'CIRCLE_BUILD_NUM'),
    buildUrl: value(env, 'CIRCLE_BUILD_URL'),
    branch: value(env, 'CIRCLE_BRANCH') ?? value(env, 'CIRCLE_TAG'),
    commit: value(env, 'CIRCLE_SHA1'),
    repositoryUrl: value(env, 'CIRCLE_REPOSITORY_URL'),
    vcsType: 'Git',
  };
};
