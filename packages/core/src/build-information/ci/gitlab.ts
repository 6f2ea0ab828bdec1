import type { CiDetector } from '../types.js';
import { value } from './values.js';

/** GitLab CI's predefined variables: the pipeline's project-scoped number and URL, the ref, the commit, the project URL. */
export const gitlab: CiDetector = (env) => {
  if (value(env, 'GITLAB_CI') !== 'true') return undefined;
  return {
    name: 'GitLab CI',
    buildNumber: value(env, 'CI_PIPELINE_IID') ?? value(env, 'CI_PIPELINE_ID'),
    buildUrl: value(env, 'CI_PIPELINE_URL') ?? value(env, 'CI_JOB_URL'),
    branch: value(env, 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME') ?? value(env, 'CI_COMMIT_REF_NAME'),
    commit: value(env, 'CI_COMMIT_SHA'),
    repositoryUrl: value(env, 'CI_PROJECT_URL'),
    vcsType: 'Git',
  };
};
