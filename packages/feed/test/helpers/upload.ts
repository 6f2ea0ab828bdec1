import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ADMIN_KEY = 'API-ADMIN00000000000000000000000';
export const PUSH_KEY = 'API-PUSHONLY0000000000000000000';
export const VIEW_KEY = 'API-VIEWONLY0000000000000000000';

export const KEYS = {
  [ADMIN_KEY]: ['BuiltInFeedPush', 'BuiltInFeedAdminister', 'FeedView'] as const,
  [PUSH_KEY]: ['BuiltInFeedPush'] as const,
  [VIEW_KEY]: ['FeedView'] as const,
};

export interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  json<T = Record<string, unknown>>(): T;
}

export interface UploadOptions {
  fileName: string;
  content: Buffer;
  key?: string;
  /** Query string without `?`, e.g. `overwriteMode=OverwriteExisting`. */
  query?: string;
  space?: string;
  /** Send the body in pieces of this size, waiting `pauseMs` between them. */
  chunk?: number;
  pauseMs?: number;
  /** Destroy the request after this many body bytes (the client goes away). */
  abortAfter?: number;
  /** The raw Content-Disposition line, for names no client library would send. */
  disposition?: string;
  /** The path under the space instead of `packages/raw`, e.g. `packages/Demo/1.0.0/delta` (a delta upload). */
  path?: string;
}

function answer(response: http.IncomingMessage, body: Buffer): Answer {
  const text = body.toString('utf8');
  return { status: response.statusCode ?? 0, body: text, headers: response.headers, json: () => JSON.parse(text) };
}

/** The multipart body of one file part, as Octopus's Go client sends it. */
export function multipart(fileName: string, content: Buffer, disposition?: string): { boundary: string; body: Buffer } {
  const boundary = randomBytes(30).toString('hex');
  const head = Buffer.from(
    `--${boundary}\r\n${disposition ?? `Content-Disposition: form-data; name="file"; filename="${fileName}"`}\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  return { boundary, body: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]) };
}

/** POSTs one package with a plain `http.request`, so that a test controls every byte and every pause. */
export async function upload(base: string, options: UploadOptions): Promise<Answer | 'aborted'> {
  const { boundary, body } = multipart(options.fileName, options.content, options.disposition);
  const url = new URL(
    `${base}/api/${options.space ?? 'Spaces-1'}/${options.path ?? 'packages/raw'}${options.query ? `?${options.query}` : ''}`,
  );
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': body.length,
        ...(options.key !== undefined && { 'x-octopus-apikey': options.key }),
      },
    });
    let aborted = false;
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(answer(response, Buffer.concat(chunks))));
      response.on('error', () => resolve('aborted'));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      // The server dropped the connection (or we did): that is an answer of its own here.
      if (aborted || error.code === 'ECONNRESET' || error.code === 'EPIPE' || error.message === 'socket hang up') resolve('aborted');
      else reject(error);
    });
    void (async () => {
      const size = options.chunk ?? body.length;
      const end = options.abortAfter ?? body.length;
      for (let offset = 0; offset < end; offset += size) {
        if (request.destroyed) return;
        request.write(body.subarray(offset, Math.min(end, offset + size)));
        if (options.pauseMs) await sleep(options.pauseMs);
      }
      if (options.abortAfter === undefined) return void request.end();
      // Let the bytes written so far reach the server, then go away mid-body.
      await sleep(5);
      aborted = true;
      request.destroy();
      resolve('aborted');
    })().catch(reject);
  });
}

export async function uploadOrThrow(base: string, options: UploadOptions): Promise<Answer> {
  const result = await upload(base, options);
  if (result === 'aborted') throw new Error('the upload was dropped');
  return result;
}

export function get(base: string, pathAndQuery: string, key?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${base}${pathAndQuery}`, { headers: key ? { 'x-octopus-apikey': key } : {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(answer(response, Buffer.concat(chunks))));
    });
    request.on('error', reject);
  });
}

export const sha1 = (data: Buffer): string => createHash('sha1').update(data).digest('hex');

/** Every file under `folder`, relative, sorted. */
export function filesUnder(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else found.push(path.relative(folder, full));
    }
  };
  walk(folder);
  return found.sort();
}

export const readBytes = (file: string): Buffer => readFileSync(file);

/** Open file descriptors of this process (Linux), to see that aborted uploads close theirs. */
export function openFileCount(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

/** Waits until `check` holds, for at most `ms` (a bounded poll, for cleanup that happens just after an answer). */
export async function eventually(check: () => boolean, ms = 2000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(10)) if (check()) return true;
  return check();
}
