import { stat } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import {
  type ArchiveEntry,
  type EntrySource,
  DEFAULT_DIRECTORY_MODE,
  DEFAULT_FILE_MODE,
  DEFAULT_SYMLINK_MODE,
  compareEntryNames,
} from './archive/entry.js';
import { checkPackageEntries } from './archive/check-entries.js';
import { assertEntryName } from './archive/entry-name.js';
import { notRegularFile } from './archive/entry-source.js';
import { SpoolFile } from './archive/spool-file.js';
import { writeArchiveFile, writeArchiveStream } from './archive/write-archive.js';
import { OctoError, readError } from './errors.js';
import { type PackageFormat, normalizeFormat } from './format.js';
import { type PackageIdentity, validateIdentity } from './identity.js';
import {
  BUILDER_OPTIONS,
  DIRECTORY_OPTIONS,
  ENTRY_OPTIONS,
  PATH_ENTRY_OPTIONS,
  STREAM_ENTRY_OPTIONS,
  TO_FILE_OPTIONS,
  assertStringArgument,
  checkOptions,
} from './options/pack-options.js';
import { normalizeCompressionLevel, resolveMtime } from './options/values.js';
import { type PackResult, packResult } from './pack.js';
import { directoryEntries, fileEntry, linkOutside, pathEntries, staysInside } from './builder-entries.js';

