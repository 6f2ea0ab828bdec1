import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { versionKey } from './package-name.js';

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

/**
 * Packages on disk, one folder per space and package id, each package file beside a small JSON
 * record. A package exists only once its record is written, and the record is written only after
 * the whole file arrived, was hashed and was renamed into place: a dropped upload leaves nothing.
 */
export class PackageStore {
  readonly #root: string;
  readonly #index = new Map<string, StoredPackage>();

  private constructor(root: string) {
    this.#root = root;
  }

  static async open(dataDir: string): Promise<PackageStore> {
    const store = new PackageStore(path.resolve(dataDir));
    await mkdir(store.uploadsFolder, { recursive: true });
    await store.#load();
    return store;
  }

  /** Where uploads are spooled while they arrive; on the same disk so that storing is a rename. */
  get uploadsFolder(): string {
    return path.join(this.#root, 'uploads');
  }

  temporaryUploadPath(): string {
    return path.join(this.uploadsFolder, `${Date.now()}-${randomBytes(6).toString('hex')}.upload`);
  }

  async #load(): Promise<void> {
    // Leftovers of uploads that never finished are not packages.
    for (const leftover of await readdir(this.uploadsFolder)) await rm(path.join(this.uploadsFolder, leftover), { force: true });
    const spacesFolder = path.join(this.#root, 'spaces');
    let spaces: string[];
    try {
      spaces = await readdir(spacesFolder);
    } catch {
      return;
    }
    for (const space of spaces) {
      for (const id of await readdir(path.join(spacesFolder, space))) {
        const folder = path.join(spacesFolder, space, id);
        for (const file of await readdir(folder)) {
          if (!file.endsWith('.record.json')) continue;
          try {
            const record = JSON.parse(await readFile(path.join(folder, file), 'utf8')) as StoredPackage;
            this.#index.set(key(record.spaceId, record.packageId, record.version), record);
          } catch {
            // a record cut short by a crash: the package was never complete
          }
        }
      }
    }
  }

  #folder(spaceId: string, packageId: string): string {
    return path.join(this.#root, 'spaces', spaceId, packageId.toLowerCase());
  }

  find(spaceId: string, packageId: string, version: string): StoredPackage | undefined {
    return this.#index.get(key(spaceId, packageId, version));
  }

  /** Looks a package up by `<id>.<version>` as the REST API names it. */
  findByResourceId(spaceId: string, resourceId: string): StoredPackage | undefined {
    const idAndVersion = resourceId.replace(/^packages-/i, '');
    for (const record of this.#index.values()) {
      if (record.spaceId === spaceId && `${record.packageId}.${record.version}`.toLowerCase() === idAndVersion.toLowerCase()) return record;
    }
    return undefined;
  }

  list(spaceId: string): StoredPackage[] {
    return [...this.#index.values()].filter((record) => record.spaceId === spaceId);
  }

  filePath(record: StoredPackage): string {
    return path.join(this.#folder(record.spaceId, record.packageId), record.fileName);
  }

  /** Moves a completely received upload into the store, replacing an existing version if there is one. */
  async store(upload: string, record: StoredPackage): Promise<void> {
    const folder = this.#folder(record.spaceId, record.packageId);
    await mkdir(folder, { recursive: true });
    const previous = this.find(record.spaceId, record.packageId, record.version);
    await rename(upload, path.join(folder, record.fileName));
    const recordFile = path.join(folder, `${record.fileName}.record.json`);
    const temporary = `${recordFile}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, JSON.stringify(record, null, 2));
    await rename(temporary, recordFile);
    if (previous && previous.fileName !== record.fileName) {
      await rm(path.join(folder, previous.fileName), { force: true });
      await rm(path.join(folder, `${previous.fileName}.record.json`), { force: true });
    }
    this.#index.set(key(record.spaceId, record.packageId, record.version), record);
  }
}

function key(spaceId: string, packageId: string, version: string): string {
  return `${spaceId.toLowerCase()}\u0000${packageId.toLowerCase()}\u0000${versionKey(version)}`;
}
