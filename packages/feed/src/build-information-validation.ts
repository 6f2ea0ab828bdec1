import type { IncomingMessage } from 'node:http';

/** An answer for the feed to send: a status and a JSON body (an Octopus error body for failures). */
export interface FeedAnswer {
  status: number;
  body: unknown;
}

export type Mode = 'FailIfExists' | 'OverwriteExisting' | 'IgnoreIfExists';
export const MODES: readonly Mode[] = ['FailIfExists', 'OverwriteExisting', 'IgnoreIfExists'];
const MAX_BODY = 1024 * 1024;
const ID = /^[A-Za-z0-9_]+(?:[_.-][A-Za-z0-9_]+)*$/;
const SEMVER = /^\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
const FIELDS = ['BuildEnvironment', 'BuildNumber', 'BuildUrl', 'Branch', 'VcsType', 'VcsRoot', 'VcsCommitNumber'] as const;

export class Problem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: string[] = [],
    readonly helpText?: string,
  ) {
    super(message);
  }
}

export function problemAnswer(problem: Problem): FeedAnswer {
  return {
    status: problem.status,
    body: { ErrorMessage: problem.message, Errors: problem.errors, ...(problem.helpText && { HelpText: problem.helpText }) },
  };
}

export function missing(permission: string, helpText: string): Problem {
  return new Problem(
    403,
    `You do not have permission to perform this action. Please contact your Octopus administrator. Missing permission: ${permission}`,
    [],
    helpText,
  );
}

export async function readJson(request: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.byteLength;
    if (length > MAX_BODY) throw new Problem(413, 'The request body is too large.');
    parts.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch {
    throw new Problem(400, 'Invalid package metadata', ['The request body is not JSON.']);
  }
}

function text(value: unknown, name: string, errors: string[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    errors.push(`${name} must be a string.`);
    return null;
  }
  return value;
}

export interface Submission {
  packageId: string;
  version: string;
  values: Record<(typeof FIELDS)[number], string | null>;
  commits: { Id: string; Comment: string }[];
  /** `OverwriteMode` from the body (the query wins over it). */
  overwriteMode: unknown;
}

/** Checks a POSTed build information body as Octopus does: ids, versions, required fields, VcsType, commits. */
export function validateSubmission(body: unknown): Submission {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Problem(400, 'Invalid package metadata');
  const input = body as Record<string, unknown>;
  const packageId = input.PackageId;
  const version = input.Version;
  if (typeof packageId !== 'string' || packageId === '') throw new Problem(400, 'Invalid package metadata', ['PackageId is required.']);
  if (!ID.test(packageId)) {
    throw new Problem(
      400,
      "The package ID contains invalid characters. Examples of valid package IDs include 'MyPackage' and 'MyPackage.Sample'.",
    );
  }
  if (packageId.length > 100) throw new Problem(400, 'Invalid package metadata', ['PackageId is longer than 100 characters.']);
  if (typeof version !== 'string' || version === '') throw new Problem(400, 'Invalid package metadata', ['Version is required.']);
  if (!SEMVER.test(version)) throw new Problem(400, 'The version is invalid. Please supply a valid semver version number.');
  const info = input.OctopusBuildInformation;
  if (info === null || typeof info !== 'object' || Array.isArray(info)) {
    throw new Problem(400, 'Invalid package metadata', ['OctopusBuildInformation is required.']);
  }
  const fields = info as Record<string, unknown>;
  const errors: string[] = [];
  const values = Object.fromEntries(FIELDS.map((name) => [name, text(fields[name], name, errors)])) as Submission['values'];
  if (values.VcsType !== null && values.VcsType !== 'Git' && values.VcsType !== 'TFVC') {
    errors.push(`VcsType '${values.VcsType}' is not supported. Supported values are Git and TFVC.`);
  }
  const commits: Submission['commits'] = [];
  if (fields.Commits !== undefined && fields.Commits !== null) {
    if (!Array.isArray(fields.Commits)) errors.push('Commits must be an array.');
    else
      fields.Commits.forEach((commit: unknown, index) => {
        const { Id, Comment } = (commit ?? {}) as Record<string, unknown>;
        if (typeof Id !== 'string' || Id === '') errors.push(`Commits[${index}].Id is required.`);
        else if (Comment !== undefined && Comment !== null && typeof Comment !== 'string')
          errors.push(`Commits[${index}].Comment must be a string.`);
        else commits.push({ Id, Comment: (Comment as string | null | undefined) ?? '' });
      });
  }
  if (errors.length > 0) throw new Problem(400, 'Invalid package metadata', errors);
  return { packageId, version, values, commits, overwriteMode: input.OverwriteMode };
}
