import type { IncomingMessage } from 'node:http';
import { BuildInformationStore, type StoredBuildInformation } from './build-information-store.js';
import { compareVersions } from './package-name.js';
import type { Grant } from './permissions.js';

/** An answer for the feed to send: a status and a JSON body (an Octopus error body for failures). */
export interface FeedAnswer {
  status: number;
  body: unknown;
}

type Mode = 'FailIfExists' | 'OverwriteExisting' | 'IgnoreIfExists';
const MODES: readonly Mode[] = ['FailIfExists', 'OverwriteExisting', 'IgnoreIfExists'];
const MAX_BODY = 1024 * 1024;
const ID = /^[A-Za-z0-9_]+(?:[_.-][A-Za-z0-9_]+)*$/;
const SEMVER = /^\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
const FIELDS = ['BuildEnvironment', 'BuildNumber', 'BuildUrl', 'Branch', 'VcsType', 'VcsRoot', 'VcsCommitNumber'] as const;

class Problem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: string[] = [],
    readonly helpText?: string,
  ) {
    super(message);
  }
}

function problemAnswer(problem: Problem): FeedAnswer {
  return {
    status: problem.status,
    body: { ErrorMessage: problem.message, Errors: problem.errors, ...(problem.helpText && { HelpText: problem.helpText }) },
  };
}

function missing(permission: string, helpText: string): Problem {
  return new Problem(
    403,
    `You do not have permission to perform this action. Please contact your Octopus administrator. Missing permission: ${permission}`,
    [],
    helpText,
  );
}

