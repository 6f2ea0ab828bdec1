import type { CiDetector } from '../types.js';
import { branchName, value } from './values.js';

/**
 * Azure DevOps, as Octopus's OctoTFS build-information task reads it: the build number, the
 * results page built from the collection URI, project and build id, the source branch and version,
 * and TFVC when the repository provider says so.
 */
export const azureDevOps: CiDetector = (env) => {
  if (value(env, 'TF_BUILD')?.toLowerCase() !== 'true') return undefined;
  const collection = value(env, 'SYSTEM_TEAMFOUNDATIONCOLLECTIONURI');
  const project = value(env, 'SYSTEM_TEAMPROJECT');
  const buildId = value(env, 'BUILD_BUILDID');
  const tfvc = value(env, 'BUILD_REPOSITORY_PROVIDER') === 'TfsVersionControl';
  return {
    name: 'Azure DevOps',
    buildNumber: value(env, 'BUILD_BUILDNUMBER'),
    buildUrl:
      collection && project && buildId
        ? `${collection.replace(/\/+$/, '')}/${encodeURIComponent(project)}/_build/results?buildId=${encodeURIComponent(buildId)}`
        : undefined,
    branch: tfvc ? value(env, 'BUILD_SOURCEBRANCH') : branchName(value(env, 'BUILD_SOURCEBRANCH')),
    commit: value(env, 'BUILD_SOURCEVERSION'),
    repositoryUrl: value(env, 'BUILD_REPOSITORY_URI'),
    vcsType: tfvc ? 'TFVC' : 'Git',
  };
};
