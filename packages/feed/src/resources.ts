import type { StoredPackage } from './package-store.js';
import type { FeedUser } from './permissions.js';

export interface Space {
  id: string;
  name: string;
  isDefault?: boolean;
}

const VERSION = '2024.1.0';

function links(prefix: string, spaceId: string, overwriteMode: boolean, delta = false): Record<string, string> {
  const upload = overwriteMode ? '{?replace,overwriteMode}' : '{?replace}';
  const deltaLinks = delta && {
    PackageDeltaSignature: `${prefix}/api/${spaceId}/packages/{packageId}/{version}/delta-signature`,
    PackageDeltaUpload: `${prefix}/api/${spaceId}/packages/{packageId}/{baseVersion}/delta${upload}`,
  };
  return {
    ...deltaLinks,
    Self: `${prefix}/api`,
    CurrentUser: `${prefix}/api/users/me`,
    SpaceHome: `${prefix}/api/{spaceId}`,
    Spaces: `${prefix}/api/spaces{/id}{?name,skip,ids,take,partialName}`,
    Packages: `${prefix}/api/${spaceId}/packages{/id}{?nuGetPackageId,filter,latest,skip,take,includeNotes}`,
    PackageUpload: `${prefix}/api/${spaceId}/packages/raw${upload}`,
    BuildInformation: `${prefix}/api/${spaceId}/build-information{/id}{?filter,packageId,latest,skip,take,overwriteMode}`,
  };
}

/** `GET /api`: the root document (octopus-api.md §2.1). A legacy server's upload link lacks `overwriteMode`. */
export function rootDocument(prefix: string, defaultSpaceId: string, overwriteMode: boolean, delta = false): unknown {
  return {
    Application: 'Octopus Deploy',
    Version: overwriteMode ? VERSION : '2019.6.0',
    ApiVersion: '3.0.0',
    InstallationId: '00000000-0000-4000-8000-00000000feed',
    HasLongTermSupport: false,
    Links: links(prefix, defaultSpaceId, overwriteMode, delta),
  };
}

export function spaceRootDocument(prefix: string, spaceId: string, overwriteMode: boolean, delta = false): unknown {
  const { Self: _self, CurrentUser: _user, SpaceHome: _home, Spaces: _spaces, ...scoped } = links(prefix, spaceId, overwriteMode, delta);
  return { Id: spaceId, Links: { Self: `${prefix}/api/${spaceId}`, ...scoped } };
}

export function spaceResource(prefix: string, space: Space): unknown {
  return {
    Id: space.id,
    Name: space.name,
    Slug: space.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    Description: null,
    IsDefault: space.isDefault ?? false,
    TaskQueueStopped: false,
    SpaceManagersTeams: [],
    SpaceManagersTeamMembers: [],
    Links: { Self: `${prefix}/api/spaces/${space.id}`, SpaceHome: `${prefix}/api/${space.id}` },
  };
}

/** `PackageFromBuiltInFeedResource` (octopus-api.md §1.5); `Hash` is the SHA-1 of the stored file. */
export function packageResource(prefix: string, record: StoredPackage): unknown {
  const id = `packages-${record.packageId}.${record.version}`;
  const feedId = record.spaceId === 'Spaces-1' ? 'feeds-builtin' : `feeds-builtin-${record.spaceId.toLowerCase()}`;
  return {
    Id: id,
    PackageId: record.packageId,
    NuGetPackageId: record.packageId,
    FeedId: feedId,
    NuGetFeedId: feedId,
    Title: record.packageId,
    Summary: null,
    Version: record.version,
    Description: null,
    Published: record.published,
    ReleaseNotes: null,
    FileExtension: record.extension,
    PackageSizeBytes: record.size,
    Hash: record.hash,
    PackageVersionBuildInformation: null,
    Links: { Self: `${prefix}/api/${record.spaceId}/packages/${id}` },
  };
}

/** The user a credential signs in as: `GET /api/users/me` (octopus-api.md §2.3, C# default-space lookup). */
export function userResource(prefix: string, user: FeedUser | undefined): Record<string, unknown> {
  const id = user?.id ?? 'Users-1';
  const username = user?.username ?? 'octojs-feed';
  return {
    Id: id,
    Username: username,
    DisplayName: user?.displayName ?? username,
    IsActive: true,
    IsService: false,
    EmailAddress: user?.emailAddress ?? null,
    CanPasswordBeEdited: false,
    IsRequestor: true,
    Links: {
      Self: `${prefix}/api/users/${id}`,
      Permissions: `${prefix}/api/users/${id}/permissions`,
      Spaces: `${prefix}/api/users/${id}/spaces`,
      ApiKeys: `${prefix}/api/users/${id}/apikeys{/id}{?skip,take}`,
    },
  };
}