async function readJson(request: IncomingMessage): Promise<unknown> {
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

/**
 * Build information for the feed (octopus-api.md §5.1): POST per package id and version with
 * Octopus's overwrite rules and validation, the paged list, one record, and the record attached to
 * the package resource. Our choices where Octopus is unconfirmed: 201 for a new record, 200 for an
 * overwritten or ignored one; `overwriteMode` in the query wins over `OverwriteMode` in the body.
 */
export class BuildInformationFeature {
  readonly #store: BuildInformationStore;
  readonly #prefix: string;

  private constructor(store: BuildInformationStore, prefix: string) {
    this.#store = store;
    this.#prefix = prefix;
  }

  static async open(dataDir: string, prefix: string): Promise<BuildInformationFeature> {
    return new BuildInformationFeature(await BuildInformationStore.open(dataDir), prefix);
  }

  /** The stored records of a space, for tests. */
  records(spaceId: string): StoredBuildInformation[] {
    return this.#store.list(spaceId);
  }

  /** Handles `/build-information…` below a space; undefined for routes that are not its own. */
  async handle(
    method: string,
    rest: string[],
    url: URL,
    request: IncomingMessage,
    spaceId: string,
    grant: Grant,
  ): Promise<FeedAnswer | undefined> {
    if (rest[0] !== 'build-information' || rest.length > 2) return undefined;
    try {
      if (method === 'POST' && rest.length === 1) return await this.#create(request, url, spaceId, grant);
      request.resume();
      if (method === 'GET' && rest.length === 1) return this.#list(url, spaceId, grant);
      if (method === 'GET' && rest.length === 2) return this.#get(rest[1]!, spaceId, grant);
      return undefined;
    } catch (error) {
      if (error instanceof Problem) return problemAnswer(error);
      throw error;
    }
  }

  /** The package resource with its build information (`PackageVersionBuildInformation`), as Octopus shows it. */
  decorate(spaceId: string, resource: unknown): unknown {
    const item = resource as { PackageId?: string; Version?: string };
    if (!item.PackageId || !item.Version) return resource;
    const record = this.#store.find(spaceId, item.PackageId, item.Version);
    return { ...(resource as object), PackageVersionBuildInformation: record ? this.#resource(record) : null };
  }

  #canView(grant: Grant): boolean {
    return ['FeedView', 'BuildInformationPush', 'BuildInformationAdminister'].some((permission) =>
      grant.permissions.includes(permission as never),
    );
  }

  async #create(request: IncomingMessage, url: URL, spaceId: string, grant: Grant): Promise<FeedAnswer> {
    if (!grant.permissions.includes('BuildInformationPush') && !grant.permissions.includes('BuildInformationAdminister')) {
      request.resume();
      throw missing(
        'BuildInformationPush',
        'This action requires permission to push build information. None of your teams have this permission.',
      );
    }
    const body = await readJson(request);
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
    const values = Object.fromEntries(FIELDS.map((name) => [name, text(fields[name], name, errors)])) as Record<
      (typeof FIELDS)[number],
      string | null
    >;
    if (values.VcsType !== null && values.VcsType !== 'Git' && values.VcsType !== 'TFVC') {
      errors.push(`VcsType '${values.VcsType}' is not supported. Supported values are Git and TFVC.`);
    }
    const commits: { Id: string; Comment: string }[] = [];
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
    const mode = this.#mode(url, input.OverwriteMode);
    return this.#store
      .exclusive(spaceId, packageId, version, async () => {
        const existing = this.#store.find(spaceId, packageId, version);
        if (existing) {
          if (mode === 'IgnoreIfExists') return { status: 200, body: this.#resource(existing) };
          if (mode === 'FailIfExists') {
            throw new Problem(
              409,
              'Metadata for the specified Package ID and version already exists. To proceed anyway, specify an overwriteMode of OverwriteExisting or IgnoreIfExists.',
            );
          }
          if (!grant.permissions.includes('BuildInformationAdminister')) {
            throw missing(
              'BuildInformationAdminister',
              'This action requires permission to replace build information. None of your teams have this permission.',
            );
          }
        }
        const now = new Date().toISOString();
        const stored = await this.#store.save({
          spaceId,
          packageId: existing?.packageId ?? packageId,
          version: existing?.version ?? version,
          buildEnvironment: values.BuildEnvironment,
          buildNumber: values.BuildNumber,
          buildUrl: values.BuildUrl,
          branch: values.Branch,
          vcsType: values.VcsType,
          vcsRoot: values.VcsRoot,
          vcsCommitNumber: values.VcsCommitNumber,
          commits,
          created: existing?.created ?? now,
          lastModifiedOn: now,
          ...(existing && { number: existing.number }),
        });
        return { status: existing ? 200 : 201, body: this.#resource(stored) };
      })
      .catch((error: unknown) => {
        if (error instanceof Problem) return problemAnswer(error);
        throw error;
      });
  }

  #mode(url: URL, fromBody: unknown): Mode {
    const query = [...url.searchParams.entries()].find(([name]) => name.toLowerCase() === 'overwritemode')?.[1];
    const given = query ?? (typeof fromBody === 'string' ? fromBody : undefined);
    if (given === undefined || given === '') return 'FailIfExists';
    const mode = MODES.find((candidate) => candidate.toLowerCase() === given.toLowerCase());
    if (!mode) throw new Problem(400, 'There was a problem with your request.', [`'${given}' is not a valid overwriteMode.`]);
    return mode;
  }

  #list(url: URL, spaceId: string, grant: Grant): FeedAnswer {
    if (!this.#canView(grant)) throw missing('FeedView', 'This action requires permission to view build information.');
    const param = (name: string): string | undefined =>
      [...url.searchParams.entries()].find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1] || undefined;
    const packageId = param('packageId');
    const filter = param('filter')?.toLowerCase();
    let items = this.#store
      .list(spaceId)
      .filter((record) => !packageId || record.packageId.toLowerCase() === packageId.toLowerCase())
      .filter((record) => !filter || record.version.toLowerCase().includes(filter) || record.packageId.toLowerCase().includes(filter))
      .sort((a, b) =>
        a.packageId.toLowerCase() !== b.packageId.toLowerCase()
          ? a.packageId.toLowerCase() < b.packageId.toLowerCase()
            ? -1
            : 1
          : -compareVersions(a.version, b.version),
      );
    if (param('latest')?.toLowerCase() === 'true') {
      items = items.filter((record, index) => index === 0 || items[index - 1]!.packageId.toLowerCase() !== record.packageId.toLowerCase());
    }
    const skip = Math.max(0, Number(param('skip') ?? 0) || 0);
    const take = Math.max(1, Number(param('take') ?? 30) || 30);
    const self = `${this.#prefix}/api/${spaceId}/build-information`;
    const page = (from: number, size: number): string => {
      const query = new URLSearchParams(url.searchParams);
      query.set('skip', String(from));
      query.set('take', String(size));
      return `${self}?${query.toString()}`;
    };
    const pages = Math.max(1, Math.ceil(items.length / take));
    const links: Record<string, string> = { Self: page(skip, take), 'Page.All': page(0, 2147483647) };
    if (skip + take < items.length) links['Page.Next'] = page(skip + take, take);
    if (skip > 0) links['Page.Previous'] = page(Math.max(0, skip - take), take);
    return {
      status: 200,
      body: {
        ItemType: 'OctopusPackageVersionBuildInformation',
        TotalResults: items.length,
        ItemsPerPage: take,
        NumberOfPages: pages,
        LastPageNumber: pages - 1,
        Items: items.slice(skip, skip + take).map((record) => this.#resource(record)),
        Links: links,
      },
    };
  }

  #get(id: string, spaceId: string, grant: Grant): FeedAnswer {
    if (!this.#canView(grant)) throw missing('FeedView', 'This action requires permission to view build information.');
    const number = /^BuildInformation-(\d+)$/i.exec(id)?.[1];
    const record = number ? this.#store.findByNumber(spaceId, Number(number)) : undefined;
    if (!record) throw new Problem(404, `The resource '${id}' was not found.`);
    return { status: 200, body: this.#resource(record) };
  }

  /** `OctopusPackageVersionBuildInformationMappedResource`. */
  #resource(record: StoredBuildInformation): unknown {
    const gitRoot = record.vcsType === 'Git' && record.vcsRoot ? record.vcsRoot.replace(/\/+$/, '') : undefined;
    return {
      Id: `BuildInformation-${record.number}`,
      PackageId: record.packageId,
      Version: record.version,
      BuildEnvironment: record.buildEnvironment,
      BuildNumber: record.buildNumber,
      BuildUrl: record.buildUrl,
      Branch: record.branch,
      VcsType: record.vcsType,
      VcsRoot: record.vcsRoot,
      VcsCommitNumber: record.vcsCommitNumber,
      VcsCommitUrl: gitRoot && record.vcsCommitNumber ? `${gitRoot}/commit/${record.vcsCommitNumber}` : null,
      IssueTrackerName: null,
      WorkItems: [],
      Commits: record.commits.map((commit) => ({
        Id: commit.Id,
        LinkUrl: gitRoot ? `${gitRoot}/commit/${commit.Id}` : null,
        Comment: commit.Comment,
      })),
      IncompleteDataWarning: null,
      Created: record.created,
      LastModifiedOn: record.lastModifiedOn,
      LastModifiedBy: null,
      Links: { Self: `${this.#prefix}/api/${record.spaceId}/build-information/BuildInformation-${record.number}` },
    };
  }
}
