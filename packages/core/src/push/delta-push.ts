import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDelta } from '@octojs/octodiff';
import { type OctoError, isOctoError } from '../errors.js';
import type { OctopusSession } from '../octopus/session.js';
import { trackTemporary } from '../temporary-files.js';
import { recycledChunks } from './chunk-buffers.js';
import { fetchSignature } from './delta-signature.js';
import type { LocalPackage } from './local-package.js';
import {
  type FullUploadReason,
  type PushContext,
  type PushResult,
  conflictHint,
  pushResult,
  serverHash,
  withLegacyWarning,
} from './outcome.js';
import type { PushPlan } from './pre-check.js';
import type { PushOptions } from './push-options.js';
import { fileBody, storedOnServer } from './upload-parts.js';
import { type UploadAnswer, uploadWithRetry } from './upload.js';

/** A delta bigger than this share of the package is not worth sending (octopus-api.md §3.2: "more than 95%"). */
export const DELTA_THRESHOLD = 0.95;

/** Extensions compressed as one stream: a small change reshuffles every byte after it, so a delta saves nothing. */
const WHOLE_STREAM = ['.tar.gz', '.tgz', '.tar.bz2', '.tar.bz', '.tbz', '.tar.z'];

export interface DeltaPush {
  session: OctopusSession;
  context: PushContext;
  plan: PushPlan;
  onProgress: PushOptions['onProgress'];
  warn: (message: string) => void;
}

/** A delta push's end: the result, or why the whole package is to be sent instead (and the attempts made so far). */
export type DeltaOutcome = { result: PushResult } | { reason: FullUploadReason; attempts: number };

/** The delta upload link, with the overwrite query in the form its template knows. */
function deltaUploadUrl(
  session: OctopusSession,
  plan: PushPlan,
  local: LocalPackage,
  baseVersion: string,
  links: PushPlan['space']['links'],
  from: string,
): string | undefined {
  const template = links.PackageDeltaUpload;
  const knowsOverwriteMode = typeof template === 'string' && template.includes('overwriteMode');
  const query = knowsOverwriteMode ? { overwriteMode: plan.mode } : { replace: plan.mode === 'OverwriteExisting' ? 'true' : 'false' };
  return session.link(links, 'PackageDeltaUpload', from, { packageId: local.packageId, baseVersion, ...query });
}

/** The links to use: the space's, else the root document's (a server without spaces). */
async function deltaLinks(
  session: OctopusSession,
  plan: PushPlan,
): Promise<{ links: PushPlan['space']['links']; from: string } | undefined> {
  const { space } = plan;
  if (space.links.PackageDeltaSignature !== undefined && space.links.PackageDeltaUpload !== undefined)
    return { links: space.links, from: space.url };
  const root = await session.root();
  if (root.Links.PackageDeltaSignature !== undefined && root.Links.PackageDeltaUpload !== undefined) {
    return { links: root.Links, from: `${session.baseUrl}/api` };
  }
  return undefined;
}

/** 400 and 409 end the push (octopus-api.md §3.2); anything else on the delta path falls back to the whole package. */
function endsThePush(error: OctoError): boolean {
  return error.code === 'ERR_OCTO_CONFLICT' || error.status === 400;
}

/** An answer that may have been lost: the server may have stored the package all the same. */
function mayHaveStored(error: OctoError): boolean {
  return error.code === 'ERR_OCTO_TIMEOUT' || error.code === 'ERR_OCTO_NETWORK' || error.status === 504;
}

/**
 * The delta path of octopus-api.md §3.2: ask for the server's signature of a base version (for the version
 * being pushed), build the delta into a temporary file, and send it to the base version's delta link under
 * the new package's file name, through the same upload-with-retry and verify-by-hash path as a full upload.
 * Falls back (returns a reason) or fails exactly as the decision table says.
 */
