import type { IncomingMessage } from 'node:http';
import { BuildInformationStore, type StoredBuildInformation } from './build-information-store.js';
import {
  type FeedAnswer,
  MODES,
  type Mode,
  Problem,
  missing,
  problemAnswer,
  readJson,
  validateSubmission,
} from './build-information-validation.js';
import type { PackageStore } from './package-store.js';
import { collection } from './paging.js';
import type { Grant } from './permissions.js';
import { compareVersions } from './version.js';

export type { FeedAnswer } from './build-information-validation.js';

const TEMPLATE = '{/id}{?filter,packageId,latest,skip,take,overwriteMode}';

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

  static async open(dataDir: string, prefix: string, packages: PackageStore): Promise<BuildInformationFeature> {
    return new BuildInformationFeature(await BuildInformationStore.open(dataDir, packages), prefix);
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
    const { packageId, version, values, commits, overwriteMode } = validateSubmission(await readJson(request));
    const mode = this.#mode(url, overwriteMode);
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
    const self = `${this.#prefix}/api/${spaceId}/build-information`;
    const page = collection('OctopusPackageVersionBuildInformation', items, url, self, `${self}${TEMPLATE}`);
    return { status: 200, body: { ...page, Items: (page.Items as StoredBuildInformation[]).map((record) => this.#resource(record)) } };
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
