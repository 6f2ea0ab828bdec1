import { open, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type RollingChecksumName, applyDelta, isOctodiffError, writeSignature } from '@octojs/octodiff';
import type { Exchange, FeedContext } from './context.js';
import { TEMPORARY_SUFFIX, syncFolder } from './durable.js';
import { HttpProblem, badRequest, storageProblem } from './http-problem.js';
import { checkPackageFileName } from './limits.js';
import { overwriteMode, receivePackageFile, requirePush, storeAndAnswer } from './package-routes.js';
import type { StoredPackage } from './package-store.js';
import type { Grant } from './permissions.js';
import type { Space } from './resources.js';
import { type Spooled, spool } from './spool.js';
import { compareVersions, isVersion } from './version.js';

/** How the feed writes the signatures it serves (octopus-api.md §3.3: Octodiff's defaults are Adler32 and 2048). */
export interface DeltaSettings {
  chunkSize: number;
  rollingChecksum: RollingChecksumName;
}

export const DEFAULT_DELTA: DeltaSettings = { chunkSize: 2048, rollingChecksum: 'Adler32' };

const INVALID_VERSION = 'Invalid semantic version supplied';

/**
 * The base a delta is built against (octopus-api.md §3.1, the emulator's rule): the highest stored version of the
 * id below the requested one, else the highest stored version; undefined when the id has none.
 */
export function chooseBase(context: FeedContext, spaceId: string, packageId: string, version: string): StoredPackage | undefined {
  const id = packageId.toLowerCase();
  const versions = context.store
    .list(spaceId)
    .filter((record) => record.packageId.toLowerCase() === id)
    .sort((a, b) => compareVersions(b.version, a.version));
  return versions.find((record) => compareVersions(record.version, version) < 0) ?? versions[0];
}

/**
 * The cached signature of a stored file, made on first request: written to a temporary file, flushed, renamed
 * beside the package. Under the package's write lock, so that it is never made of a file being replaced.
 * Resolves with an open handle: the answer reads it even if the package is replaced meanwhile.
 */
async function cachedSignature(
  context: FeedContext,
  base: StoredPackage,
): Promise<{ record: StoredPackage; handle: Awaited<ReturnType<typeof open>> }> {
  const { delta } = context;
  return context.store.exclusive(base, async () => {
    const record = context.store.find(base.spaceId, base.packageId, base.version);
    if (!record) throw new HttpProblem(404, `No package with the same ID exists on the server.`);
    const cache = context.store.signaturePath(record, `${delta.rollingChecksum}-${delta.chunkSize}`);
    const existing = await open(cache, 'r').catch(() => undefined);
    if (existing) return { record, handle: existing };
    const temporary = `${cache}.${randomBytes(4).toString('hex')}${TEMPORARY_SUFFIX}`;
    try {
      const stream = createWriteStream(temporary, { flags: 'wx', flush: true });
      const closed = once(stream, 'close'); // flushed to disk before it is renamed into place
      await writeSignature(context.store.filePath(record), stream, delta);
      await closed;
      await rename(temporary, cache);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => {});
      throw storageProblem(error) ?? error;
    }
    await syncFolder(path.dirname(cache)).catch(() => {});
    return { record, handle: await open(cache, 'r') };
  });
}

/**
 * `GET /api/{space}/packages/{id}/{version}/delta-signature`: `{ Signature, BaseVersion }`, the signature as
 * base64 and streamed (a 1 GiB package's signature is 13 MB).
 */
export async function getDeltaSignature(
  context: FeedContext,
  exchange: Exchange,
  space: Space,
  grant: Grant,
  packageId: string,
  version: string,
): Promise<void> {
  requirePush(exchange, grant);
  if (!isVersion(version)) throw badRequest(INVALID_VERSION);
  const base = chooseBase(context, space.id, packageId, version);
  if (!base) throw new HttpProblem(404, 'No package with the same ID exists on the server.');
  const { record, handle } = await cachedSignature(context, base);
  try {
    const { size } = await handle.stat();
    const head = Buffer.from(`{"BaseVersion":${JSON.stringify(record.version)},"Signature":"`);
    const tail = Buffer.from('"}');
    const { response } = exchange;
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(head.byteLength + 4 * Math.ceil(size / 3) + tail.byteLength),
    });
    await pipeline(async function* () {
      yield head;
      let carry: Buffer = Buffer.alloc(0);
      for await (const chunk of handle.createReadStream({ highWaterMark: 3 * 256 * 1024, autoClose: false })) {
        const bytes = carry.byteLength ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
        const whole = bytes.byteLength - (bytes.byteLength % 3);
        yield Buffer.from(bytes.subarray(0, whole).toString('base64'));
        carry = bytes.subarray(whole);
      }
      yield Buffer.from(carry.toString('base64'));
      yield tail;
    }, response);
  } finally {
    await handle.close();
  }
}

