import { randomBytes } from 'node:crypto';
export interface MultipartBody {
  contentType: string;
  /** The exact body length, so the upload has a Content-Length; undefined when the file's size is not known. */
  length: number | undefined;
  /** The bytes before the file's own. */
  headLength: number;
  /** The body's bytes: the head, the file's own, the tail. */
  parts: AsyncIterable<Uint8Array>;
}

/**
 * A multipart/form-data body with one file part, streamed: the file's bytes pass through and are
 * never held whole in memory. The file name is the bare name, which is where Octopus reads the
 * package id and version from.
 */
export function multipartBody(
  fileName: string,
  fileSize: number | undefined,
  content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): MultipartBody {
  const boundary = `octojs-${randomBytes(16).toString('hex')}`;
  const escaped = fileName.replace(/["\\\r\n]/g, '_');
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${escaped}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts(): AsyncGenerator<Uint8Array> {
    yield head;
    yield* content;
    yield tail;
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: fileSize === undefined ? undefined : head.byteLength + fileSize + tail.byteLength,
    headLength: head.byteLength,
    parts: parts(),
  };
}
