import { isOctoError, asOctoError } from '../errors.js';
import { resolveConnection } from '../octopus/connection.js';
import { OctopusSession } from '../octopus/session.js';
import { WriteWatermark } from './chunk-buffers.js';
import { type LocalPackage, type PushInput, localPackage } from './local-package.js';
import { multipartBody } from './multipart-body.js';
import { type PushContext, type PushResult, conflictHint, pushResult, serverHash, withLegacyWarning } from './outcome.js';
import { type PushPlan, findOnServer, preCheck } from './pre-check.js';
import { type PushOptions, checkPushOptions, normalizeOverwriteMode } from './push-options.js';
import { type AttemptBody, uploadWithRetry } from './upload.js';

export type { PushInput } from './local-package.js';
export type { PushOutcome, PushResult } from './outcome.js';

/**
 * The caller's progress callback, called from a socket's write callback: a throw there would end
 * the process, so a failing callback is reported once and not called again.
 */
function progressReporter(options: PushOptions, warn: (message: string) => void): PushOptions['onProgress'] {
  const report = options.onProgress;
  if (!report) return undefined;
  let broken = false;
  return (progress) => {
    if (broken) return;
    try {
      report(progress);
    } catch (error) {
      broken = true;
      warn(`onProgress threw (${(error as Error)?.message ?? String(error)}); progress is no longer reported for this push.`);
    }
  };
}

/** One attempt's multipart body of the whole package, reporting the package's own bytes as progress. */
function fullPackageBody(local: LocalPackage, onProgress: PushOptions['onProgress']): AttemptBody {
  // No hashing on the way: it would cost a second per GB, and the server answers with the SHA-1 of what it stored.
  const size = local.size;
  const written = new WriteWatermark();
  const body = multipartBody(local.name, size, local.open(written));
  return {
    parts: body.parts,
    // A stream of unknown length goes chunked, as Octopus's Go CLI sends it.
    headers: { 'content-type': body.contentType, ...(body.length !== undefined && { 'content-length': String(body.length) }) },
    onWritten: (transferred) => {
      // The count includes the multipart head; report the package's own bytes.
      const fileBytes = Math.max(0, Math.min(size ?? Infinity, transferred - body.headLength));
      written.advance(fileBytes);
      const total = size ?? 0;
      onProgress?.({ transferred: fileBytes, total, percent: total === 0 ? 0 : fileBytes / total });
    },
    close: () => written.close(),
  };
}

/** Whether the server holds this very file (same SHA-1): asked after an answer was lost. */
async function storedOnServer(session: OctopusSession, plan: PushPlan, local: LocalPackage): Promise<boolean> {
  const stored = await findOnServer(session, plan.space, local);
  if (!stored || !stored.Hash) return false;
  return stored.Hash.toLowerCase() === (await local.sha1());
}

/** IgnoreIfExists on a package the server has: nothing is sent; a differing copy is worth a warning. */
async function ignoreExisting(context: PushContext, plan: PushPlan, warn: (message: string) => void): Promise<PushResult> {
  const { local } = context;
  const sha1 = await local.sha1();
  const theirs = plan.existing ? plan.existing.Hash : undefined;
  if (theirs && sha1 && theirs.toLowerCase() !== sha1) {
    warn(
      `${local.name}: the server's copy of ${local.packageId} ${local.version} differs from this file (SHA-1 ${theirs} there, ${sha1} here); it was left as it is.`,
    );
  }
  return pushResult(context, 'ignored', sha1, 0);
}

/** Pre-check, upload with retries, outcome: one package within an existing session (shared by pushAll). */
export async function pushWithSession(session: OctopusSession, input: PushInput, options: PushOptions): Promise<PushResult> {
  const wanted = normalizeOverwriteMode(options.overwriteMode, options.replace);
  // A stream is copied aside only if a retry may need it again.
  const local = await localPackage(input, { keepStreamCopy: session.connection.retries > 0 });
  const warnings: string[] = [];
  const warn = (message: string): void => {
    const safe = session.redactor.text(message);
    warnings.push(safe);
    session.connection.warn(safe);
  };
  try {
    const plan = await preCheck(session, local, wanted, warn);
    const context: PushContext = { local, spaceId: plan.space.id, warnings };
    if (plan.existing && plan.mode === 'IgnoreIfExists') return await ignoreExisting(context, plan, warn);
    const onProgress = progressReporter(options, warn);
    const uploaded = await uploadWithRetry(session, {
      url: plan.uploadUrl,
      body: () => fullPackageBody(local, onProgress),
      conflictHint: conflictHint(plan.legacyWarning),
      stored: () => storedOnServer(session, plan, local),
    }).catch((error: unknown) => {
      throw isOctoError(error) ? withLegacyWarning(error, plan.legacyWarning) : error;
    });
    const overwrote = plan.existing ? 'overwritten' : 'created';
    if (uploaded.foundStored) return pushResult(context, overwrote, await local.sha1(), uploaded.attempts);
    const sha1 = serverHash(uploaded.answer.body) ?? (await local.sha1());
    // A 200 is an ignored upload even when the server sends no body with it.
    return pushResult(context, uploaded.answer.status === 200 ? 'ignored' : overwrote, sha1, uploaded.attempts);
  } finally {
    await local.dispose();
  }
}

/** Pushes one package to an Octopus Server's built-in repository. */
export async function push(input: PushInput, options: PushOptions = {}): Promise<PushResult> {
  checkPushOptions('push()', options);
  const connection = resolveConnection(options);
  try {
    const session = await OctopusSession.create(connection);
    const result = await pushWithSession(session, input, options).finally(() => session.close());
    return { ...result, warnings: [...new Set([...connection.warnings, ...result.warnings])] };
  } catch (error) {
    // Whatever the server sent back, and whatever a cause quotes of it, the key is not in it.
    throw connection.redactor.error(asOctoError(error));
  }
}
