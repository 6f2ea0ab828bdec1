import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { OctoError, isOctoError } from '../errors.js';
import { supportedExtensionOf } from '../format.js';
import { parseWithCalamari, parseWithClientRegex } from '../identity.js';
import { httpError, safeUrl, transportError } from './http-errors.js';
import { multipartBody } from './multipart-body.js';
import { OctopusSession, type PackageResource, expandTemplate } from './octopus-session.js';
import { type OverwriteMode, type PushOptions, normalizeOverwriteMode, resolveConnection } from './push-options.js';
import { spoolStream } from './spool-stream.js';
import { backoffDelay, isRetryableStatus, retryAfterMs } from './retry-policy.js';

/** A package to push: a path, bytes with their file name, or a stream with its file name (and size, if known). */
export type PushInput = string | { path: string } | { data: Uint8Array; name: string } | { stream: Readable; name: string; size?: number };

export type PushOutcome = 'created' | 'overwritten' | 'ignored';

export interface PushResult {
  /** The local path (or the name, for a stream). */
  file: string;
  /** The file name sent, `<id>.<version>.<ext>`. */
  name: string;
  packageId: string;
  version: string;
  outcome: PushOutcome;
  /** SHA-1 of the local package (lowercase hex). */
  hash: string;
  /** Size in bytes. */
  size: number;
  /** The space id pushed to (undefined: the server's default space). */
  spaceId: string | undefined;
  /** How many upload attempts were made (0 when the pre-flight check made the upload unnecessary). */
  attempts: number;
  warnings: string[];
}

interface LocalPackage {
  file: string;
  name: string;
  packageId: string;
  version: string;
  size: number;
  /** Opens the content again for each attempt. */
  open(): AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  sha1(): Promise<string>;
  /** Cleans up a spooled stream. */
  dispose(): Promise<void>;
}

async function sha1File(file: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function identityOf(name: string): { packageId: string; version: string } {
  if (!supportedExtensionOf(name)) {
    throw new OctoError('ERR_OCTO_UNSUPPORTED_FORMAT', `${name} does not have an extension the Octopus built-in feed accepts.`, {
      hint: 'Push .zip, .tar.gz, .tgz, .tar (or .nupkg, .jar, .war) packages named <id>.<version>.<ext>.',
    });
  }
  const client = parseWithClientRegex(name);
  const calamari = parseWithCalamari(name);
  if (!client || !calamari) {
    throw new OctoError(
      'ERR_OCTO_AMBIGUOUS_NAME',
      `${name} is not named <id>.<version>.<ext>, so Octopus cannot tell its id and version.`,
      {
        hint: 'Rename the file to <id>.<version>.<ext>, for example MyApp.Web.1.2.3.zip, or create it with octojs pack.',
      },
    );
  }
  if (client.id !== calamari.id || client.version !== calamari.version) {
    throw new OctoError(
      'ERR_OCTO_AMBIGUOUS_NAME',
      `${name} can be read as id "${client.id}" version "${client.version}" or id "${calamari.id}" version "${calamari.version}"; the server may pick either.`,
      { hint: 'Avoid digits-only id segments and more than four numeric version parts.' },
    );
  }
  return { packageId: calamari.id, version: calamari.version };
}

async function localPackage(input: PushInput): Promise<LocalPackage> {
  if (typeof input === 'string' || 'path' in input) {
    const file = path.resolve(typeof input === 'string' ? input : input.path);
    const name = path.basename(file);
    let size: number;
    try {
      const stats = await stat(file);
      if (!stats.isFile()) throw new Error('not a file');
      size = stats.size;
    } catch (error) {
      throw new OctoError('ERR_OCTO_PACKAGE_NOT_FOUND', `The package ${file} does not exist or is not a file.`, {
        hint: 'Check the path; relative paths resolve against the current folder.',
        cause: error,
        path: file,
      });
    }
    let hash: Promise<string> | undefined;
    return {
      file,
      name,
      ...identityOf(name),
      size,
      open: () => createReadStream(file, { highWaterMark: 1024 * 1024 }),
      sha1: () => (hash ??= sha1File(file)),
      dispose: async () => {},
    };
  }
  const name = path.basename(input.name);
  const identity = identityOf(name);
  if ('data' in input) {
    const data = Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength);
    return {
      file: name,
      name,
      ...identity,
      size: data.byteLength,
      open: () =>
        (function* () {
          for (let offset = 0; offset < data.byteLength; offset += 1024 * 1024) yield data.subarray(offset, offset + 1024 * 1024);
        })(),
      sha1: async () => createHash('sha1').update(data).digest('hex'),
      dispose: async () => {},
    };
  }
  const spooled = await spoolStream(input.stream, name);
  if (input.size !== undefined && input.size !== spooled.size) {
    await spooled.dispose();
    throw new OctoError(
      'ERR_OCTO_UNREADABLE_FILE',
      `The package stream for ${name} gave ${spooled.size} bytes, not the ${input.size} announced.`,
      {
        hint: 'Give the right size, or leave it out.',
      },
    );
  }
  return {
    file: name,
    name,
    ...identity,
    size: spooled.size,
    open: () => createReadStream(spooled.path, { highWaterMark: 1024 * 1024 }),
    sha1: async () => spooled.sha1,
    dispose: spooled.dispose,
  };
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
  const local = await localPackage(input);
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
    const result = (outcome: PushOutcome, hash: string, attempts: number): PushResult => ({
      file: local.file,
      name: local.name,
      packageId: local.packageId,
      version: local.version,
      outcome,
      hash,
      size: local.size,
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
        if (existing.Hash && existing.Hash.toLowerCase() !== hash) {
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
      const hasher = createHash('sha1');
      let sent = 0;
      async function* content(): AsyncGenerator<Uint8Array> {
        for await (const chunk of local.open()) {
          hasher.update(chunk);
          sent += chunk.byteLength;
          yield chunk;
        }
      }
      const body = multipartBody(local.name, local.size, content());
      let failure: OctoError;
      let droppedOrTimedOut = false;
      try {
        const answer = await session.upload(
          url,
          body.stream,
          { 'content-type': body.contentType, 'content-length': String(body.length) },
          options.onProgress &&
            ((transferred) => {
              // got counts the multipart framing too; report the package's own bytes.
              const fileBytes = Math.min(local.size, Math.round((local.size * transferred) / body.length));
              options.onProgress!({ transferred: fileBytes, total: local.size, percent: local.size === 0 ? 1 : fileBytes / local.size });
            }),
        );
        if (answer.status === 201 || answer.status === 200) {
          const hash = sent === local.size ? hasher.digest('hex') : await local.sha1();
          const outcome: PushOutcome = answer.status === 200 ? 'ignored' : existing ? 'overwritten' : 'created';
          // A 200 is an ignored upload even when the server sends no body with it.
          return result(outcome, hash, attempt);
        }
        failure = httpError(answer.status, answer.body, { method: 'POST', url, attempts: attempt }, answer.headers);
        if (!isRetryableStatus(answer.status) || attempt > connection.retries) throw failure;
        droppedOrTimedOut = answer.status === 408 || answer.status === 504;
        await sleep(retryAfterMs(answer.headers['retry-after']) ?? backoffDelay(attempt, connection.retryDelay));
      } catch (error) {
        if (isOctoError(error)) throw error;
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
  const session = await OctopusSession.create(resolveConnection(options));
  const result = await pushWithSession(session, input, options);
  return { ...result, warnings: [...new Set([...session.connection.warnings, ...result.warnings])] };
}
