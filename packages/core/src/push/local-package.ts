import { createHash } from 'node:crypto';
import { ReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { OctoError } from '../errors.js';
import { supportedExtensionOf } from '../format.js';
import { parseWithCalamari, parseWithClientRegex } from '../identity.js';
import { FILE_CHUNK, type WriteWatermark, recycledChunks, sha1File } from './chunk-buffers.js';
import { MAGIC_BYTES, checkPackageFormat } from './package-format.js';
import { StreamPackage } from './stream-package.js';

export type PushInput = string | { path: string } | { data: Uint8Array; name: string } | { stream: Readable; name: string; size?: number };

/** A package to push, whatever it came as: its identity, and its bytes as often as attempts need them. */
export interface LocalPackage {
  /** The local path (or the name, for bytes and streams). */
  file: string;
  name: string;
  packageId: string;
  version: string;
  /** Known up front for files and bytes; for a stream, once it has been read to its end (or when announced). */
  readonly size: number | undefined;
  /** The content, again for each attempt; `written` tells how much of it the upload has sent, so that buffers can be reused. */
  open(written: WriteWatermark): AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /**
   * Lowercase hex SHA-1, computed only when asked for (it costs about a second per GB); undefined for
   * a stream that was sent without a copy and can no longer be read.
   */
  sha1(): Promise<string | undefined>;
  /** Removes a stream's spool file. */
  dispose(): Promise<void>;
  /** The content at rest, readable at will (a file's path, or the bytes): what a delta is built from; none for a stream. */
  readonly deltaSource?: string | Uint8Array;
}

export function identityOf(name: string): { packageId: string; version: string } {
  if (!supportedExtensionOf(name)) {
    throw new OctoError('ERR_OCTO_UNSUPPORTED_FORMAT', `${name} does not have an extension the Octopus built-in feed accepts.`, {
      hint: 'Push .zip, .tar.gz, .tgz, .tar (or .nupkg, .jar, .war) packages named <id>.<version>.<ext>.',
      path: name,
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

function filePackage(file: string, name: string, size: number): LocalPackage {
  let hash: Promise<string> | undefined;
  return {
    file,
    name,
    ...identityOf(name),
    size,
    open: (written) => recycledChunks(file, written),
    sha1: () => (hash ??= sha1File(file)),
    dispose: async () => {},
    deltaSource: file,
  };
}

/**
 * The file a stream would read, when it is an untouched fs.ReadStream of a whole regular file
 * (`createReadStream(path)`): pushing that file directly needs no copy for retries and none of
 * the stream's buffers, so it is as fast and as lean as pushing the path.
 */
async function wholeFileOf(stream: Readable): Promise<{ file: string; size: number } | undefined> {
  if (!(stream instanceof ReadStream) || typeof stream.path !== 'string') return undefined;
  const untouched = stream.bytesRead === 0 && stream.readableFlowing === null && stream.readableLength === 0;
  const whole = (stream as ReadStream & { start?: number }).start === undefined && (stream as { end?: number }).end === Infinity;
  if (!untouched || !whole) return undefined;
  const stats = await stat(stream.path).catch(() => undefined);
  return stats?.isFile() ? { file: path.resolve(stream.path), size: stats.size } : undefined;
}

async function fileHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(MAGIC_BYTES);
    const { bytesRead } = await handle.read(head, 0, MAGIC_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function regularFile(input: string | { path: string }): Promise<{ file: string; size: number }> {
  const file = path.resolve(typeof input === 'string' ? input : input.path);
  try {
    const stats = await stat(file);
    if (!stats.isFile()) throw new Error('not a regular file');
    return { file, size: stats.size };
  } catch (error) {
    throw new OctoError('ERR_OCTO_PACKAGE_NOT_FOUND', `The package ${file} does not exist or is not a file.`, {
      hint: 'Check the path; relative paths resolve against the current folder.',
      cause: error,
      path: file,
    });
  }
}

function checkInput(input: unknown): asserts input is PushInput {
  if (typeof input === 'string' && input.trim() !== '') return;
  const object = input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : undefined;
  if (object && typeof object.path === 'string') return;
  const named = object && typeof object.name === 'string' && object.name.trim() !== '';
  if (named && object.data instanceof Uint8Array) return;
  if (named && typeof (object.stream as { [Symbol.asyncIterator]?: unknown })?.[Symbol.asyncIterator] === 'function') {
    if (object.size === undefined || (typeof object.size === 'number' && Number.isInteger(object.size) && object.size >= 0)) return;
  }
  throw new OctoError('ERR_OCTO_INVALID_OPTION', 'A package to push is a path, { path }, { data, name } or { stream, name, size? }.', {
    hint: 'Give the path of the package file, or its bytes or stream with its file name <id>.<version>.<ext>.',
  });
}

/** The package as given, before its bytes are checked. */
async function openPackage(input: PushInput, keepStreamCopy: boolean): Promise<{ local: LocalPackage; head: () => Promise<Buffer> }> {
  if (typeof input === 'string' || 'path' in input) {
    const { file, size } = await regularFile(input);
    return { local: filePackage(file, path.basename(file), size), head: () => fileHead(file) };
  }
  if ('stream' in input) {
    const whole = await wholeFileOf(input.stream);
    if (whole && (input.size === undefined || input.size === whole.size)) {
      input.stream.destroy(); // it has not opened its file yet, or closes it now: the file is read here instead
      const local = { ...filePackage(whole.file, path.basename(input.name), whole.size), file: path.basename(input.name) };
      return { local, head: () => fileHead(whole.file) };
    }
  }
  const name = path.basename(input.name);
  const identity = identityOf(name);
  if ('data' in input) {
    const data = Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength);
    const local: LocalPackage = {
      file: name,
      name,
      ...identity,
      size: data.byteLength,
      open: function* () {
        for (let offset = 0; offset < data.byteLength; offset += FILE_CHUNK) yield data.subarray(offset, offset + FILE_CHUNK);
      },
      sha1: async () => createHash('sha1').update(data).digest('hex'),
      dispose: async () => {},
      deltaSource: data,
    };
    return { local, head: async () => data.subarray(0, MAGIC_BYTES) };
  }
  const stream = new StreamPackage(name, identity, input.stream, input.size, keepStreamCopy);
  return { local: stream, head: () => stream.peek(MAGIC_BYTES) };
}

/**
 * The package to push, its name and bytes checked before anything is sent. `keepStreamCopy`: copy
 * a stream (other than an untouched file stream) to a temporary file as it is sent, so that a
 * retry can send it again.
 */
export async function localPackage(input: PushInput, { keepStreamCopy = true } = {}): Promise<LocalPackage> {
  checkInput(input);
  const { local, head } = await openPackage(input, keepStreamCopy);
  try {
    checkPackageFormat(local.name, await head(), local.file);
  } catch (error) {
    await local.dispose();
    throw error;
  }
  return local;
}
