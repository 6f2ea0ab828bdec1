// octojs pushing a package from Node: argv[2] is the file, argv[3] how it is handed over: 'path', 'fs-stream'
// (createReadStream(file)), or 'stream' (any other stream, here the file through a PassThrough, as a package
// streamed straight from a packer would come); server and key from OCTOPUS_*.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { push } from '@octojs/core';

const [file, kind] = process.argv.slice(2);
const name = path.basename(file);
const input =
  kind === 'path' ? file : { stream: kind === 'fs-stream' ? createReadStream(file) : createReadStream(file).pipe(new PassThrough()), name };
await push(input);
