// octojs pushing a package from Node: argv[2] is the file, argv[3] how it is handed over: 'path', 'fs-stream'
// (createReadStream(file)), 'stream' (any other stream, here the file through a PassThrough, as a package
// streamed straight from a packer would come) or 'stream-once' (the same with retries: 0, so sent once and not
// copied aside); server and key from OCTOPUS_*. With argv[4] 'read-only' it only reads the stream, for the floor.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';

const [file, kind, mode] = process.argv.slice(2);
const name = path.basename(file);
const stream = () => (kind === 'fs-stream' ? createReadStream(file) : createReadStream(file).pipe(new PassThrough()));
if (mode === 'read-only') {
  for await (const chunk of stream()) void chunk;
} else {
  const { push } = await import('@octojs/core');
  const input = kind === 'path' ? file : { stream: stream(), name };
  await push(input, kind === 'stream-once' ? { retries: 0 } : {});
}
