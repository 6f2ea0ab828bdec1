import { stat } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { type ArchiveEntry, DEFAULT_DIRECTORY_MODE, DEFAULT_FILE_MODE, DEFAULT_SYMLINK_MODE, compareEntryNames } from './archive/entry.js';
import { writeArchiveFile, writeArchiveStream } from './archive/write-archive.js';
import { OctoError, readError } from './errors.js';
import { type PackageFormat, normalizeFormat } from './format.js';
import { type PackageIdentity, validateIdentity } from './identity.js';
import { normalizeCompressionLevel, resolveMtime } from './options.js';
import type { PackResult } from './pack.js';
import { selectFiles } from './select/select-files.js';

export interface PackageBuilderOptions extends PackageIdentity {
  format?: PackageFormat | 'targz';
  compressionLevel?: number;
  /** One time for every entry that does not set its own. Default: SOURCE_DATE_EPOCH, else now or the file's time. */
  mtime?: Date | number | string;
}

export interface EntryOptions {
  /** Permission bits, e.g. `0o755`. Default: 0o644 (files), 0o755 (folders), or the file's own mode. */
  mode?: number;
  /** Default: the builder's mtime, else the file's own time, else now. */
  mtime?: Date;
}

export interface DirectoryOptions {
  /** A folder inside the package to put the directory's content under. Default: the root. */
  prefix?: string;
  include?: string[];
  exclude?: string[];
}

type Pending = (fixed: Date | undefined) => Promise<ArchiveEntry[]>;

/**
 * Normalises an entry name to a relative `/`-separated path, refusing anything that could escape
 * the extraction folder.
 */
export function normalizeEntryName(name: string): string {
  const normalized = String(name)
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '')
    .replace(/\/{2,}/g, '/');
  if (
    normalized === '' ||
    normalized === '.' ||
    normalized.startsWith('/') ||
    /^[A-Za-z]:/.test(normalized) ||
    normalized.split('/').includes('..')
  ) {
    throw new OctoError('ERR_OCTO_INVALID_ENTRY', `"${name}" cannot be an entry name in a package.`, {
      hint: 'Entry names are relative paths inside the package, such as "dist/app.js": no leading "/", drive letter or "..".',
    });
  }
  return normalized;
}

/**
 * Assembles a package by hand, from files, buffers, streams and folders (what octopackjs's
 * `append` was used for), then writes it to a file or a stream.
 */
export class PackageBuilder {
  readonly id: string;
  readonly version: string;
  readonly format: PackageFormat;
  readonly name: string;
  readonly #level: number;
  readonly #mtime: Date | undefined;
  readonly #pending: Pending[] = [];
  #finished = false;

  constructor(options: PackageBuilderOptions) {
    this.format = normalizeFormat(options.format);
    this.name = validateIdentity({ id: options.id, version: options.version }, this.format);
    this.id = options.id;
    this.version = options.version;
    this.#level = normalizeCompressionLevel(options.compressionLevel);
    this.#mtime = resolveMtime(options.mtime);
  }

