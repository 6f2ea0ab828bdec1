import { chmodSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface TreeFile {
  data: Buffer;
  mode: number;
}

/**
 * A small app-shaped tree with what breaks packers: binaries, an executable, an empty folder,
 * dotfiles, a relative link, a non-ASCII name, a deep path over 100 bytes and a 2 MiB file.
 */
export function makeAppTree(root: string): Map<string, TreeFile> {
  const files = new Map<string, TreeFile>();
  const add = (name: string, data: Buffer | string, mode = 0o644): void => {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, data);
    chmodSync(file, mode);
    files.set(name, { data: Buffer.from(data), mode });
  };
  add('package.json', JSON.stringify({ name: '@acme/web-app', version: '1.2.3', dependencies: {} }));
  add('server.js', 'console.log("hello");\n');
  add('bin/start.sh', '#!/bin/sh\nexec node server.js\n', 0o755);
  add('.env.example', 'PORT=3000\n');
  add('public/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0x00, 0x80]));
  add('public/ünïcödé-名前.txt', 'unicode\n');
  add(`deep/${'a'.repeat(60)}/${'b'.repeat(60)}/file.txt`, 'deep\n');
  const big = Buffer.alloc(2 * 1024 * 1024 + 17);
  for (let index = 0; index < big.length; index++) big[index] = (index * 7919) % 251;
  add('data/big.bin', big);
  add('node_modules/.bin/.keep', '');
  mkdirSync(path.join(root, 'empty/nested'), { recursive: true });
  symlinkSync('../server.js', path.join(root, 'bin/server-link.js'));
  const when = new Date('2021-06-01T12:00:00Z');
  for (const name of files.keys()) utimesSync(path.join(root, name), when, when);
  return files;
}