export async function pushDelta(push: DeltaPush): Promise<DeltaOutcome> {
  const { session, context, plan, warn } = push;
  const { local } = context;
  if (WHOLE_STREAM.some((extension) => local.name.toLowerCase().endsWith(extension))) return { reason: 'format', attempts: 0 };
  const source = local.deltaSource;
  if (source === undefined) return { reason: 'stream', attempts: 0 };
  const found = await deltaLinks(session, plan);
  if (!found) return { reason: 'no-delta-support', attempts: 0 };
  let signatureUrl: string;
  try {
    signatureUrl = session.link(found.links, 'PackageDeltaSignature', found.from, { packageId: local.packageId, version: local.version })!;
  } catch (error) {
    warn(`${local.name}: no delta (${(error as Error).message}); sending the whole package.`);
    return { reason: 'signature-failed', attempts: 0 };
  }
  // The delta's header carries the package's SHA-1: hashed while the signature downloads, not after it.
  const hashing = local.sha1();
  hashing.catch(() => {});
  const answer = await fetchSignature(session, signatureUrl);
  if ('missing' in answer) return { reason: 'no-base-version', attempts: 0 };
  if ('failed' in answer) {
    const refused = answer.auth ? ' The key was refused for the signature; the full upload will tell whether it may push at all.' : '';
    warn(`${local.name}: the delta signature could not be had (${answer.failed.replace(/\.$/, '')}); sending the whole package.${refused}`);
    return { reason: 'signature-failed', attempts: 0 };
  }
  const { baseVersion, signature } = answer.found;
  // Tracked before it exists, so that a signal never leaves it behind.
  const folder = path.join(os.tmpdir(), `octojs-delta-${randomBytes(6).toString('hex')}`);
  const untrack = trackTemporary(folder);
  try {
    mkdirSync(folder, { mode: 0o700 });
    const deltaFile = path.join(folder, `${local.name}.octodelta`);
    let delta;
    try {
      const sha1 = await hashing.catch(() => undefined);
      delta = await createDelta(source, signature, deltaFile, { tempDirectory: folder, ...(sha1 && { sha1 }) });
    } catch (error) {
      warn(`${local.name}: the delta could not be built (${(error as Error).message.replace(/\.$/, '')}); sending the whole package.`);
      return { reason: 'delta-build-failed', attempts: 0 };
    }
    if (delta.newFileSize === 0 || delta.size / delta.newFileSize > DELTA_THRESHOLD) return { reason: 'delta-too-large', attempts: 0 };
    const size = (await stat(deltaFile)).size;
    let url: string | undefined;
    try {
      url = deltaUploadUrl(session, plan, local, baseVersion, found.links, found.from);
    } catch (error) {
      // A link off the configured origin is not followed (the credentials stay here); the full upload has its own.
      warn(`${local.name}: no delta (${(error as Error).message}); sending the whole package.`);
      return { reason: 'delta-upload-failed', attempts: 0 };
    }
    if (url === undefined) return { reason: 'no-delta-support', attempts: 0 };
    return await sendDelta(push, { url, deltaFile, size, baseVersion });
  } finally {
    await rm(folder, { recursive: true, force: true }).catch(() => {});
    untrack();
  }
}

async function sendDelta(
  push: DeltaPush,
  delta: { url: string; deltaFile: string; size: number; baseVersion: string },
): Promise<DeltaOutcome> {
  const { session, context, plan, warn, onProgress } = push;
  const { local } = context;
  const transfer = { method: 'delta' as const, bytesSent: delta.size, baseVersion: delta.baseVersion };
  const overwrote = plan.existing ? 'overwritten' : 'created';
  let uploaded: UploadAnswer;
  try {
    uploaded = await uploadWithRetry(session, {
      url: delta.url,
      body: () => fileBody(local.name, delta.size, (written) => recycledChunks(delta.deltaFile, written), onProgress, 'delta'),
      conflictHint: conflictHint(plan.legacyWarning),
      stored: () => storedOnServer(session, plan, local),
    });
  } catch (error) {
    if (!isOctoError(error)) throw error;
    if (endsThePush(error)) throw withLegacyWarning(error, plan.legacyWarning);
    const attempts = error.attempts ?? 1;
    // The last attempt's answer may have been lost after the server stored the package: look before sending it all again.
    if (mayHaveStored(error) && (await storedOnServer(session, plan, local).catch(() => false))) {
      return { result: pushResult(context, overwrote, await local.sha1(), attempts, transfer) };
    }
    warn(`${local.name}: the delta upload failed (${error.message.replace(/\.$/, '')}); sending the whole package.`);
    return { reason: 'delta-upload-failed', attempts };
  }
  if (uploaded.foundStored) return { result: pushResult(context, overwrote, await local.sha1(), uploaded.attempts, transfer) };
  const sha1 = serverHash(uploaded.answer.body) ?? (await local.sha1());
  // A 200 is an ignored upload even when the server sends no body with it; an empty 2xx is not sent again.
  return { result: pushResult(context, uploaded.answer.status === 200 ? 'ignored' : overwrote, sha1, uploaded.attempts, transfer) };
}
