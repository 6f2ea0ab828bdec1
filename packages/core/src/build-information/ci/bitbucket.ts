import type { CiDetector } from '../types.js';
import { value } from './values.js';

/** Bitbucket Pipelines' default variables; the build's page is under the repository's pipelines add-on. */
export const bitbucket: CiDetector = (env) => {
  const buildNumber = value(env, 'BITBUCKET_BUILD_NUMBER');
  if (!buildNumber || !value(env, 'BITBUCKET_COMMIT')) return undefined;
  const origin = value(env, 'BITBUCKET_GIT_HTTP_ORIGIN');
  return {
    name: 'Bitbucket Pipelines',
    buildNumber,
    buildUrl: origin ? `${origin.replace(/\/+$/, '')}/addon/pipelines/home#!/results/${encodeURIComponent(buildNumber)}` : undefined,
    branch: value(env, 'BITBUCKET_BRANCH') ?? value(env, 'BITBUCKET_TAG'),
    commit: value(env, 'BITBUCKET_COMMIT'),
    repositoryUrl: origin,
    vcsType: 'Git',
  };
};
