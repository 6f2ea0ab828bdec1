import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { compareEntryNames } from '../src/archive/entry.js';
import { looksIncompressible } from '../src/archive/incompressible.js';
import { FINAL_EMPTY_BLOCK, deflateBlocks, storedBlocks } from '../src/archive/parallel-deflate.js';
import { pack } from '../src/index.js';
import { readArchive } from '../../../test/helpers/archive-reader.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';

const text = (size: number): Buffer => {
  const words = ['const', 'value', 'return', 'function', 'module', 'exports', 'index', 'data'];
  let out = '';
  for (let index = 0; out.length < size; index++) out += `${words[(index * 7) % words.length]}${index % 13} `;
  return Buffer.from(out.slice(0, size));
};

function hasTool(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function inflateAll(blocks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const block of blocks) parts.push(block);
  return zlib.inflateRawSync(Buffer.concat(parts));
}

describe('compression', () => {
  const tmp = useTempDir();

  it('sorts names in UTF-8 byte order without encoding them', () => {
    const names = ['a', 'a/b', 'ab', 'Z', 'é', '\uffff', '😀', '\ue000x', 'a\u00e9', 'a😀b', 'a\uffffb', ''];
    const expected = [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    assert.deepEqual([...names].sort(compareEntryNames), expected);
  });

  it('tells random bytes from text, and needs a sample big enough to judge', () => {
    assert.equal(looksIncompressible(randomBytes(100_000)), true);
    assert.equal(looksIncompressible(text(100_000)), false);
    assert.equal(looksIncompressible(randomBytes(1000)), false, 'too small to judge: deflate decides');
  });

  it('stored blocks and deflated blocks make one valid raw-deflate stream', async () => {
    const random = randomBytes(200_000);
    const stream = Buffer.concat([storedBlocks(random), FINAL_EMPTY_BLOCK]);
    assert.deepEqual(zlib.inflateRawSync(stream), random);
    assert.equal(stream.length, random.length + Math.ceil(random.length / 0xffff) * 5 + FINAL_EMPTY_BLOCK.length);

    const mixed = [text(1024 * 1024), randomBytes(1024 * 1024), text(700_000), randomBytes(300_000)];
    async function* blocks(): AsyncGenerator<Buffer> {
      yield* mixed;
    }
    const parts: Buffer[] = [];
    for await (const block of deflateBlocks(blocks(), { level: 6 })) parts.push(block);
    assert.deepEqual(zlib.inflateRawSync(Buffer.concat(parts)), Buffer.concat(mixed));
    const size = parts.reduce((sum, part) => sum + part.length, 0);
    assert.ok(size < 1024 * 1024 + 300_000 + 400_000, `random parts stored, text deflated (${size} bytes)`);
    assert.deepEqual(await inflateAll(deflateBlocks(blocks(), { level: 0 })), Buffer.concat(mixed));
  });

  for (const format of ['zip', 'tar.gz'] as const) {
    it(`packs a file that mixes random and text blocks, and small random files, smaller than storing them (${format})`, async () => {
      const app = path.join(tmp.path, 'app');
      mkdirSync(path.join(app, 'img'), { recursive: true });
      const mixed = Buffer.concat([randomBytes(1024 * 1024), text(3 * 1024 * 1024), randomBytes(512 * 1024)]);
      const photo = randomBytes(90_000);
      writeFileSync(path.join(app, 'mixed.dat'), mixed);
      writeFileSync(path.join(app, 'img/photo.jpg'), photo);
      writeFileSync(path.join(app, 'small.js'), text(20_000));
      const result = await pack({ basePath: app, id: 'Mixed', version: '1.0.0', format, outFolder: path.join(tmp.path, 'out') });
      const entries = new Map((await readArchive(result.path)).map((entry) => [entry.name, entry]));
      assert.deepEqual(entries.get('mixed.dat')?.data, mixed);
      assert.deepEqual(entries.get('img/photo.jpg')?.data, photo);
      assert.deepEqual(entries.get('small.js')?.data, text(20_000));
      assert.ok(result.size < 1024 * 1024 + 512 * 1024 + 90_000 + 1024 * 1024, `text compressed, random stored (${result.size})`);
      // A second, native reader where the machine has one.
      const [tool, args] = format === 'zip' ? ['unzip', ['-tq', result.path]] : ['gzip', ['-t', result.path]];
      if (hasTool(tool)) execFileSync(tool, args);
    });
  }
});
