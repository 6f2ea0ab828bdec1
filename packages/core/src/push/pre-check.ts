import { isOctoError } from '../errors.js';
import { type PackageResource, linkOf, notOctopus, packageResource } from '../octopus/documents.js';
import type { OctopusSession, SpaceContext } from '../octopus/session.js';
import type { LocalPackage } from './local-package.js';
import { conflictError } from './outcome.js';
import type { OverwriteMode } from './push-options.js';

/** What the pre-check found out: where to upload, how, and whether the upload is needed at all. */
export interface PushPlan {
  space: SpaceContext;
  /** The upload URL, with the overwrite query the server understands. */
  uploadUrl: string;
  /** The mode in effect (IgnoreIfExists becomes FailIfExists on a server older than 2019.7.9). */
  mode: OverwriteMode;
  /** The warning given when the server cannot ignore existing packages; carried by a later conflict. */
  legacyWarning: string | undefined;
  /** The server's copy of `<id>.<version>`: false when it has none, undefined when the key may not look. */
  existing: PackageResource | false | undefined;
}

export const LEGACY_WARNING =
  'This Octopus Server is older than 2019.7.9 and cannot ignore existing packages: IgnoreIfExists behaves as FailIfExists here.';

/** Whether the server already holds `<id>.<version>`: its resource, `false`, or `undefined` when the key may not look. */
export async function findOnServer(
  session: OctopusSession,
  space: SpaceContext,
  local: LocalPackage,
): Promise<PackageResource | false | undefined> {
  const url = session.link(space.links, 'Packages', space.url, { id: `${local.packageId}.${local.version}` });
  if (url === undefined) return undefined;
  try {
    const { status, body } = await session.getJson(url);
    if (status === 404 || body === undefined) return false;
    return packageResource(body, url, session.redactor);
  } catch (error) {
    // A key that may push but not look (403) uploads blindly; a key the server does not know (401) fails here, before any upload.
    if (isOctoError(error) && error.code === 'ERR_OCTO_PERMISSION') return undefined;
    throw error;
  }
}

/** Where the space's (else the root document's) PackageUpload link leads, or why there is none. */
async function uploadTemplate(session: OctopusSession, space: SpaceContext): Promise<{ links: SpaceContext['links']; from: string }> {
  if (space.links.PackageUpload !== undefined) return { links: space.links, from: space.url };
  const root = await session.root();
  const from = `${session.baseUrl}/api`;
  if (root.Links.PackageUpload === undefined) {
    throw notOctopus(from, 'it offers no package upload link (PackageUpload)', session.redactor);
  }
  return { links: root.Links, from };
}

/**
 * Before anything is sent: the space, the upload link and what the server understands of the
 * overwrite modes, and whether `<id>.<version>` is there already. A CI re-run never sends hundreds
 * of megabytes only to hear "already exists". Throws ERR_OCTO_CONFLICT when the mode says fail.
 */
export async function preCheck(
  session: OctopusSession,
  local: LocalPackage,
  wanted: OverwriteMode,
  warn: (message: string) => void,
): Promise<PushPlan> {
  const space = await session.space();
  const { links, from } = await uploadTemplate(session, space);
  const template = linkOf(links, 'PackageUpload', from, session.redactor)!;
  // The C# client's rule: a template that names overwriteMode understands it; else only `replace`.
  const knowsOverwriteMode = template.includes('overwriteMode');
  let mode = wanted;
  let legacyWarning: string | undefined;
  if (!knowsOverwriteMode && wanted === 'IgnoreIfExists') {
    legacyWarning = LEGACY_WARNING;
    warn(legacyWarning);
    mode = 'FailIfExists';
  }
  const query = knowsOverwriteMode ? { overwriteMode: mode } : { replace: mode === 'OverwriteExisting' ? 'true' : 'false' };
  const uploadUrl = session.link(links, 'PackageUpload', from, query)!;
  const existing = await findOnServer(session, space, local);
  if (existing && mode === 'FailIfExists') throw conflictError(local, legacyWarning);
  return { space, uploadUrl, mode, legacyWarning, existing };
}
