import { stat } from 'node:fs/promises';
import path from 'node:path';
import { OctoError } from '../errors.js';
import { safeUrl } from '../octopus/redact.js';
import { OctopusSession, type SpaceContext } from '../octopus/session.js';
import { identityOf } from './local-package.js';
import { findOnServer } from './pre-check.js';
import { resolveConnectionWithOidc } from '../oidc/resolve-connection.js';
import { type OverwriteMode, type PushOptions, checkPushOptions, normalizeOverwriteMode } from './push-options.js';

/** A package to preview: the path of an existing file, or only the file name of one still to be made. */
export type PreviewInput = string | { fileName: string };

export interface PreviewPackage {
  /** The path given (absolute), or the file name for a package still to be made. */
  file: string;
  fileName: string;
  packageId: string;
  version: string;
  /** Bytes of an existing file; undefined for a name only. */
  size: number | undefined;
  /** Whether the server holds this id and version; undefined when the key may not look (403). */
  exists: boolean | undefined;
  /** The server's SHA-1 of its copy, when it has one and said. */
  serverSha1?: string;
  /** Why this package could not be pushed as it is (a bad name, a missing file); the others are still previewed. */
  error?: OctoError;
}

export interface PushPreview {
  /** The server URL as it would be used, without user info or secrets. */
  server: string;
  /** The space id (undefined: the server's default space). */
  spaceId: string | undefined;
  overwriteMode: OverwriteMode;
  packages: PreviewPackage[];
}

/**
 * What a push would do, by read-only requests only: checks the settings (server, credentials, overwrite
 * mode), resolves the space and asks, for each package, whether the server already holds its version.
 * Nothing is uploaded. Setting errors and an unreachable server or space reject; a package's own
 * problem (a bad name, a missing file) is reported in its entry.
 */
export async function previewPush(inputs: readonly PreviewInput[], options: PushOptions = {}): Promise<PushPreview> {
  checkPushOptions('previewPush()', options);
  const overwriteMode = normalizeOverwriteMode(options.overwriteMode, options.replace);
  const connection = await resolveConnectionWithOidc(options);
  const session = await OctopusSession.create(connection);
  try {
    const space = await session.space();
    const packages: PreviewPackage[] = [];
    for (const input of inputs) packages.push(await previewOne(session, space, input));
    return { server: safeUrl(connection.server), spaceId: space.id, overwriteMode, packages };
  } finally {
    session.close();
  }
}

async function previewOne(session: OctopusSession, space: SpaceContext, input: PreviewInput): Promise<PreviewPackage> {
  const file = typeof input === 'string' ? path.resolve(input) : input.fileName;
  const fileName = typeof input === 'string' ? path.basename(input) : input.fileName;
  const entry: PreviewPackage = { file, fileName, packageId: '', version: '', size: undefined, exists: undefined };
  try {
    Object.assign(entry, identityOf(fileName));
    if (typeof input === 'string') entry.size = await fileSize(file);
  } catch (error) {
    entry.error = error as OctoError;
    return entry;
  }
  const existing = await findOnServer(session, space, entry);
  entry.exists = existing === undefined ? undefined : existing !== false;
  if (existing && existing.Hash !== undefined) entry.serverSha1 = existing.Hash.toLowerCase();
  return entry;
}

async function fileSize(file: string): Promise<number> {
  let stats;
  try {
    stats = await stat(file);
  } catch (error) {
    throw new OctoError('ERR_OCTO_PACKAGE_NOT_FOUND', `There is no package file at ${file}.`, {
      hint: 'Check the path and the current folder.',
      path: file,
      cause: error,
    });
  }
  if (!stats.isFile()) {
    throw new OctoError('ERR_OCTO_UNREADABLE_FILE', `${file} is not a regular file.`, {
      hint: 'Give the path of a package file.',
      path: file,
    });
  }
  return stats.size;
}
