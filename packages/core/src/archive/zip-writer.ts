import zlib from 'node:zlib';
import type { ByteSink } from './byte-sink.js';
import { toDosDateTime, toUnixSeconds } from './dos-time.js';
import { type ArchiveEntry, S_IFDIR, S_IFLNK, S_IFREG, knownSize } from './entry.js';
import { CHUNK_SIZE, readChunks } from './entry-source.js';
import { deflateBlocks } from './parallel-deflate.js';
import type { ArchiveWriter } from './archive-writer.js';
import { type PreparedFile, sharedPreparePool } from './prepare-pool.js';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const DATA_DESCRIPTOR = 0x08074b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;

const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
const MADE_BY_UNIX = (3 << 8) | 63; // Unix, APPNOTE 6.3
const NEEDS_DEFAULT = 20;
const NEEDS_ZIP64 = 45;
const MAX_32 = 0xffffffff;
const MAX_16 = 0xffff;
/** Entries that may end past this size get ZIP64 headers before their size is known for sure. */
const ZIP64_SIZE_GUARD = 0xfff00000;

/** Files up to this size are read and compressed whole, several at once; larger ones are streamed. */
export const ZIP_WHOLE_LIMIT = CHUNK_SIZE;

interface CentralRecord {
  name: Buffer;
  flags: number;
  method: number;
  dosTime: number;
  dosDate: number;
  unixTime: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  externalAttributes: number;
}

export type ZipPrepared = PreparedFile;

/**
 * A streaming ZIP writer: UTF-8 names, Unix modes, extended timestamps, ZIP64 where needed.
 * Small files come prepared (read and deflated ahead, in parallel); large files and streams are
 * deflated block by block on several threads while they are written.
 */
export class ZipWriter implements ArchiveWriter<ZipPrepared> {
  readonly #sink: ByteSink;
  readonly #level: number;
  readonly #records: CentralRecord[] = [];

  constructor(sink: ByteSink, options: { level: number }) {
    this.#sink = sink;
    this.#level = options.level;
  }

  prepareCost(entry: ArchiveEntry): number | undefined {
    if (entry.type !== 'file') return undefined;
    const size = knownSize(entry);
    if (size === undefined || size > ZIP_WHOLE_LIMIT || entry.source.kind === 'stream') return undefined;
    return size * 2;
  }