/** The name of the rebuilt package, from the file part's name, which must be of the URL's package id. */
function checkDeltaName(fileName: string, packageId: string): ReturnType<typeof checkPackageFileName> & { fileName: string } {
  const name = checkPackageFileName(fileName);
  if (name.packageId.toLowerCase() !== packageId.toLowerCase()) {
    throw badRequest(
      `The file name ${fileName} is not of package ${packageId}: a delta must be uploaded with the new package's file name.`,
    );
  }
  return { fileName, ...name };
}

/** An Octodiff refusal as the 400 it is: the delta is corrupt, truncated, or not of this base. */
function deltaProblem(error: unknown): unknown {
  if (!isOctodiffError(error)) return storageProblem(error) ?? error;
  if (error.code === 'ERR_OCTODIFF_READ_FAILED' || error.code === 'ERR_OCTODIFF_WRITE_FAILED') return storageProblem(error.cause) ?? error;
  return badRequest(error.message);
}

/** Applies the delta to the stored base under the base's write lock, spooling the result as an upload is spooled. */
async function rebuild(context: FeedContext, spaceId: string, packageId: string, baseVersion: string, delta: Spooled): Promise<Spooled> {
  const missing = (): HttpProblem =>
    new HttpProblem(404, `The base package ${packageId} ${baseVersion} of this delta is not on the server.`, [
      'Ask for a delta signature again: the base version it names is the one to build the delta against.',
    ]);
  const found = context.store.find(spaceId, packageId, baseVersion);
  if (!found) throw missing();
  return context.store.exclusive(found, async () => {
    const base = context.store.find(spaceId, packageId, baseVersion);
    if (!base) throw missing();
    const output = new PassThrough({ highWaterMark: 4 * 1024 * 1024 });
    const spooling = spool(output, context.store.uploadsFolder, context.faults, { hashed: false });
    const applying = applyDelta(context.store.filePath(base), delta.path, output).catch((error: unknown) => {
      output.destroy(error as Error); // a delta refused before its first byte leaves the spool waiting otherwise
      throw error;
    });
    const [applied, spooled] = await Promise.allSettled([applying, spooling]);
    if (applied.status === 'rejected') {
      if (spooled.status === 'fulfilled') await rm(spooled.value.path, { force: true }).catch(() => {});
      throw deltaProblem(applied.reason);
    }
    if (spooled.status === 'rejected') throw storageProblem(spooled.reason) ?? spooled.reason;
    // The applier hashed what it wrote and checked it against the delta's header: that is the stored file's SHA-1.
    return { ...spooled.value, hash: applied.value.sha1 };
  });
}

/**
 * `POST /api/{space}/packages/{id}/{baseVersion}/delta` (octopus-api.md §3.1): one file part holding an Octodiff
 * delta, named as the new package. The delta is applied to the stored base and checked against the SHA-1 in its
 * header; the rebuilt file is stored exactly as a full upload is (same overwrite rules, lock and atomic commit).
 */
export async function uploadDelta(
  context: FeedContext,
  exchange: Exchange,
  space: Space,
  grant: Grant,
  packageId: string,
  baseVersion: string,
): Promise<void> {
  const { request, url } = exchange;
  requirePush(exchange, grant);
  if (!isVersion(baseVersion)) {
    request.resume();
    throw badRequest(INVALID_VERSION);
  }
  const mode = overwriteMode(url, context.legacy);
  const received = await receivePackageFile(context, exchange, (fileName) => checkDeltaName(fileName, packageId));
  if (!received) throw badRequest('A delta file must be provided');
  const { name, file: delta } = received;
  let file: Spooled;
  try {
    if (delta.size === 0) throw badRequest('The uploaded delta file had length equal to 0. Please upload a non-empty delta file.');
    file = await rebuild(context, space.id, packageId, baseVersion, delta);
  } finally {
    await rm(delta.path, { force: true }).catch(() => {});
  }
  await storeAndAnswer(context, exchange, space, grant, { name, file, mode });
}

/** The delta routes under `…/packages/`: undefined when the request is not one of them. */
export function deltaRoute(
  context: FeedContext,
  exchange: Exchange,
  space: Space,
  grant: Grant,
  rest: string[],
): Promise<void> | undefined {
  if (!context.deltaEnabled || rest.length !== 4) return undefined;
  const [, packageId, version, action] = rest as [string, string, string, string];
  if (exchange.method === 'GET' && action === 'delta-signature')
    return getDeltaSignature(context, exchange, space, grant, packageId, version);
  if (exchange.method === 'POST' && action === 'delta') return uploadDelta(context, exchange, space, grant, packageId, version);
  return undefined;
}
