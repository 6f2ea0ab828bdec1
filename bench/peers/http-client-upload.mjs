// The same upload through got 14 and through node:http, to choose core's HTTP client by measurement:
// argv[2] the file, argv[3] 'got' or 'node', argv[4] 'file' (read through three reused 4 MB buffers, with a
// Content-Length) or 'stream' (the file through a PassThrough, gathered into reused 1 MB buffers, chunked).
// A multipart body with the file's name, as core sends it; server and key from OCTOPUS_*.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';

const [file, client, source] = process.argv.slice(2);
const url = `${process.env.OCTOPUS_URL}/api/packages/raw?overwriteMode=FailIfExists`;
const boundary = 'bench-boundary';
const head = Buffer.from(
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${path.basename(file)}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
);
const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
const size = (await stat(file)).size;
// Buffers are reused only after the socket took their bytes: each chunk waits for the one three before it.
const written = [];

async function* fileChunks() {
  const handle = await open(file);
  const slots = [0, 1, 2].map(() => Buffer.allocUnsafe(4 << 20));
  for (let position = 0, index = 0; ; index++) {
    await written[index - 3];
    const slot = slots[index % 3];
    const { bytesRead } = await handle.read(slot, 0, slot.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    yield slot.subarray(0, bytesRead);
  }
  await handle.close();
}

async function* streamChunks() {
  const slots = [0, 1, 2].map(() => Buffer.allocUnsafe(1 << 20));
  let index = 0;
  let at = 0;
  for await (const chunk of createReadStream(file).pipe(new PassThrough())) {
    for (let offset = 0; offset < chunk.length;) {
      if (at === 0) await written[index - 3];
      const copied = chunk.copy(slots[index % 3], at, offset);
      at += copied;
      offset += copied;
      if (at === slots[0].length) {
        yield slots[index++ % 3];
        at = 0;
      }
    }
  }
  if (at > 0) yield slots[index % 3].subarray(0, at);
}

async function* body() {
  yield head;
  yield* source === 'file' ? fileChunks() : streamChunks();
  yield tail;
}

const headers = {
  'content-type': `multipart/form-data; boundary=${boundary}`,
  'x-octopus-apikey': process.env.OCTOPUS_API_KEY,
  ...(source === 'file' && { 'content-length': String(head.length + size + tail.length) }),
};
let status;
if (client === 'got') {
  const { default: got } = await import('got');
  // got's upload progress marks the bytes the socket took; the body is a Readable, as core gave it.
  let chunk = 0;
  const resolvers = [];
  for (let index = 0; index < 16_384; index++) written.push(new Promise((resolve) => resolvers.push(resolve)));
  const request = got.post(url, {
    body: Readable.from(body(), { objectMode: false }),
    headers,
    throwHttpErrors: false,
    retry: { limit: 0 },
  });
  let last = 0;
  request.on('uploadProgress', ({ transferred }) => {
    if (transferred > last) resolvers[chunk++]?.();
    last = transferred;
  });
  status = (await request).statusCode;
} else {
  status = await new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers });
    request.on('response', (response) => response.resume().on('end', () => resolve(response.statusCode)));
    request.on('error', reject);
    (async () => {
      for await (const chunk of body()) {
        let done;
        written.push(new Promise((resolve) => (done = resolve)));
        if (!request.write(chunk, done)) await new Promise((resolve) => request.once('drain', resolve));
      }
      request.end();
    })().catch(reject);
  });
}
if (status !== 201) throw new Error(`upload answered ${status}`);