  #add(pending: Pending): this {
    if (this.#finished) {
      throw new OctoError('ERR_OCTO_INVALID_ENTRY', `The package ${this.name} was already written; nothing more can be added.`, {
        hint: 'Make a new builder for another package.',
      });
    }
    this.#pending.push(pending);
    return this;
  }

  /** Adds a file from disk, under `name` (default: its base name). */
  addFile(file: string, name?: string, options: EntryOptions = {}): this {
    const entryName = normalizeEntryName(name ?? path.basename(file));
    return this.#add(async (fixed) => {
      let stats;
      try {
        stats = await stat(file);
      } catch (error) {
        throw readError(error, file);
      }
      return [
        {
          type: 'file',
          name: entryName,
          source: { kind: 'path', path: path.resolve(file), size: stats.size },
          mode: options.mode ?? stats.mode & 0o7777,
          mtime: options.mtime ?? fixed ?? stats.mtime,
        },
      ];
    });
  }

  addBuffer(name: string, data: Uint8Array | string, options: EntryOptions = {}): this {
    const entryName = normalizeEntryName(name);
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    return this.#add(async (fixed) => [
      {
        type: 'file',
        name: entryName,
        source: { kind: 'buffer', data: bytes },
        mode: options.mode ?? DEFAULT_FILE_MODE,
        mtime: options.mtime ?? fixed ?? new Date(),
      },
    ]);
  }

  /** Adds a stream's content; it is read only when the package is written. Give `size` if known. */
  addStream(name: string, stream: Readable, options: EntryOptions & { size?: number } = {}): this {
    const entryName = normalizeEntryName(name);
    return this.#add(async (fixed) => [
      {
        type: 'file',
        name: entryName,
        source: { kind: 'stream', stream, ...(options.size !== undefined && { size: options.size }) },
        mode: options.mode ?? DEFAULT_FILE_MODE,
        mtime: options.mtime ?? fixed ?? new Date(),
      },
    ]);
  }

  /** Adds a folder's content, at the root or under `prefix`, with the same rules as pack(). */
  addDirectory(folder: string, options: DirectoryOptions = {}): this {
    const prefix = options.prefix === undefined || options.prefix === '' ? '' : normalizeEntryName(options.prefix);
    return this.#add(async (fixed) => {
      const entries = await selectFiles({
        basePath: folder,
        ...(options.include && { include: options.include }),
        ...(options.exclude && { exclude: options.exclude }),
        ...(fixed && { mtime: fixed }),
      });
      if (prefix === '') return entries;
      const parents: ArchiveEntry[] = prefix.split('/').map((_, index, parts) => ({
        type: 'directory',
        name: parts.slice(0, index + 1).join('/'),
        mode: DEFAULT_DIRECTORY_MODE,
        mtime: fixed ?? new Date(),
      }));
      return [...parents, ...entries.map((entry) => ({ ...entry, name: `${prefix}/${entry.name}` }))];
    });
  }

  addEmptyDirectory(name: string, options: EntryOptions = {}): this {
    const entryName = normalizeEntryName(name);
    return this.#add(async (fixed) => [
      { type: 'directory', name: entryName, mode: options.mode ?? DEFAULT_DIRECTORY_MODE, mtime: options.mtime ?? fixed ?? new Date() },
    ]);
  }

  addSymlink(name: string, target: string, options: EntryOptions = {}): this {
    const entryName = normalizeEntryName(name);
    return this.#add(async (fixed) => [
      {
        type: 'symlink',
        name: entryName,
        target: target.replace(/\\/g, '/'),
        mode: options.mode ?? DEFAULT_SYMLINK_MODE,
        mtime: options.mtime ?? fixed ?? new Date(),
      },
    ]);
  }

  /** The entries in the order they will be written; parents of nested names get folder entries. */
  async entries(): Promise<ArchiveEntry[]> {
    const byName = new Map<string, ArchiveEntry>();
    for (const pending of this.#pending) {
      for (const entry of await pending(this.#mtime)) {
        const existing = byName.get(entry.name);
        if (existing && !(existing.type === 'directory' && entry.type === 'directory')) {
          throw new OctoError('ERR_OCTO_INVALID_ENTRY', `"${entry.name}" was added to ${this.name} twice.`, {
            hint: 'Give each entry its own name, or add a folder only once.',
          });
        }
        byName.set(entry.name, entry);
      }
    }
    const now = this.#mtime ?? new Date();
    for (const name of [...byName.keys()]) {
      const parts = name.split('/');
      for (let index = 1; index < parts.length; index++) {
        const parent = parts.slice(0, index).join('/');
        if (!byName.has(parent)) byName.set(parent, { type: 'directory', name: parent, mode: DEFAULT_DIRECTORY_MODE, mtime: now });
      }
    }
    return [...byName.values()].sort((a, b) => compareEntryNames(a.name, b.name));
  }

  /** Writes `<outFolder>/<id>.<version>.<ext>`, atomically. */
  async toFile(outFolder: string, options: { overwrite?: boolean } = {}): Promise<PackResult> {
    const entries = await this.entries();
    this.#finished = true;
    const destination = path.join(path.resolve(outFolder), this.name);
    const written = await writeArchiveFile(entries, destination, {
      format: this.format,
      compressionLevel: this.#level,
      ...(options.overwrite !== undefined && { overwrite: options.overwrite }),
    });
    return { ...written, name: this.name, id: this.id, version: this.version, format: this.format, entries: entries.length };
  }

  /**
   * The package as a stream, for piping straight into a push or a response. `done` settles when
   * the whole package has been written into the stream (or with the error that stopped it).
   */
  toStream(): { stream: Readable; name: string; done: Promise<{ size: number }> } {
    const stream = new PassThrough({ highWaterMark: 1024 * 1024 });
    this.#finished = true;
    const done = (async () => {
      const entries = await this.entries();
      const size = await writeArchiveStream(entries, stream, { format: this.format, compressionLevel: this.#level });
      return { size };
    })();
    done.catch((error: unknown) => stream.destroy(error as Error));
    return { stream, name: this.name, done };
  }
}

export function createPackage(options: PackageBuilderOptions): PackageBuilder {
  return new PackageBuilder(options);
}
