import { OctoError, type OctoErrorDetails } from '../errors.js';
import { CONFLICT_HINT } from '../octopus/http-errors.js';
import type { LocalPackage } from './local-package.js';
import type { TransferMethod } from './push-options.js';

export type PushOutcome = 'created' | 'overwritten' | 'ignored';

/**
 * Why the whole package was sent although `useDeltaCompression` asked for a delta (see the core README):
 * - `format`: a .tar.gz/.tgz, whose whole-stream compression leaves nothing in common between versions;
 * - `stream`: a stream was pushed, which cannot be read twice to build a delta;
 * - `no-delta-support`: the server offers no delta links (PackageDeltaSignature, PackageDeltaUpload);
 * - `no-base-version`: the server has no version of this package to build a delta against (404);
 * - `signature-failed`: the signature request failed or its answer was unusable (a warning says why);
 * - `delta-build-failed`: the delta could not be built here (a warning says why);
 * - `delta-too-large`: the delta was more than 95% of the package;
 * - `delta-upload-failed`: the delta upload failed other than with 400 or 409 (a warning says why).
 */
export type FullUploadReason =
  | 'format'
  | 'stream'
  | 'no-delta-support'
  | 'no-base-version'
  | 'signature-failed'
  | 'delta-build-failed'
  | 'delta-too-large'
  | 'delta-upload-failed';

/** How the package went: the method, the bytes sent, the base of a delta, and why a delta was not used. */
export interface Transfer {
  method: TransferMethod;
  bytesSent: number;
  baseVersion?: string;
  fullUploadReason?: FullUploadReason;
}

export interface PushResult {
  /** The local path (or the name, for bytes and a stream). */
  file: string;
  /** The file name sent, `<id>.<version>.<ext>`. */
  fileName: string;
  packageId: string;
  version: string;
  outcome: PushOutcome;
  /**
   * SHA-1 of the package (lowercase hex), as the server reported it for what it stored; computed here
   * when it does not say. Undefined only for a stream sent without a copy (`retries: 0`) to a server
   * that did not say: it can no longer be read.
   */
  sha1: string | undefined;
  /** Size in bytes. */
  size: number;
  /** The space id pushed to (undefined: the server's default space). */
  spaceId: string | undefined;
  /** How many upload attempts were made (0 when the pre-flight check made the upload unnecessary). */
  attempts: number;
  /** `delta`: an Octodiff delta against `baseVersion` was sent; `full`: the whole package (or nothing, when ignored). */
  method: TransferMethod;
  /** Bytes of the package (or of its delta) in the upload that succeeded, without the multipart framing; 0 when nothing was sent. */
  bytesSent: number;
  /** The version the delta was built against (only with `method: 'delta'`). */
  baseVersion?: string;
  /** Why the whole package was sent when `useDeltaCompression` asked for a delta. */
  fullUploadReason?: FullUploadReason;
  warnings: string[];
  /** @deprecated Use `sha1`. */
  hash: string | undefined;
  /** @deprecated Use `fileName`. */
  name: string;
}

/** What the push of one package knows when it ends well. */
export interface PushContext {
  local: LocalPackage;
  spaceId: string | undefined;
  warnings: string[];
}

export function pushResult(
  context: PushContext,
  outcome: PushOutcome,
  sha1: string | undefined,
  attempts: number,
  transfer: Transfer = { method: 'full', bytesSent: attempts === 0 ? 0 : (context.local.size ?? 0) },
): PushResult {
  const { local } = context;
  return {
    file: local.file,
    fileName: local.name,
    packageId: local.packageId,
    version: local.version,
    outcome,
    sha1,
    size: local.size ?? 0,
    spaceId: context.spaceId,
    attempts,
    method: transfer.method,
    bytesSent: transfer.bytesSent,
    ...(transfer.baseVersion !== undefined && { baseVersion: transfer.baseVersion }),
    ...(transfer.fullUploadReason !== undefined && { fullUploadReason: transfer.fullUploadReason }),
    warnings: context.warnings,
    hash: sha1,
    name: local.name,
  };
}

/** The `Hash` of an upload's answer (a PackageFromBuiltInFeedResource), if it carries a well-formed one. */
export function serverHash(body: string): string | undefined {
  try {
    const hash = (JSON.parse(body) as { Hash?: unknown } | null)?.Hash;
    return typeof hash === 'string' && /^[0-9a-f]{40}$/i.test(hash) ? hash.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The hint for a conflict. On a server that cannot ignore existing packages, advising
 * IgnoreIfExists again would send the user round in a circle.
 */
export function conflictHint(legacyWarning: string | undefined): string {
  return legacyWarning
    ? 'Bump the version, or push with `overwriteMode` OverwriteExisting to replace it: this server cannot skip an existing package.'
    : CONFLICT_HINT;
}

/** The version exists and the mode says fail (found before anything was sent). */
export function conflictError(local: LocalPackage, legacyWarning: string | undefined): OctoError {
  return new OctoError(
    'ERR_OCTO_CONFLICT',
    `${local.packageId} ${local.version} already exists on the server; nothing was uploaded.${legacyWarning ? ` ${legacyWarning}` : ''}`,
    { hint: conflictHint(legacyWarning), path: local.file },
  );
}

/** A conflict the server answered (409), with the legacy warning when there is one. */
export function withLegacyWarning(error: OctoError, legacyWarning: string | undefined): OctoError {
  if (!legacyWarning || error.code !== 'ERR_OCTO_CONFLICT') return error;
  const details = error.toJSON() as unknown as OctoErrorDetails;
  return new OctoError(error.code, `${error.message} ${legacyWarning}`, {
    ...details,
    hint: conflictHint(legacyWarning),
    cause: error.cause,
  });
}
