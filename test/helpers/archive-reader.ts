import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import tarStream from 'tar-stream';
import yauzl from 'yauzl';

/** One entry as an independent reader sees it. */
export interface ReadEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink';
  /** Permission bits. */
  mode: number;
  /** Seconds since 1970. */
  mtime: number;
  data: Buffer;
  linkTarget?: string;
}

const S_IFMT = 0o170000;

/** Reads a zip with yauzl (not our code), including the extended-timestamp extra field. */
export function readZip(file: string): Promise<ReadEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, decodeStrings: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const entries: ReadEntry[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
        const kind = unixMode & S_IFMT;
        const type = entry.fileName.endsWith('/') ? 'directory' : kind === 0o120000 ? 'symlink' : 'file';
        const stamp = entry.extraFields.find((field) => field.id === 0x5455);
        const mtime = stamp ? stamp.data.readInt32LE(1) : Math.floor(entry.getLastModDate().getTime() / 1000);
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            const data = Buffer.concat(chunks);
            entries.push({
              name: type === 'directory' ? entry.fileName.slice(0, -1) : entry.fileName,
              type,
              mode: unixMode & 0o7777,
              mtime,
              data,
              ...(type === 'symlink' && { linkTarget: data.toString() }),
            });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** Reads a tar or tar.gz with tar-stream (not our code); PAX names are applied. */
export function readTar(file: string, gzipped: boolean): Promise<ReadEntry[]> {
  return new Promise((resolve, reject) => {
    const extract = tarStream.extract();
    const entries: ReadEntry[] = [];
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        const type = header.type === 'directory' ? 'directory' : header.type === 'symlink' ? 'symlink' : 'file';
        entries.push({
          name: header.name.replace(/\/$/, ''),
          type,
          mode: (header.mode ?? 0) & 0o7777,
          mtime: Math.floor((header.mtime?.getTime() ?? 0) / 1000),
          data: Buffer.concat(chunks),
          ...(header.linkname && { linkTarget: header.linkname }),
        });
        next();
      });
      stream.on('error', reject);
    });
    extract.on('finish', () => resolve(entries));
    extract.on('error', reject);
    const input = createReadStream(file);
    input.on('error', reject);
    (gzipped ? input.pipe(createGunzip()) : input).pipe(extract);
  });
}

export function readArchive(file: string): Promise<ReadEntry[]> {
  if (file.endsWith('.zip')) return readZip(file);
  return readTar(file, file.endsWith('.gz') || file.endsWith('.tgz'));
}

/** Lists a zip's entry names with yauzl without reading their data (fast for huge entry counts). */
export function listZip(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
