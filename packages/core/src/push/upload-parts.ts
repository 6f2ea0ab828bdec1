import type { OctopusSession } from '../octopus/session.js';
import { WriteWatermark } from './chunk-buffers.js';
import type { LocalPackage } from './local-package.js';
import { multipartBody } from './multipart-body.js';
import { findOnServer, type PushPlan } from './pre-check.js';
import type { PushOptions, TransferMethod } from './push-options.js';
import type { AttemptBody } from './upload.js';

/**
 * One attempt's multipart body of a file (the whole package, or a delta of it) sent under the package's file name,
 * reporting the file's own bytes as progress. `content` gives the bytes afresh for each attempt.
 */
export function fileBody(
  name: string,
  size: number | undefined,
  content: (written: WriteWatermark) => AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onProgress: PushOptions['onProgress'],
  method: TransferMethod,
): AttemptBody {
  // No hashing on the way: it would cost a second per GB, and the server answers with the SHA-1 of what it stored.
  const written = new WriteWatermark();
  const body = multipartBody(name, size, content(written));
  return {
    parts: body.parts,
    // A stream of unknown length goes chunked, as Octopus's Go CLI sends it.
    headers: { 'content-type': body.contentType, ...(body.length !== undefined && { 'content-length': String(body.length) }) },
    onWritten: (transferred) => {
      // The count includes the multipart head; report the file's own bytes.
      const fileBytes = Math.max(0, Math.min(size ?? Infinity, transferred - body.headLength));
      written.advance(fileBytes);
      const total = size ?? 0;
      onProgress?.({ transferred: fileBytes, total, percent: total === 0 ? 0 : fileBytes / total, method });
    },
    close: () => written.close(),
  };
}

/** One attempt's multipart body of the whole package. */
export function fullPackageBody(local: LocalPackage, onProgress: PushOptions['onProgress']): AttemptBody {
  return fileBody(local.name, local.size, (written) => local.open(written), onProgress, 'full');
}

/** Whether the server holds this very file (same SHA-1): asked after an answer was lost. */
export async function storedOnServer(session: OctopusSession, plan: PushPlan, local: LocalPackage): Promise<boolean> {
  const stored = await findOnServer(session, plan.space, local);
  if (!stored || !stored.Hash) return false;
  return stored.Hash.toLowerCase() === (await local.sha1());
}
