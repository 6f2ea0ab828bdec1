// octojs pushing a package from Node: argv[2] is the file, argv[3] 'path' or 'stream'; server and key from OCTOPUS_*.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { push } from '@octojs/core';

const [file, kind] = process.argv.slice(2);
await push(kind === 'stream' ? { stream: createReadStream(file), name: path.basename(file) } : file);
