import type { CiBuild, CiDetector } from '../types.js';
import { azureDevOps } from './azure-devops.js';
import { bitbucket } from './bitbucket.js';
import { circleci } from './circleci.js';
import { githubActions } from './github-actions.js';
import { gitlab } from './gitlab.js';
import { jenkins } from './jenkins.js';
import { teamcity } from './teamcity.js';

/** In order: the specific markers first; Jenkins last, since other CIs' agents may run inside a Jenkins-managed host. */
const DETECTORS: readonly CiDetector[] = [githubActions, gitlab, azureDevOps, bitbucket, circleci, teamcity, jenkins];

/** The CI this process runs in, from its documented environment variables; undefined outside a known CI. */
export function detectCi(env: NodeJS.ProcessEnv): CiBuild | undefined {
  for (const detect of DETECTORS) {
    const build = detect(env);
    if (build) return build;
  }
  return undefined;
}
