import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { readError } from '../errors.js';
import { SPOOL_FOLDER_PREFIX } from '../temporary-names.js';
import type { ArchiveWriter } from './archive-writer.js';
import type { ByteSink } from './byte-sink.js';
import { toUnixSeconds } from './dos-time.js';
import { type ArchiveEntry, type EntrySource, knownSize } from './entry.js';
import { readChunks, readWhole } from './entry-source.js';
import { sharedPreparePool } from './prepare-pool.js';

const BLOCK = 512;
const TAR_WHOLE_LIMIT = 1024 * 1024;
const MAX_OCTAL_11 = 0o77777777777;

/**
 * A ustar writer with PAX records for what ustar cannot hold (long or non-ASCII names and link
 * targets, sizes of 8 GiB and more). Owner is always 0/0 so that packages are reproducible.
 */
export class TarWriter implements ArchiveWriter<Buffer> {
  readonly #sink: ByteSink;

  constructor(sink: ByteSink) {
    this.#sink = sink;
  }

  prepareCost(entry: ArchiveEntry): number | undefined {
    if (entry.type !== 'file' || entry.source.kind === 'stream') return undefined;
    const size = knownSize(entry)!;
    return size <= TAR_WHOLE_LIMIT ? size : undefined;
  }

  async prepare(entry: ArchiveEntry): Promise<Buffer> {
    if (entry.type !== 'file' || entry.source.kind === 'stream') throw new Error('only files of known size are prepared');
    if (entry.source.kind === 'buffer') return readWhole(entry.source);
    return (await sharedPreparePool().prepare(entry.source, { level: 0, crc: false })).data;
  }

  async write(entry: ArchiveEntry, prepared?: Buffer): Promise<void> {
    if (entry.type === 'directory') {
      await this.#header(`${entry.name}/`, entry, '5', 0, '');
    } else if (entry.type === 'symlink') {
      await this.#header(entry.name, entry, '2', 0, entry.target);
    } else if (prepared !== undefined) {
      await this.#header(entry.name, entry, '0', prepared.byteLength, '');
      await this.#sink.write(prepared);
      await this.#pad(prepared.byteLength);
    } else if (entry.source.kind === 'stream' && entry.source.size === undefined) {
      await this.#writeSpooled(entry, entry.source);
    } else {
      await this.#writeStreamed(entry, entry.source, knownSize(entry)!);
    }
  }

  async #writeStreamed(entry: ArchiveEntry, source: EntrySource, size: number): Promise<void> {
    await this.#header(entry.name, entry, '0', size, '');
    let written = 0;
    for await (const chunk of readChunks(source)) {
      written += chunk.byteLength;
      if (written > size) break;
      await this.#sink.write(chunk);
    }
    if (written !== size) {
      const where = source.kind === 'path' ? source.path : entry.name;
      throw readError(new Error(`its size changed while it was being packed (expected ${size} bytes, read ${written})`), where);
    }
    await this.#pad(size);
  }

  /** A tar header needs the size first: a stream of unknown length goes to a temporary file (memory stays flat). */
  async #writeSpooled(entry: ArchiveEntry, source: EntrySource & { kind: 'stream' }): Promise<void> {
    const folder = await mkdtemp(path.join(os.tmpdir(), SPOOL_FOLDER_PREFIX));
    try {
      const file = path.join(folder, 'entry');
      await pipeline(source.stream, createWriteStream(file));
      const { size } = await stat(file);
      await this.#writeStreamed(entry, { kind: 'path', path: file, size }, size);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  async #pad(size: number): Promise<void> {
    const rest = size % BLOCK;
    if (rest !== 0) await this.#sink.write(Buffer.alloc(BLOCK - rest));
  }

  async #header(name: string, entry: ArchiveEntry, type: string, size: number, linkName: string): Promise<void> {
    const mtime = Math.max(0, toUnixSeconds(entry.mtime));
    const pax: [string, string][] = [];
    let headerName = name;
    let prefix = '';
    const nameBytes = Buffer.byteLength(name);
    if (!isAscii(name) || nameBytes > 255) {
      pax.push(['path', name]);
      headerName = asciiFallback(name, 100);
    } else if (nameBytes > 100) {
      const split = splitName(name);
      if (split) [prefix, headerName] = split;
      else {
        pax.push(['path', name]);
        headerName = asciiFallback(name, 100);
      }
    }
    let headerLink = linkName;
    if (!isAscii(linkName) || Buffer.byteLength(linkName) > 100) {
      pax.push(['linkpath', linkName]);
      headerLink = asciiFallback(linkName, 100);
    }
    if (size > MAX_OCTAL_11) pax.push(['size', String(size)]);
    if (pax.length > 0) {
      const records = Buffer.from(pax.map(([key, value]) => paxRecord(key, value)).join(''));
      await this.#sink.write(
        buildHeader({
          name: asciiFallback(`PaxHeader/${headerName}`, 100),
          prefix: '',
          mode: 0o644,
          size: records.byteLength,
          mtime,
          type: 'x',
          linkName: '',
        }),
      );
      await this.#sink.write(records);
      await this.#pad(records.byteLength);
    }
    await this.#sink.write(
      buildHeader({
        name: headerName,
        prefix,
        mode: entry.mode & 0o7777,
        size: size > MAX_OCTAL_11 ? 0 : size,
        mtime,
        type,
        linkName: headerLink,
      }),
    );
  }

  async finish(): Promise<void> {
    await this.#sink.write(Buffer.alloc(BLOCK * 2));
  }
}

interface HeaderFields {
  name: string;
  prefix: string;
  mode: number;
  size: number;
  mtime: number;
  type: string;
  linkName: string;
}

function buildHeader(fields: HeaderFields): Buffer {
  const header = Buffer.alloc(BLOCK);
  header.write(fields.name, 0, 100, 'utf8');
  writeOctal(header, fields.mode, 100, 8);
  writeOctal(header, 0, 108, 8); // uid
  writeOctal(header, 0, 116, 8); // gid
  writeOctal(header, fields.size, 124, 12);
  writeOctal(header, Math.min(fields.mtime, MAX_OCTAL_11), 136, 12);
  header.fill(0x20, 148, 156); // checksum counts as spaces while it is computed
  header.write(fields.type, 156, 1, 'ascii');
  header.write(fields.linkName, 157, 100, 'utf8');
  header.write('ustar\u000000', 257, 8, 'ascii');
  header.write(fields.prefix, 345, 155, 'utf8');
  let checksum = 0;
  for (const byte of header) checksum += byte;
  header.write(`${checksum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return header;
}

function writeOctal(header: Buffer, value: number, offset: number, length: number): void {
  header.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'ascii');
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  // The length counts its own digits.
  while (Buffer.byteLength(body) + String(length).length !== length) length = Buffer.byteLength(body) + String(length).length;
  return `${length}${body}`;
}

function isAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

function asciiFallback(text: string, max: number): string {
  return text.replace(/[^\x20-\x7e]/g, '_').slice(0, max);
}

function splitName(name: string): [string, string] | undefined {
  for (let index = name.indexOf('/'); index !== -1; index = name.indexOf('/', index + 1)) {
    const prefix = name.slice(0, index);
    const rest = name.slice(index + 1);
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return [prefix, rest];
  }
  return undefined;
}
