import { readFile } from 'node:fs/promises';
import { OctoError, readError } from '../errors.js';
import { checkOptions, type OptionSchema } from '../options/check-options.js';
import type { BuildCommit, BuildInformation } from './types.js';
import { vcsRootFromRemote } from './vcs-root.js';

const FIELDS: OptionSchema = {
  buildEnvironment: { type: 'string' },
  buildNumber: { type: 'string' },
  buildUrl: { type: 'string' },
  branch: { type: 'string' },
  vcsType: { type: 'string', oneOf: ['Git', 'TFVC'] },
  vcsRoot: { type: 'string' },
  vcsCommitNumber: { type: 'string' },
};

/** Checks build information given by a caller (types, VcsType, commits) and strips credentials from its VcsRoot. */
export function checkBuildInformation(input: unknown, where = '`buildInformation`'): BuildInformation {
  const { commits, ...rest } = (input ?? {}) as Record<string, unknown>;
  checkOptions(where, rest, FIELDS);
  const info = { ...(rest as BuildInformation) };
  if (commits !== undefined) {
    if (!Array.isArray(commits)) {
      throw new OctoError('ERR_OCTO_INVALID_OPTION', `The commits of ${where} must be an array of { id, comment }.`, {
        hint: 'Give commits as [{ id: "<sha>", comment: "<first line of the message>" }, …].',
        option: 'buildInformation',
      });
    }
    info.commits = commits.map((commit: unknown, index): BuildCommit => {
      const { id, comment } = (commit ?? {}) as Record<string, unknown>;
      if (typeof id !== 'string' || id.trim() === '' || (comment !== undefined && typeof comment !== 'string')) {
        throw new OctoError('ERR_OCTO_INVALID_OPTION', `Commit ${index + 1} of ${where} needs an \`id\` string and a \`comment\` string.`, {
          hint: 'Give each commit as { id: "<sha>", comment: "<first line of the message>" }.',
          option: 'buildInformation',
        });
      }
      return {
        id: id.trim(),
        comment: String(comment ?? '')
          .split('\n')[0]!
          .trim(),
      };
    });
  }
  if (info.vcsRoot !== undefined) info.vcsRoot = vcsRootFromRemote(info.vcsRoot) ?? info.vcsRoot.replace(/\/\/[^/@\s]+@/, '//');
  return info;
}

/** The `OctopusBuildInformation` object Octopus expects. */
export function toOctopusBuildInformation(info: BuildInformation): Record<string, unknown> {
  return {
    BuildEnvironment: info.buildEnvironment,
    BuildNumber: info.buildNumber,
    BuildUrl: info.buildUrl,
    Branch: info.branch,
    VcsType: info.vcsType,
    VcsRoot: info.vcsRoot,
    VcsCommitNumber: info.vcsCommitNumber,
    Commits: (info.commits ?? []).map((commit) => ({ Id: commit.id, Comment: commit.comment })),
  };
}

const FILE_KEYS: Record<string, keyof BuildInformation> = {
  buildenvironment: 'buildEnvironment',
  buildnumber: 'buildNumber',
  buildurl: 'buildUrl',
  branch: 'branch',
  vcstype: 'vcsType',
  vcsroot: 'vcsRoot',
  vcscommitnumber: 'vcsCommitNumber',
  commits: 'commits',
};

/** Reads a build information file in Octo.exe's format (the JSON of OctopusBuildInformation, PascalCase). */
export async function readBuildInformationFile(file: string): Promise<BuildInformation> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw readError(error, file);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new OctoError('ERR_OCTO_INVALID_OPTION', `${file} is not valid JSON: ${(error as Error).message}.`, {
      hint: 'Give a JSON file like {"BuildEnvironment": "…", "Branch": "…", "VcsType": "Git", "Commits": [{"Id": "…", "Comment": "…"}]}.',
      path: file,
      cause: error,
    });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new OctoError('ERR_OCTO_INVALID_OPTION', `${file} does not hold a JSON object.`, {
      hint: 'Give a JSON object with BuildEnvironment, BuildNumber, BuildUrl, Branch, VcsType, VcsRoot, VcsCommitNumber and Commits.',
      path: file,
    });
  }
  const info: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const name = FILE_KEYS[key.toLowerCase()] ?? key;
    if (name === 'commits' && Array.isArray(value)) {
      info.commits = value.map((commit: Record<string, unknown>) => ({
        id: commit?.Id ?? commit?.id,
        comment: commit?.Comment ?? commit?.comment,
      }));
    } else if (value !== null) info[name] = typeof value === 'number' ? String(value) : value;
  }
  try {
    return checkBuildInformation(info, file);
  } catch (error) {
    throw Object.assign(error as OctoError, { path: file });
  }
}
