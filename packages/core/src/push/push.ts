import { setTimeout as sleep } from 'node:timers/promises';
import { OctoError, isOctoError } from '../errors.js';
import { httpError, safeUrl, transportError } from './http-errors.js';
import { type LocalPackage, type PushInput, WriteWatermark, localPackage } from './local-package.js';
import { multipartBody } from './multipart-body.js';
import { OctopusSession, type PackageResource, expandTemplate } from './octopus-session.js';
import { type OverwriteMode, type PushOptions, normalizeOverwriteMode } from './push-options.js';
import { resolveConnectionWithOidc } from '../oidc/resolve-connection.js';
import { backoffDelay, isRetryableStatus, retryAfterMs } from './retry-policy.js';

export type { PushInput } from './local-package.js';

export type PushOutcome = 'created' | 'overwritten' | 'ignored';

export interface PushResult {
  /** The local path (or the name, for a stream). */
  file: string;
  /** The file name sent, `<id>.<version>.<ext>`. */
  name: string;
  packageId: string;
  version: string;
  outcome: PushOutcome;
  /**
   * SHA-1 of the package (lowercase hex), as the server reported it for what it stored; computed here
   * when it does not say. Undefined only for a stream sent without a copy (`retries: 0`) to a server
   * that did not say: it can no longer be read.
   */
  hash: string | undefined;
  /** Size in bytes. */
  size: number;
  /** The space id pushed to (undefined: the server's default space). */
  spaceId: string | undefined;
  /** How many upload attempts were made (0 when the pre-flight check made the upload unnecessary). */
  attempts: number;
  warnings: string[];
}

/** The `Hash` of an upload's answer (a PackageFromBuiltInFeedResource), if it carries one. */
function serverHash(body: string): string | undefined {
  try {
    const hash = (JSON.parse(body) as { Hash?: unknown }).Hash;
    return typeof hash === 'string' && /^[0-9a-f]{40}$/i.test(hash) ? hash.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** Our own error, when an HTTP client error wraps one. */
function octoErrorIn(error: unknown): OctoError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (isOctoError(current)) return current;
  }
  return undefined;
}

/** Whether the server already holds `<id>.<version>`: its resource, `false`, or `undefined` when the key may not look. */
async function findOnServer(
  session: OctopusSession,
  links: Record<string, string>,
  local: LocalPackage,
): Promise<PackageResource | false | undefined> {
  const template = links.Packages;
  if (!template) return undefined;
  const url = session.resolveLink(expandTemplate(template, { id: `${local.packageId}.${local.version}` }));
  try {
    const { status, body } = await session.getJson<PackageResource>(url);
    if (status === 404 || !body) return false;
    return body;
  } catch (error) {
    // A key that may push but not look (403) uploads blindly; a key the server does not know (401) fails here, before any upload.
    if (isOctoError(error) && error.code === 'ERR_OCTO_PERMISSION') return undefined;
    throw error;
  }
}