export interface PackageBuilderOptions extends PackageIdentity {
  format?: PackageFormat | 'targz';
  compressionLevel?: number;
  /** One time for every entry that does not set its own. Default: SOURCE_DATE_EPOCH, else now or the file's time. */
  mtime?: Date | number | string;
  /**
   * Bytes of added buffers held in memory; past this, each added buffer is copied to a temporary
   * spool file and released, so memory does not grow with the package. Default: 64 MiB.
   */
  memoryLimit?: number;
  /** Receives each warning (e.g. an entry name Windows cannot extract); they are also in toFile()'s `warnings`. */
  onWarning?: (message: string) => void;
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

export interface PathOptions extends EntryOptions {
  /** Pack what a link pointing outside the package leads to, instead of refusing it. Default: false. */
  followExternalSymlinks?: boolean;
}

type Pending = (fixed: Date | undefined) => Promise<ArchiveEntry[]>;

export const DEFAULT_BUILDER_MEMORY_LIMIT = 64 * 1024 * 1024;

/**
 * Checks an entry name and drops one trailing `/` (folders may be named so). Anything that could
 * land elsewhere when extracted is ERR_OCTO_INVALID_ENTRY: NUL, `.` or `..` components, a leading
 * `/`, a drive letter, a backslash.
 */
export function normalizeEntryName(name: string): string {
  if (typeof name !== 'string') {
    throw new OctoError('ERR_OCTO_INVALID_ENTRY', `An entry name must be a string, not ${typeof name}.`, {
      hint: 'Give entry names as relative paths inside the package, such as "dist/app.js".',
    });
  }
  const normalized = name.length > 1 && name.endsWith('/') ? name.slice(0, -1) : name;
  assertEntryName(normalized);
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
  readonly #memoryLimit: number;
  #heldBytes = 0;
  readonly #spool = new SpoolFile();
  #spooling: Promise<unknown>[] = [];
  #finished = false;
  readonly #onWarning: ((message: string) => void) | undefined;
  #warnings: string[] = [];

  constructor(options: PackageBuilderOptions) {
    checkOptions('createPackage()', options, BUILDER_OPTIONS);
    this.#onWarning = options.onWarning;
    this.format = normalizeFormat(options.format);
    this.name = validateIdentity({ id: options.id, version: options.version }, this.format);
    this.id = options.id;
    this.version = options.version;
    this.#level = normalizeCompressionLevel(options.compressionLevel);
    this.#mtime = resolveMtime(options.mtime);
    const limit = options.memoryLimit ?? DEFAULT_BUILDER_MEMORY_LIMIT;
    if (typeof limit !== 'number' || !(limit >= 0)) {
      throw new OctoError('ERR_OCTO_INVALID_OPTION', `The memoryLimit "${String(limit)}" is not a number of bytes.`, {
        hint: 'Give memoryLimit in bytes, e.g. 67108864 for 64 MiB, or leave it out.',
      });
    }
    this.#memoryLimit = limit;
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
    assertStringArgument('addFile()', 'the file', file);
    assertStringArgument('addFile()', 'the entry name', name, true);
    checkOptions('addFile()', options, ENTRY_OPTIONS);
    const entryName = normalizeEntryName(name ?? path.basename(file));
    return this.#add(async (fixed) => {
      const stats = await stat(file).catch((error: unknown) => Promise.reject(readError(error, file)));
      // Opening a FIFO would wait for a writer forever; only regular files have bytes to pack.
      if (!stats.isFile()) throw notRegularFile(path.resolve(file), stats);
      return [fileEntry(entryName, path.resolve(file), stats, options.mode, options.mtime ?? fixed ?? stats.mtime)];
    });
  }

  /** Adds bytes; past the builder's memoryLimit they are spooled to a temporary file (see drained()). */
  addBuffer(name: string, data: Uint8Array | string, options: EntryOptions = {}): this {
    const entryName = normalizeEntryName(name);
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
      throw new OctoError('ERR_OCTO_INVALID_OPTION', `addBuffer() takes the content of ${entryName} as a Buffer, Uint8Array or string.`, {
        hint: 'Pass the bytes as a Buffer (or a string, written as UTF-8).',
      });
    }
    checkOptions('addBuffer()', options, ENTRY_OPTIONS);
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let source: Promise<EntrySource> | EntrySource = { kind: 'buffer', data: bytes };
    if (this.#heldBytes + bytes.byteLength > this.#memoryLimit && bytes.byteLength > 0) {
      source = this.#spool.append(bytes);
      this.#spooling.push(source.catch(() => {})); // the error is reported by entries()
    } else {
      this.#heldBytes += bytes.byteLength;
    }
    return this.#add(async (fixed) => [
      {
        type: 'file',
        name: entryName,
        source: await source,
        mode: options.mode ?? DEFAULT_FILE_MODE,
        mtime: options.mtime ?? fixed ?? new Date(),
      },
    ]);
  }

  /** Resolves when every buffer added so far that goes to the spool file is written there: await it for back-pressure. */
  async drained(): Promise<void> {
    const spooling = this.#spooling;
    this.#spooling = [];
    await Promise.all(spooling);
  }

  /** Adds a stream's content; it is read only when the package is written. Give `size` if known. */
  addStream(name: string, stream: Readable, options: EntryOptions & { size?: number } = {}): this {
    const entryName = normalizeEntryName(name);
    if (stream === null || typeof stream !== 'object' || typeof (stream as Readable)[Symbol.asyncIterator] !== 'function') {
      throw new OctoError('ERR_OCTO_INVALID_OPTION', `addStream() takes the content of ${entryName} as a readable stream.`, {
        hint: 'Pass a Readable (e.g. fs.createReadStream(file)), or use addBuffer() for bytes in memory.',
      });
    }
    checkOptions('addStream()', options, STREAM_ENTRY_OPTIONS);
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
    assertStringArgument('addDirectory()', 'the folder', folder);
    checkOptions('addDirectory()', options, DIRECTORY_OPTIONS);
    const prefix = options.prefix === undefined || options.prefix === '' ? '' : normalizeEntryName(options.prefix);
    return this.#add((fixed) => directoryEntries(folder, prefix, options, fixed));
  }

  addEmptyDirectory(name: string, options: EntryOptions = {}): this {
    const entryName = normalizeEntryName(name);
    checkOptions('addEmptyDirectory()', options, ENTRY_OPTIONS);
    return this.#add(async (fixed) => [
      { type: 'directory', name: entryName, mode: options.mode ?? DEFAULT_DIRECTORY_MODE, mtime: options.mtime ?? fixed ?? new Date() },
    ]);
  }

  /** Adds a link; its target must be relative and stay inside the package. */
  addSymlink(name: string, target: string, options: EntryOptions = {}): this {
    const entryName = normalizeEntryName(name);
    assertStringArgument('addSymlink()', 'the link target', target);
    checkOptions('addSymlink()', options, ENTRY_OPTIONS);
    const linkTarget = target.replace(/\\/g, '/');
    // Resolved through the package's other links once every entry is known (see entries()).
    if (!staysInside(entryName, linkTarget)) throw linkOutside(entryName, linkTarget, undefined, false);
    return this.#add(async (fixed) => [
      {
        type: 'symlink',
        name: entryName,
        target: linkTarget,
        mode: options.mode ?? DEFAULT_SYMLINK_MODE,
        mtime: options.mtime ?? fixed ?? new Date(),
      },
    ]);
  }

  /**
   * Adds one path from disk as what it is: a file, a folder entry (without its content) or a link.
   * A link that stays inside the package is kept as a link; one that leads out is refused, or its
   * target packed with `followExternalSymlinks`. For task runners that list every path themselves.
   */
  addPath(file: string, name: string, options: PathOptions = {}): this {
    assertStringArgument('addPath()', 'the path', file);
    const entryName = normalizeEntryName(name);
    checkOptions('addPath()', options, PATH_ENTRY_OPTIONS);
    const absolute = path.resolve(file);
    return this.#add((fixed) => pathEntries(absolute, entryName, options, fixed));
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
    const entries = [...byName.values()].sort((a, b) => compareEntryNames(a.name, b.name));
    const warnings = checkPackageEntries(entries);
    const fresh = warnings.filter((warning) => !this.#warnings.includes(warning));
    this.#warnings = warnings;
    for (const warning of fresh) this.#onWarning?.(warning);
    return entries;
  }

  /** The warnings of the last entries() (or write): entry names Windows cannot extract. */
  get warnings(): readonly string[] {
    return this.#warnings;
  }

  /** Gives up on the package: nothing more can be added, and the spool file (if any) is removed. */
  async discard(): Promise<void> {
    this.#finished = true;
    await this.#spool.dispose(); // waits for writes under way first
  }

  /** Writes `<outFolder>/<id>.<version>.<ext>`, atomically. */
  async toFile(outFolder: string, options: { overwrite?: boolean } = {}): Promise<PackResult> {
    assertStringArgument('toFile()', 'the out folder', outFolder);
    checkOptions('toFile()', options, TO_FILE_OPTIONS);
    this.#finished = true;
    const entries = await this.entries().catch(async (error: unknown) => {
      await this.#spool.dispose();
      throw error;
    });
    const destination = path.join(path.resolve(outFolder), this.name);
    const written = await writeArchiveFile(entries, destination, {
      format: this.format,
      compressionLevel: this.#level,
      ...(options.overwrite !== undefined && { overwrite: options.overwrite }),
    }).finally(() => this.#spool.dispose());
    return packResult({
      file: written.path,
      fileName: this.name,
      packageId: this.id,
      version: this.version,
      format: this.format,
      size: written.size,
      sha1: written.sha1,
      entries: entries.length,
      warnings: [...this.#warnings],
    });
  }

  /**
   * The package as a stream, for piping straight into a push or a response. `done` settles when
   * the whole package has been written into the stream (or with the error that stopped it).
   */
  toStream(): { stream: Readable; name: string; done: Promise<{ size: number }> } {
    const stream = new PassThrough({ highWaterMark: 1024 * 1024 });
    this.#finished = true;
    const done = (async () => {
      try {
        const entries = await this.entries();
        const size = await writeArchiveStream(entries, stream, { format: this.format, compressionLevel: this.#level });
        return { size };
      } finally {
        await this.#spool.dispose();
      }
    })();
    done.catch((error: unknown) => stream.destroy(error as Error));
    return { stream, name: this.name, done };
  }
}

/** With no options at all it behaves as with `{}`: the missing `id` and `version` are reported as such. */
export function createPackage(options?: PackageBuilderOptions): PackageBuilder {
  return new PackageBuilder(options === undefined ? ({} as PackageBuilderOptions) : options);
}
