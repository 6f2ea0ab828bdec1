// Generated input for the benchmarks: deterministic, made once and kept under .bench/ (delete it to remake).
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

/** A pseudo-random generator with a seed, so that every machine builds the same tree. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Some megabytes of JavaScript-looking text; files are slices of it at random offsets (it compresses about as real code does). */
function makeCorpus(bytes: number): Buffer {
  const random = lcg(7);
  const words = [
    'const',
    'function',
    'return',
    'module',
    'exports',
    'require',
    'value',
    'data',
    'index',
    'options',
    'callback',
    'this',
    'async',
    'await',
    'length',
    'undefined',
    'null',
    'true',
    'false',
    'prototype',
    'object',
    'string',
    'number',
  ];
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const indent = '  '.repeat(Math.floor(random() * 4));
    const count = 2 + Math.floor(random() * 8);
    const parts: string[] = [];
    for (let index = 0; index < count; index++) {
      const word = words[Math.floor(random() * words.length)]!;
      parts.push(random() < 0.3 ? `${word}${Math.floor(random() * 1000)}` : word);
    }
    const line = `${indent}${parts.join(random() < 0.5 ? ' ' : '.')}${random() < 0.5 ? ';' : ' {'}\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join(''));
}

/** Builds a tree once; a marker file records which generator made it, so a changed generator remakes it. */
function ensure(root: string, version: string, build: () => void): void {
  const marker = path.join(root, '.done');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === version) return;
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  build();
  writeFileSync(marker, version);
}

export interface TreeSummary {
  root: string;
  files: number;
  bytes: number;
}

/**
 * An app as it is deployed: ~30,000 files and ~270 MB with the default of 28,000 modules. Nested and
 * scoped node_modules with .bin links and executables, minified bundles and source maps, images and
 * fonts that do not compress, a few MB-sized media files, empty folders and non-ASCII names.
 */
export function makeAppTree(root: string, modules = 28_000): TreeSummary {
  const summary = { root, files: 0, bytes: 0 };
  ensure(root, `app-v3-${modules}`, () => {
    const random = lcg(42);
    const corpus = makeCorpus(8 * 1024 * 1024);
    const write = (name: string, data: Buffer, mode = 0o644): void => {
      const file = path.join(root, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, data);
      if (mode !== 0o644) chmodSync(file, mode);
    };
    const text = (size: number): Buffer => {
      const start = Math.floor(random() * (corpus.length - size - 1));
      return corpus.subarray(start, start + size);
    };
    // Module sizes as npm trees have them: mostly a few KB, some tens, a few hundreds.
    const moduleSize = (): number => {
      const roll = random();
      if (roll < 0.85) return 200 + Math.floor(random() * 7000);
      if (roll < 0.99) return 8000 + Math.floor(random() * 22_000);
      return 100_000 + Math.floor(random() * 200_000);
    };
    const packages = Math.max(1, Math.round(modules / 45));
    let written = 0;
    for (let index = 0; index < packages && written < modules; index++) {
      const scoped = index % 9 === 0;
      const name = scoped ? `@scope${index % 5}/pkg${index}` : `pkg${index}`;
      const nested = index % 10 === 3 ? `node_modules/pkg${index - 1}/node_modules/${name}` : `node_modules/${name}`;
      write(`${nested}/package.json`, Buffer.from(JSON.stringify({ name, version: `1.${index % 7}.0`, main: 'lib/index.js' })));
      write(`${nested}/README.md`, text(1500));
      const files = 20 + Math.floor(random() * 50);
      for (let file = 0; file < files && written < modules; file++, written++) {
        write(`${nested}/lib/${file % 5 === 0 ? 'internal/' : ''}m${file}.js`, text(moduleSize()));
      }
      if (index % 25 === 0) {
        write(`${nested}/bin/cli.js`, Buffer.concat([Buffer.from('#!/usr/bin/env node\n'), text(2000)]), 0o755);
        mkdirSync(path.join(root, 'node_modules/.bin'), { recursive: true });
        symlinkSync(`../${name}/bin/cli.js`, path.join(root, 'node_modules/.bin', `cli${index}`));
      }
    }
    for (let index = 0; index < 6; index++) {
      write(`dist/bundle${index}.min.js`, text(1_500_000 + index * 100_000));
      write(`dist/bundle${index}.min.js.map`, text(2_000_000));
    }
    for (let index = 0; index < 300; index++) write(`public/img/photo-${index}.jpg`, randomBytes(5_000 + Math.floor(random() * 150_000)));
    for (let index = 0; index < 12; index++) write(`public/fonts/font-${index}.woff2`, randomBytes(40_000 + index * 5000));
    for (let index = 0; index < 3; index++) write(`public/media/clip-${index}.mp4`, randomBytes(8 * 1024 * 1024));
    write('public/ünïcödé-名前.txt', text(500));
    write('public/日本語/ファイル.js', text(3000));
    write('server.js', text(4000));
    write('bin/start.sh', Buffer.from('#!/bin/sh\nexec node server.js\n'), 0o755);
    write('.env.example', Buffer.from('PORT=3000\n'));
    for (const folder of ['logs', 'tmp/uploads', 'data/cache']) mkdirSync(path.join(root, folder), { recursive: true });
    write('package.json', Buffer.from(JSON.stringify({ name: 'bench-app', version: '1.0.0' })));
  });
  return count(root, summary);
}

/** A few large files, 1.5 GB by default: a third random (media, models), a third text (logs, data), a third mixed. */
export function makeLargeTree(root: string, bytes = 1536 * 1024 * 1024): TreeSummary {
  const summary = { root, files: 0, bytes: 0 };
  ensure(root, `large-v2-${bytes}`, () => {
    const corpus = makeCorpus(16 * 1024 * 1024);
    const third = Math.floor(bytes / 3 / (1024 * 1024));
    const fill = (name: string, block: (index: number) => Buffer): void => {
      const fd = openSync(path.join(root, name), 'w');
      try {
        for (let index = 0; index < third; index++) writeSync(fd, block(index));
      } finally {
        closeSync(fd);
      }
    };
    const textBlock = (index: number): Buffer =>
      corpus.subarray((index * 977 * 1024) % (corpus.length - 1024 * 1024)).subarray(0, 1024 * 1024);
    fill('media.bin', () => randomBytes(1024 * 1024));
    fill('events.log', textBlock);
    fill('bundle.dat', (index) => (index % 2 === 0 ? randomBytes(1024 * 1024) : textBlock(index)));
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'bench-large', version: '1.0.0' }));
  });
  return count(root, summary);
}

function count(root: string, summary: TreeSummary): TreeSummary {
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile() && entry.name !== '.done') {
        summary.files++;
        summary.bytes += lstatSync(file).size;
      }
    }
  };
  walk(root);
  return summary;
}
