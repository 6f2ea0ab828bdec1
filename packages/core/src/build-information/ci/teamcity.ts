import { readFileSync, statSync } from 'node:fs';
import type { CiDetector } from '../types.js';
import { branchName, value } from './values.js';

/** Build property files are small; anything far bigger is not one. */
const MAX_PROPERTIES = 4 * 1024 * 1024;

/** A Java properties file (TeamCity's build and configuration parameters), or an empty map when unreadable. */
export function readJavaProperties(file: string | undefined): Map<string, string> {
  const properties = new Map<string, string>();
  if (!file) return properties;
  let text: string;
  try {
    if (statSync(file).size > MAX_PROPERTIES) return properties;
    text = readFileSync(file, 'latin1');
  } catch {
    return properties;
  }
  for (const raw of text.replace(/\\\r?\n\s*/g, '').split(/\r?\n/)) {
    const line = raw.trimStart();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const split = /^((?:\\.|[^=:\s\\])*)\s*[=:\s]\s*(.*)$/.exec(line);
    const unescape = (part: string): string =>
      part.replace(/\\u([0-9a-fA-F]{4})|\\(.)/g, (_, hex: string | undefined, char: string | undefined) =>
        hex ? String.fromCharCode(parseInt(hex, 16)) : char === 'n' ? '\n' : char === 't' ? '\t' : (char ?? ''),
      );
    if (split) properties.set(unescape(split[1]!), unescape(split[2]!));
    else properties.set(unescape(line), '');
  }
  return properties;
}

/**
 * TeamCity: TEAMCITY_VERSION marks it, BUILD_NUMBER and BUILD_VCS_NUMBER are in the environment,
 * and the rest of what Octopus's TeamCity plugin reads (build id, server URL, branch, `vcsroot.url`)
 * comes from the build's property files that TEAMCITY_BUILD_PROPERTIES_FILE points at.
 */
export const teamcity: CiDetector = (env) => {
  if (!value(env, 'TEAMCITY_VERSION')) return undefined;
  const build = readJavaProperties(value(env, 'TEAMCITY_BUILD_PROPERTIES_FILE'));
  const configuration = readJavaProperties(build.get('teamcity.configuration.properties.file'));
  const get = (name: string): string | undefined => configuration.get(name)?.trim() || build.get(name)?.trim() || undefined;
  const server = get('teamcity.serverUrl');
  const buildId = get('teamcity.build.id');
  const vcsType = get('octopus_vcstype');
  return {
    name: 'TeamCity',
    buildNumber: value(env, 'BUILD_NUMBER') ?? get('build.number'),
    buildUrl:
      get('externalBuildUrl') ??
      (server && buildId ? `${server.replace(/\/+$/, '')}/viewLog.html?buildId=${encodeURIComponent(buildId)}` : undefined),
    branch: branchName(get('teamcity.build.branch') ?? get('vcsroot.branch')),
    commit: value(env, 'BUILD_VCS_NUMBER') ?? get('build.vcs.number'),
    repositoryUrl: get('vcsroot.url'),
    vcsType: vcsType?.toUpperCase() === 'TFVC' ? 'TFVC' : 'Git',
  };
};
