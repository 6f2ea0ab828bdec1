/** One commit of a build, as Octopus shows it in release notes. */
export interface BuildCommit {
  /** The commit SHA (or TFVC changeset). */
  id: string;
  /** The first line of its message. */
  comment: string;
}

export type VcsType = 'Git' | 'TFVC';

/**
 * What Octopus calls OctopusBuildInformation (octopus-api.md §5.1), in core's camelCase; every field
 * is optional, as for Octopus. Sent as `{ BuildEnvironment, BuildNumber, … }`.
 */
export interface BuildInformation {
  /** The CI that built it, e.g. `GitHub Actions`. */
  buildEnvironment?: string;
  buildNumber?: string;
  buildUrl?: string;
  branch?: string;
  /** `Git` or `TFVC` (Octopus supports no others). */
  vcsType?: VcsType;
  /** The repository URL, without credentials. */
  vcsRoot?: string;
  /** The commit (or changeset) built. */
  vcsCommitNumber?: string;
  commits?: BuildCommit[];
}

/** What a CI's own environment variables say about the build; git fills what they leave out. */
export interface CiBuild {
  /** The BuildEnvironment name, e.g. `GitHub Actions`. */
  name: string;
  buildNumber?: string | undefined;
  buildUrl?: string | undefined;
  branch?: string | undefined;
  commit?: string | undefined;
  /** A repository URL (credentials are stripped later). */
  repositoryUrl?: string | undefined;
  vcsType?: VcsType | undefined;
}

export type CiDetector = (env: NodeJS.ProcessEnv) => CiBuild | undefined;
