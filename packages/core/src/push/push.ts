import { isOctoError, asOctoError } from '../errors.js';
import { OctopusSession } from '../octopus/session.js';
import { resolveConnectionWithOidc } from '../oidc/resolve-connection.js';
import { pushDelta } from './delta-push.js';
import { type PushInput, localPackage } from './local-package.js';
import { type PushContext, type PushResult, type Transfer, conflictHint, pushResult, serverHash, withLegacyWarning } from './outcome.js';
import { type PushPlan, preCheck } from './pre-check.js';
import { type PushOptions, checkPushOptions, normalizeOverwriteMode } from './push-options.js';
import { uploadWithRetry } from './upload.js';
import { fullPackageBody, storedOnServer } from './upload-parts.js';

export type { PushInput } from './local-package.js';
export type { FullUploadReason, PushOutcome, PushResult } from './outcome.js';

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
    let transfer: Transfer | undefined;
    let earlier = 0;
    if (options.useDeltaCompression) {
      const delta = await pushDelta({ session, context, plan, onProgress, warn });
      if ('result' in delta) return delta.result;
      transfer = { method: 'full', bytesSent: local.size ?? 0, fullUploadReason: delta.reason };
      earlier = delta.attempts;
    }
    const uploaded = await uploadWithRetry(session, {
      url: plan.uploadUrl,
      body: () => fullPackageBody(local, onProgress),
      conflictHint: conflictHint(plan.legacyWarning),
      stored: () => storedOnServer(session, plan, local),
    }).catch((error: unknown) => {
      throw isOctoError(error) ? withLegacyWarning(error, plan.legacyWarning) : error;
    });
    const overwrote = plan.existing ? 'overwritten' : 'created';
    const attempts = earlier + uploaded.attempts;
    transfer ??= { method: 'full', bytesSent: local.size ?? 0 };
    if (uploaded.foundStored) return pushResult(context, overwrote, await local.sha1(), attempts, transfer);
    const sha1 = serverHash(uploaded.answer.body) ?? (await local.sha1());
    // A 200 is an ignored upload even when the server sends no body with it.
    return pushResult(context, uploaded.answer.status === 200 ? 'ignored' : overwrote, sha1, attempts, transfer);
  } finally {
    await local.dispose();
  }
}

/** Pushes one package to an Octopus Server's built-in repository. */
export async function push(input: PushInput, options: PushOptions = {}): Promise<PushResult> {
  checkPushOptions('push()', options);
  const connection = await resolveConnectionWithOidc(options);
  try {
    const session = await OctopusSession.create(connection);
    const result = await pushWithSession(session, input, options).finally(() => session.close());
    return { ...result, warnings: [...new Set([...connection.warnings, ...result.warnings])] };
  } catch (error) {
    // Whatever the server sent back, and whatever a cause quotes of it, the key is not in it.
    throw connection.redactor.error(asOctoError(error));
  }
}