  async prepare(entry: ArchiveEntry): Promise<ZipPrepared> {
    if (entry.type !== 'file' || entry.source.kind === 'stream') throw new Error('only files of known size are prepared');
    // Like Info-ZIP, a file that deflate does not shrink is stored: incompressible files cost nothing extra.
    return sharedPreparePool().prepare(entry.source, { level: this.#level, crc: true });
  }

  async write(entry: ArchiveEntry, prepared?: ZipPrepared): Promise<void> {
    if (entry.type === 'directory') {
      await this.#writeWhole(`${entry.name}/`, entry, S_IFDIR, { crc: 0, method: METHOD_STORE, data: Buffer.alloc(0), size: 0 }, 0x10);
    } else if (entry.type === 'symlink') {
      const data = Buffer.from(entry.target);
      await this.#writeWhole(entry.name, entry, S_IFLNK, { crc: zlib.crc32(data), method: METHOD_STORE, data, size: data.byteLength }, 0);
    } else if (prepared !== undefined) {
      await this.#writeWhole(entry.name, entry, S_IFREG, prepared, 0);
    } else {
      await this.#writeStreamed(entry);
    }
  }

  async #writeWhole(name: string, entry: ArchiveEntry, type: number, prepared: ZipPrepared, dosAttributes: number): Promise<void> {
    const record = this.#record(name, entry, type, dosAttributes);
    record.method = prepared.method;
    record.crc = prepared.crc;
    record.size = prepared.size;
    record.compressedSize = prepared.data.byteLength;
    await this.#sink.write(this.#localHeader(record, false));
    await this.#sink.write(prepared.data);
    this.#records.push(record);
  }

  async #writeStreamed(entry: ArchiveEntry & { type: 'file' }): Promise<void> {
    const record = this.#record(entry.name, entry, S_IFREG, 0);
    const expected = knownSize(entry);
    const zip64 = expected === undefined || expected >= ZIP64_SIZE_GUARD;
    record.flags |= FLAG_DATA_DESCRIPTOR;
    // Deflated block by block; blocks of random or compressed bytes go in as stored blocks, so a file that
    // mixes both costs neither the time of deflating the random parts nor the size of storing the rest.
    record.method = this.#level > 0 ? METHOD_DEFLATE : METHOD_STORE;
    await this.#sink.write(this.#localHeader(record, zip64));
    let crc = 0;
    let size = 0;
    let compressedSize = 0;
    const countRaw = (block: Buffer): void => {
      crc = zlib.crc32(block, crc);
      size += block.byteLength;
    };
    if (record.method === METHOD_DEFLATE) {
      for await (const block of deflateBlocks(readChunks(entry.source), { level: this.#level, onRaw: countRaw })) {
        compressedSize += block.byteLength;
        await this.#sink.write(block);
      }
    } else {
      for await (const block of readChunks(entry.source)) {
        countRaw(block);
        compressedSize += block.byteLength;
        await this.#sink.write(block);
      }
    }
    record.crc = crc;
    record.size = size;
    record.compressedSize = compressedSize;
    const descriptor = Buffer.alloc(zip64 ? 24 : 16);
    descriptor.writeUInt32LE(DATA_DESCRIPTOR, 0);
    descriptor.writeUInt32LE(crc, 4);
    if (zip64) {
      descriptor.writeBigUInt64LE(BigInt(compressedSize), 8);
      descriptor.writeBigUInt64LE(BigInt(size), 16);
    } else {
      descriptor.writeUInt32LE(compressedSize, 8);
      descriptor.writeUInt32LE(size, 12);
    }
    await this.#sink.write(descriptor);
    this.#records.push(record);
  }

  #record(name: string, entry: ArchiveEntry, type: number, dosAttributes: number): CentralRecord {
    const { time, date } = toDosDateTime(entry.mtime);
    return {
      name: Buffer.from(name),
      flags: FLAG_UTF8,
      method: METHOD_STORE,
      dosTime: time,
      dosDate: date,
      unixTime: toUnixSeconds(entry.mtime),
      crc: 0,
      compressedSize: 0,
      size: 0,
      offset: this.#sink.bytesWritten,
      externalAttributes: (((type | (entry.mode & 0o7777)) << 16) | dosAttributes) >>> 0,
    };
  }

  #timestampExtra(unixTime: number): Buffer {
    const extra = Buffer.alloc(9);
    extra.writeUInt16LE(0x5455, 0);
    extra.writeUInt16LE(5, 2);
    extra.writeUInt8(1, 4); // modification time present
    extra.writeInt32LE(unixTime, 5);
    return extra;
  }

