import type { ArchiveEntry } from './entry.js';

/** What the packing pipeline drives: the zip and tar writers. */
export interface ArchiveWriter<Prepared> {
  /**
   * The memory a prepared form of this entry would hold, or undefined when the entry is written
   * streaming instead (folders, links, large files, streams).
   */
  prepareCost(entry: ArchiveEntry): number | undefined;
  /** Reads (and for zip compresses) an entry ahead of its turn; called for several entries at once. */
  prepare(entry: ArchiveEntry): Promise<Prepared>;
  /** Writes one entry; called strictly in order. */
  write(entry: ArchiveEntry, prepared?: Prepared): Promise<void>;
  finish(): Promise<void>;
}

export interface WriteEntriesOptions {
  /** How many entries may be prepared ahead of the one being written. */
  lookahead?: number;
  /** How many bytes prepared entries may hold in memory at once. */
  memoryBudget?: number;
  onEntry?: (entry: ArchiveEntry, index: number) => void;
}

/**
 * Writes entries in order while reading and compressing the next ones in parallel, within a
 * fixed memory budget: this is what keeps both cores busy without memory growing with the build.
 */
export async function writeEntries<P>(
  entries: readonly ArchiveEntry[],
  writer: ArchiveWriter<P>,
  options: WriteEntriesOptions = {},
): Promise<void> {
  // Enough ahead to keep every packing worker busy with full batches while one entry is written.
  const lookahead = options.lookahead ?? 512;
  const budget = options.memoryBudget ?? 48 * 1024 * 1024;
  const pending: { promise: Promise<P> | undefined; cost: number }[] = [];
  let next = 0;
  let inFlight = 0;
  const fill = (): void => {
    while (next < entries.length && pending.length < lookahead) {
      const entry = entries[next]!;
      const cost = writer.prepareCost(entry);
      if (cost !== undefined && pending.length > 0 && inFlight + cost > budget) return;
      let promise: Promise<P> | undefined;
      if (cost !== undefined) {
        promise = writer.prepare(entry);
        promise.catch(() => {}); // awaited in order below
        inFlight += cost;
      }
      pending.push({ promise, cost: cost ?? 0 });
      next++;
    }
  };
  for (let index = 0; index < entries.length; index++) {
    fill();
    const head = pending.shift()!;
    const prepared = head.promise === undefined ? undefined : await head.promise;
    inFlight -= head.cost;
    options.onEntry?.(entries[index]!, index);
    await writer.write(entries[index]!, prepared);
  }
  await writer.finish();
}