/** Pushes one package within an existing session (shared by pushAll). */
export async function pushWithSession(session: OctopusSession, input: PushInput, options: PushOptions): Promise<PushResult> {
  const mode = normalizeOverwriteMode(options.overwriteMode, options.replace);
  // A stream is copied aside only if a retry may need it again.
  const local = await localPackage(input, { keepStreamCopy: session.connection.retries > 0 });
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    session.connection.warn(message);
  };
  try {
    const { id: spaceId, links } = await session.space();
    const uploadLink = links.PackageUpload ?? (await session.root()).Links?.PackageUpload;
    if (!uploadLink) {
      throw new OctoError('ERR_OCTO_NOT_OCTOPUS', 'The server offers no package upload link (PackageUpload).', {
        hint: 'Check that the URL points at an Octopus Server with a built-in package repository.',
      });
    }
    const knowsOverwriteMode = uploadLink.includes('overwriteMode');
    let effectiveMode: OverwriteMode = mode;
    if (!knowsOverwriteMode && mode === 'IgnoreIfExists') {
      warn('This Octopus Server is older than 2019.7.9 and cannot ignore existing packages: IgnoreIfExists behaves as FailIfExists here.');
      effectiveMode = 'FailIfExists';
    }
    const result = (outcome: PushOutcome, hash: string | undefined, attempts: number): PushResult => ({
      file: local.file,
      name: local.name,
      packageId: local.packageId,
      version: local.version,
      outcome,
      hash,
      size: local.size ?? 0,
      spaceId,
      attempts,
      warnings,
    });

    // Pre-flight: a CI re-run never sends hundreds of megabytes only to hear "already exists".
    const existing = await findOnServer(session, links, local);
    if (existing) {
      if (effectiveMode === 'FailIfExists') {
        throw new OctoError(
          'ERR_OCTO_CONFLICT',
          `${local.packageId} ${local.version} already exists on the server; nothing was uploaded.`,
          {
            hint: 'Bump the version, or push with overwriteMode IgnoreIfExists (--overwrite-mode ignore) to skip it or OverwriteExisting (overwrite) to replace it.',
            path: local.file,
          },
        );
      }
      if (effectiveMode === 'IgnoreIfExists') {
        const hash = await local.sha1();
        if (existing.Hash && hash && existing.Hash.toLowerCase() !== hash) {
          warn(
            `${local.name}: the server's copy of ${local.packageId} ${local.version} differs from this file (SHA-1 ${existing.Hash} there, ${hash} here); it was left as it is.`,
          );
        }
        return result('ignored', hash, 0);
      }
    }

    const query: Record<string, string> = knowsOverwriteMode
      ? { overwriteMode: effectiveMode }
      : { replace: effectiveMode === 'OverwriteExisting' ? 'true' : 'false' };
    const url = session.resolveLink(expandTemplate(uploadLink, query));
    const connection = session.connection;
    for (let attempt = 1; ; attempt++) {
      // No hashing on the way: it would cost a second per GB, and the server answers with the SHA-1 of what it stored.
      const size = local.size;
      const written = new WriteWatermark();
      const body = multipartBody(local.name, size, local.open(written));
      let failure: OctoError;
      let droppedOrTimedOut = false;
      try {
        const answer = await session
          .upload(
            url,
            body.parts,
            // A stream of unknown length goes chunked, as Octopus's Go CLI sends it.
            { 'content-type': body.contentType, ...(body.length !== undefined && { 'content-length': String(body.length) }) },
            (transferred) => {
              // The count includes the multipart head; report the package's own bytes.
              const fileBytes = Math.max(0, Math.min(size ?? Infinity, transferred - body.headLength));
              written.advance(fileBytes);
              const total = size ?? 0;
              options.onProgress?.({ transferred: fileBytes, total, percent: total === 0 ? 0 : fileBytes / total });
            },
          )
          .finally(() => written.close());
        if (answer.status === 201 || answer.status === 200) {
          const hash = serverHash(answer.body) ?? (await local.sha1());
          const outcome: PushOutcome = answer.status === 200 ? 'ignored' : existing ? 'overwritten' : 'created';
          // A 200 is an ignored upload even when the server sends no body with it.
          return result(outcome, hash, attempt);
        }
        failure = httpError(answer.status, answer.body, { method: 'POST', url, attempts: attempt }, answer.headers);
        if (!isRetryableStatus(answer.status) || attempt > connection.retries) throw failure;
        droppedOrTimedOut = answer.status === 408 || answer.status === 504;
        await sleep(retryAfterMs(answer.headers['retry-after']) ?? backoffDelay(attempt, connection.retryDelay));
      } catch (error) {
        const own = octoErrorIn(error); // e.g. the package stream failed while it was being sent
        if (own) throw own;
        failure = transportError(error, { method: 'POST', url: safeUrl(url), attempts: attempt });
        if (failure.code === 'ERR_OCTO_TLS' || attempt > connection.retries) throw failure;
        droppedOrTimedOut = true;
        await sleep(backoffDelay(attempt, connection.retryDelay));
      }
      if (droppedOrTimedOut) {
        // The server may have stored the package before the answer was lost: ask before sending it again.
        const stored = await findOnServer(session, links, local).catch(() => undefined);
        if (stored && stored.Hash) {
          const hash = await local.sha1();
          if (stored.Hash.toLowerCase() === hash) return result(existing ? 'overwritten' : 'created', hash, attempt);
        }
      }
    }
  } finally {
    await local.dispose();
  }
}

/** Pushes one package to an Octopus Server's built-in repository. */
export async function push(input: PushInput, options: PushOptions = {}): Promise<PushResult> {
  const session = await OctopusSession.create(await resolveConnectionWithOidc(options));
  const result = await pushWithSession(session, input, options).finally(() => session.close());
  return { ...result, warnings: [...new Set([...session.connection.warnings, ...result.warnings])] };
}
