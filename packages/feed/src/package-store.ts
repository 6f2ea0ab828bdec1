import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { KeyedMutex, TEMPORARY_SUFFIX, syncFolder, writeFileAtomic } from './durable.js';
import { type FaultInjector, isSimulatedCrash } from './faults.js';
import type { Spooled } from './spool.js';
import { versionKey } from './version.js';

/** What the feed knows of a stored package. */
export interface StoredPackage {
  spaceId: string;
  packageId: string;
  version: string;
  fileName: string;
  extension: string;
  size: number;
  hash: string;
  published: string;
}

/** A record on disk: the package and the name of its file beside the record. */
interface RecordFile extends StoredPackage {
  format: 2;
  blob: string;
}

interface Entry {
  record: StoredPackage;
  blob: string;
  /** A record of the layout before format 2 (`<file>.record.json`), removed when the package is next written. */
  legacyRecord?: string;
}

export type OverwriteMode = 'FailIfExists' | 'OverwriteExisting' | 'IgnoreIfExists';

export interface PackageIdentity {
  spaceId: string;
  packageId: string;
  version: string;
  extension: string;
  fileName: string;
}

export interface CommitRequest {
  identity: PackageIdentity;
  mode: OverwriteMode;
  /** The complete new file; the store takes it over (moves it in, or removes it). */
  file: Spooled;
  /** Called with the stored package before it is replaced; throws to refuse (e.g. a 403). */
  authorizeOverwrite?: (existing: StoredPackage) => void;
}

export type CommitResult =
  { outcome: 'created' | 'overwritten'; record: StoredPackage } | { outcome: 'ignored' | 'exists'; record: StoredPackage };

const UPLOADS = 'uploads';
const SPACES = 'spaces';

/**
 * Packages on disk: `spaces/<space>/<package id>/<version>.json` records, each naming its file beside it
 * (`<name>~<nonce><ext>`). A file is never written over: a new upload gets a new name, and the record's
 * atomic replacement is the one moment the package changes, so a crash at any point leaves the old package
 * or the new one, whole. Files no record names are leftovers of such a crash and go at start-up.
 */
export class PackageStore {
  readonly #root: string;
  readonly #faults: FaultInjector;
  readonly #index = new Map<string, Entry>();
  readonly #locks = new KeyedMutex();

  private constructor(root: string, faults: FaultInjector) {
    this.#root = root;
    this.#faults = faults;
  }

  static async open(dataDir: string, faults: FaultInjector): Promise<PackageStore> {
    const store = new PackageStore(path.resolve(dataDir), faults);
    await mkdir(store.uploadsFolder, { recursive: true });
    await store.#load();
    return store;
  }

