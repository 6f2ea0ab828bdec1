import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './durable.js';
import type { PackageStore } from './package-store.js';
import { versionKey } from './version.js';

export interface StoredCommit {
  Id: string;
  Comment: string;
}

/** Build information as the feed keeps it: what was sent, plus when and by which write. */
export interface StoredBuildInformation {
  spaceId: string;
  packageId: string;
  version: string;
  buildEnvironment: string | null;
  buildNumber: string | null;
  buildUrl: string | null;
  branch: string | null;
  vcsType: string | null;
  vcsRoot: string | null;
  vcsCommitNumber: string | null;
  commits: StoredCommit[];
  created: string;
  lastModifiedOn: string;
  /** A stable number for the resource's `Id` (`BuildInformation-N`). */
  number: number;
}

function key(spaceId: string, packageId: string, version: string): string {
  return `${spaceId.toLowerCase()}\u0000${packageId.toLowerCase()}\u0000${versionKey(version)}`;
}

/**
 * Build information on disk, one JSON file per space, package id and version (named by a hash of
 * the three, so any id or version is a safe file name), replaced atomically (writeFileAtomic); writes
 * to one id and version are serialised by the package store's lock for that id and version, so that a
 * check-then-write (409 or overwrite) cannot interleave.
 */
export class BuildInformationStore {
  readonly #folder: string;
  readonly #index = new Map<string, StoredBuildInformation>();
  readonly #packages: PackageStore;
  #next = 1;

  private constructor(folder: string, packages: PackageStore) {
    this.#folder = folder;
    this.#packages = packages;
  }

  static async open(dataDir: string, packages: PackageStore): Promise<BuildInformationStore> {
    const store = new BuildInformationStore(path.join(path.resolve(dataDir), 'build-information'), packages);
    await mkdir(store.#folder, { recursive: true });
    for (const file of await readdir(store.#folder)) {
      if (!file.endsWith('.json')) {
        await rm(path.join(store.#folder, file), { force: true }); // a write cut short
        continue;
      }
      try {
        const record = JSON.parse(await readFile(path.join(store.#folder, file), 'utf8')) as StoredBuildInformation;
        store.#index.set(key(record.spaceId, record.packageId, record.version), record);
        store.#next = Math.max(store.#next, record.number + 1);
      } catch {
        // unreadable: never completely written
      }
    }
    return store;
  }

  find(spaceId: string, packageId: string, version: string): StoredBuildInformation | undefined {
    return this.#index.get(key(spaceId, packageId, version));
  }

  findByNumber(spaceId: string, number: number): StoredBuildInformation | undefined {
    for (const record of this.#index.values()) if (record.spaceId === spaceId && record.number === number) return record;
    return undefined;
  }

  list(spaceId: string): StoredBuildInformation[] {
    return [...this.#index.values()].filter((record) => record.spaceId === spaceId);
  }

  /** Runs `work` alone for this id and version (the package store's lock: one rule for every write). */
  exclusive<T>(spaceId: string, packageId: string, version: string, work: () => Promise<T>): Promise<T> {
    return this.#packages.exclusive({ spaceId, packageId, version }, work);
  }

  /** Writes (or replaces) a record; call inside `exclusive`. */
  async save(record: Omit<StoredBuildInformation, 'number'> & { number?: number }): Promise<StoredBuildInformation> {
    const stored: StoredBuildInformation = { ...record, number: record.number ?? this.#next++ };
    const name = key(stored.spaceId, stored.packageId, stored.version);
    const file = path.join(this.#folder, `${createHash('sha1').update(name).digest('hex')}.json`);
    await writeFileAtomic(file, JSON.stringify(stored, null, 2));
    this.#index.set(name, stored);
    return stored;
  }
}