  #localHeader(record: CentralRecord, zip64: boolean): Buffer {
    const timestamp = this.#timestampExtra(record.unixTime);
    const extras = [timestamp];
    if (zip64) {
      const extra = Buffer.alloc(20);
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(16, 2); // sizes are zero here: the data descriptor carries them
      extras.push(extra);
    }
    const extra = Buffer.concat(extras);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(LOCAL_HEADER, 0);
    header.writeUInt16LE(zip64 ? NEEDS_ZIP64 : NEEDS_DEFAULT, 4);
    header.writeUInt16LE(record.flags, 6);
    header.writeUInt16LE(record.method, 8);
    header.writeUInt16LE(record.dosTime, 10);
    header.writeUInt16LE(record.dosDate, 12);
    const streamed = (record.flags & FLAG_DATA_DESCRIPTOR) !== 0;
    header.writeUInt32LE(streamed ? 0 : record.crc, 14);
    header.writeUInt32LE(zip64 ? MAX_32 : streamed ? 0 : record.compressedSize, 18);
    header.writeUInt32LE(zip64 ? MAX_32 : streamed ? 0 : record.size, 22);
    header.writeUInt16LE(record.name.byteLength, 26);
    header.writeUInt16LE(extra.byteLength, 28);
    return Buffer.concat([header, record.name, extra]);
  }

  #centralHeader(record: CentralRecord): Buffer {
    const zip64Fields: bigint[] = [];
    if (record.size >= MAX_32) zip64Fields.push(BigInt(record.size));
    if (record.compressedSize >= MAX_32) zip64Fields.push(BigInt(record.compressedSize));
    if (record.offset >= MAX_32) zip64Fields.push(BigInt(record.offset));
    const extras = [this.#timestampExtra(record.unixTime)];
    if (zip64Fields.length > 0) {
      const extra = Buffer.alloc(4 + 8 * zip64Fields.length);
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(8 * zip64Fields.length, 2);
      zip64Fields.forEach((value, index) => extra.writeBigUInt64LE(value, 4 + 8 * index));
      extras.push(extra);
    }
    const extra = Buffer.concat(extras);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(CENTRAL_HEADER, 0);
    header.writeUInt16LE(MADE_BY_UNIX, 4);
    header.writeUInt16LE(zip64Fields.length > 0 ? NEEDS_ZIP64 : NEEDS_DEFAULT, 6);
    header.writeUInt16LE(record.flags, 8);
    header.writeUInt16LE(record.method, 10);
    header.writeUInt16LE(record.dosTime, 12);
    header.writeUInt16LE(record.dosDate, 14);
    header.writeUInt32LE(record.crc, 16);
    header.writeUInt32LE(Math.min(record.compressedSize, MAX_32), 20);
    header.writeUInt32LE(Math.min(record.size, MAX_32), 24);
    header.writeUInt16LE(record.name.byteLength, 28);
    header.writeUInt16LE(extra.byteLength, 30);
    header.writeUInt16LE(0, 32); // comment length
    header.writeUInt16LE(0, 34); // disk number start
    header.writeUInt16LE(0, 36); // internal attributes
    header.writeUInt32LE(record.externalAttributes, 38);
    header.writeUInt32LE(Math.min(record.offset, MAX_32), 42);
    return Buffer.concat([header, record.name, extra]);
  }

  async finish(): Promise<void> {
    const centralOffset = this.#sink.bytesWritten;
    const batch: Buffer[] = [];
    let batchBytes = 0;
    for (const record of this.#records) {
      const header = this.#centralHeader(record);
      batch.push(header);
      batchBytes += header.byteLength;
      if (batchBytes >= CHUNK_SIZE) {
        await this.#sink.write(Buffer.concat(batch));
        batch.length = 0;
        batchBytes = 0;
      }
    }
    if (batch.length > 0) await this.#sink.write(Buffer.concat(batch));
    const centralSize = this.#sink.bytesWritten - centralOffset;
    const count = this.#records.length;
    const zip64 = count >= MAX_16 || centralOffset >= MAX_32 || centralSize >= MAX_32;
    if (zip64) {
      const zip64EndOffset = this.#sink.bytesWritten;
      const end64 = Buffer.alloc(56);
      end64.writeUInt32LE(ZIP64_END_OF_CENTRAL_DIRECTORY, 0);
      end64.writeBigUInt64LE(44n, 4);
      end64.writeUInt16LE(MADE_BY_UNIX, 12);
      end64.writeUInt16LE(NEEDS_ZIP64, 14);
      end64.writeUInt32LE(0, 16);
      end64.writeUInt32LE(0, 20);
      end64.writeBigUInt64LE(BigInt(count), 24);
      end64.writeBigUInt64LE(BigInt(count), 32);
      end64.writeBigUInt64LE(BigInt(centralSize), 40);
      end64.writeBigUInt64LE(BigInt(centralOffset), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(ZIP64_LOCATOR, 0);
      locator.writeUInt32LE(0, 4);
      locator.writeBigUInt64LE(BigInt(zip64EndOffset), 8);
      locator.writeUInt32LE(1, 16);
      await this.#sink.write(Buffer.concat([end64, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
    end.writeUInt16LE(Math.min(count, MAX_16), 8);
    end.writeUInt16LE(Math.min(count, MAX_16), 10);
    end.writeUInt32LE(Math.min(centralSize, MAX_32), 12);
    end.writeUInt32LE(Math.min(centralOffset, MAX_32), 16);
    await this.#sink.write(end);
  }
}