  /** Where uploads are spooled while they arrive; on the same disk so that storing is a rename. */
  get uploadsFolder(): string {
    return path.join(this.#root, UPLOADS);
  }

  async #load(): Promise<void> {
    // Leftovers of uploads that never finished are not packages.
    for (const leftover of await readdir(this.uploadsFolder)) await rm(path.join(this.uploadsFolder, leftover), { force: true });
    const spacesFolder = path.join(this.#root, SPACES);
    for (const space of await readdir(spacesFolder).catch(() => [])) {
      for (const id of await readdir(path.join(spacesFolder, space)).catch(() => [])) {
        await this.#loadFolder(path.join(spacesFolder, space, id));
      }
    }
  }

  async #loadFolder(folder: string): Promise<void> {
    const names = await readdir(folder).catch(() => [] as string[]); // not a folder: not ours
    const found = new Map<string, Entry>();
    for (const name of names) {
      if (name.endsWith(TEMPORARY_SUFFIX)) {
        await rm(path.join(folder, name), { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const entry = await readRecord(folder, name);
      if (!entry) continue;
      const key = keyOf(entry.record);
      const other = found.get(key);
      // A format-2 record wins over a legacy one: it was written later, by the write that was replacing it.
      if (!other || (other.legacyRecord && !entry.legacyRecord)) {
        if (other?.legacyRecord) entry.legacyRecord = other.legacyRecord;
        found.set(key, entry);
      }
    }
    const referenced = new Set([...found.values()].flatMap((entry) => [entry.blob, entry.legacyRecord]));
    for (const [key, entry] of found) {
      const size = await stat(path.join(folder, entry.blob)).then(
        (stats) => stats.size,
        () => -1,
      );
      if (size === entry.record.size) this.#index.set(key, entry);
    }
    for (const name of names) {
      // Files of a write that never reached its record (the record files themselves end in .json), and signatures of them.
      if (!referenced.has(name) && !referenced.has(signedFile(name)) && !name.endsWith('.json') && name.includes('~')) {
        await rm(path.join(folder, name), { force: true });
      }
    }
  }

  #folder(spaceId: string, packageId: string): string {
    return path.join(this.#root, SPACES, spaceId, packageId.toLowerCase());
  }

  find(spaceId: string, packageId: string, version: string): StoredPackage | undefined {
    return this.#index.get(key(spaceId, packageId, version))?.record;
  }

  /** Looks a package up by `<id>.<version>` as the REST API names it (`packages-` prefix optional). */
  findByResourceId(spaceId: string, resourceId: string): StoredPackage | undefined {
    const idAndVersion = resourceId.replace(/^packages-/i, '').toLowerCase();
    for (const { record } of this.#index.values()) {
      if (record.spaceId === spaceId && `${record.packageId}.${record.version}`.toLowerCase() === idAndVersion) return record;
    }
    return undefined;
  }

  list(spaceId: string): StoredPackage[] {
    return [...this.#index.values()].map((entry) => entry.record).filter((record) => record.spaceId === spaceId);
  }

  /** The stored file of a package, to compare it byte for byte. */
  filePath(record: StoredPackage): string {
    const entry = this.#index.get(keyOf(record));
    return path.join(this.#folder(record.spaceId, record.packageId), entry?.blob ?? record.fileName);
  }

  /**
   * Where a cached Octodiff signature of a stored file goes: beside it, named after it (`<file>@<variant>.octosig`).
   * A stored file is never written over, so its signature stays right for as long as it exists; it is removed with it.
   */
  signaturePath(record: StoredPackage, variant: string): string {
    return `${this.filePath(record)}@${variant}${SIGNATURE_SUFFIX}`;
  }

  /**
   * Runs `task` under the lock `commit` takes for this space, package id and version: for writes that belong to a
   * package without being its file (build information, with `writeFileAtomic` from durable.ts).
   */
  exclusive<T>(identity: { spaceId: string; packageId: string; version: string }, task: () => Promise<T>): Promise<T> {
    return this.#locks.run(keyOf(identity), task);
  }

  /**
   * The one write path for a package file: serialised per space, package id and version, it decides against what
   * is stored at that moment, then moves the new file in under a fresh name, replaces the record atomically (the
   * commit), and only then removes the old file. An upload spools its body with `spool()`; a delta upload spools
   * the file it rebuilds from the base package the same way, then commits it here.
   */
  async commit(request: CommitRequest): Promise<CommitResult> {
    const { identity, file } = request;
    let keep = false;
    try {
      await this.#faults.afterStep('spooled');
      return await this.#locks.run(keyOf(identity), async () => {
        const existing = this.#index.get(keyOf(identity));
        if (existing && request.mode === 'IgnoreIfExists') return { outcome: 'ignored', record: existing.record };
        if (existing && request.mode === 'FailIfExists') return { outcome: 'exists', record: existing.record };
        if (existing) request.authorizeOverwrite?.(existing.record);
        keep = true;
        const record = await this.#replace(identity, file, existing);
        return { outcome: existing ? 'overwritten' : 'created', record };
      });
    } catch (error) {
      keep = isSimulatedCrash(error);
      throw error;
    } finally {
      if (!keep) await rm(file.path, { force: true }).catch(() => {});
    }
  }

  async #replace(identity: PackageIdentity, file: Spooled, existing: Entry | undefined): Promise<StoredPackage> {
    const folder = this.#folder(identity.spaceId, identity.packageId);
    await mkdir(folder, { recursive: true });
    const base = identity.fileName.slice(0, identity.fileName.length - identity.extension.length);
    const blob = `${base}~${randomBytes(4).toString('hex')}${identity.extension}`;
    const record: StoredPackage = {
      spaceId: identity.spaceId,
      // The first upload's spelling of the id stays, as the folder and the listings use it.
      packageId: existing?.record.packageId ?? identity.packageId,
      version: identity.version,
      fileName: identity.fileName,
      extension: identity.extension,
      size: file.size,
      hash: file.hash,
      published: new Date().toISOString(),
    };
    let committed = false;
    try {
      throwIf(this.#faults.takeDiskError('place'));
      await rename(file.path, path.join(folder, blob));
      await syncFolder(folder);
      await this.#faults.afterStep('placed');
      throwIf(this.#faults.takeDiskError('record'));
      const content: RecordFile = { format: 2, ...record, blob };
      await writeFileAtomic(path.join(folder, `${versionKey(identity.version)}.json`), JSON.stringify(content, null, 2), () =>
        this.#faults.afterStep('record-written'),
      );
      committed = true;
      await this.#faults.afterStep('recorded');
    } catch (error) {
      if (!committed && !isSimulatedCrash(error)) await rm(path.join(folder, blob), { force: true }).catch(() => {});
      throw error;
    }
    this.#index.set(keyOf(record), { record, blob });
    // Past the commit a failure only leaves a file that start-up removes.
    if (existing && existing.blob !== blob) {
      await rm(path.join(folder, existing.blob), { force: true }).catch(() => {});
      await removeSignatures(folder, existing.blob);
    }
    if (existing?.legacyRecord) await rm(path.join(folder, existing.legacyRecord), { force: true }).catch(() => {});
    await this.#faults.afterStep('cleaned');
    return record;
  }
}

/** The suffix of cached delta signatures (see `signaturePath`). */
export const SIGNATURE_SUFFIX = '.octosig';

/** The stored file a cached signature belongs to (`<file>@<variant>.octosig` → `<file>`); '' for other names. */
function signedFile(name: string): string {
  const at = name.lastIndexOf('@');
  return name.endsWith(SIGNATURE_SUFFIX) && at > 0 ? name.slice(0, at) : '';
}

async function removeSignatures(folder: string, blob: string): Promise<void> {
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names) if (signedFile(name) === blob) await rm(path.join(folder, name), { force: true }).catch(() => {});
}

function throwIf(error: Error | undefined): void {
  if (error) throw error;
}

async function readRecord(folder: string, name: string): Promise<Entry | undefined> {
  try {
    const content = JSON.parse(await readFile(path.join(folder, name), 'utf8')) as Partial<RecordFile>;
    if (typeof content.packageId !== 'string' || typeof content.version !== 'string' || typeof content.fileName !== 'string') {
      return undefined;
    }
    const { format, blob, ...record } = content as RecordFile;
    if (format === 2) return { record, blob };
    // Before format 2 the file was `<fileName>` and its record `<fileName>.record.json`.
    return { record, blob: record.fileName, legacyRecord: name };
  } catch {
    return undefined; // not a record of ours
  }
}

function keyOf(identity: { spaceId: string; packageId: string; version: string }): string {
  return key(identity.spaceId, identity.packageId, identity.version);
}

function key(spaceId: string, packageId: string, version: string): string {
  return `${spaceId.toLowerCase()}\u0000${packageId.toLowerCase()}\u0000${versionKey(version)}`;
}
