import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { useTempDir } from '../../../test/helpers/temp-dir.js';
import {
  type RollingChecksumName,
  applyDelta,
  createDelta,
  createSignature,
  parseSignature,
  rollingChecksum,
  rotateChecksum,
  writeSignature,
} from '../src/index.js';
import { type Command, collector, commandsOf, prng, randomBytes } from './helpers.js';

const CHECKSUMS: RollingChecksumName[] = ['Adler32', 'Adler32V2'];

/** A stream of `bytes` in pieces of random sizes, so reads never line up with chunks. */
function pieces(bytes: Buffer, random: () => number): Readable {
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = 1 + Math.floor(random() * 70_000);
    parts.push(bytes.subarray(at, at + n));
    at += n;
  }
  return Readable.from(parts);
}

async function roundTrip(basis: Buffer, newFile: Buffer, chunkSize: number, rolling: RollingChecksumName, random: () => number) {
  const signature = await createSignature(pieces(basis, random), { chunkSize, rollingChecksum: rolling });
  const out = collector();
  const result = await createDelta(pieces(newFile, random), signature, out.stream, { bufferSize: 1 << 20 });
  const delta = out.bytes();
  assert.equal(result.size, delta.length);
  assert.equal(result.newFileSize, newFile.length);
  const rebuilt = collector();
  const applied = await applyDelta(basis, delta, rebuilt.stream);
  assert.ok(rebuilt.bytes().equals(newFile), `rebuilt file differs (chunk ${chunkSize}, ${rolling})`);
  assert.equal(applied.size, newFile.length);
  const commands = commandsOf(delta);
  assertMerged(commands);
  return { delta, result, commands };
}

/** No COPY directly continues the COPY before it: adjacent copies were merged. */
function assertMerged(commands: Command[]) {
  for (let i = 1; i < commands.length; i++) {
    const [before, after] = [commands[i - 1]!, commands[i]!];
    if (before.type === 'COPY' && after.type === 'COPY')
      assert.notEqual(after.start, before.start! + before.length, 'adjacent COPYs not merged');
    assert.ok(after.length > 0, 'empty command');
  }
}

type Edit = (file: Buffer, random: () => number) => Buffer;
const at = (file: Buffer, random: () => number) => Math.floor(random() * (file.length + 1));
const EDITS: Record<string, Edit> = {
  insertion: (file, random) => {
    const where = at(file, random);
    return Buffer.concat([file.subarray(0, where), randomBytes(random, 1 + Math.floor(random() * 3000)), file.subarray(where)]);
  },
  deletion: (file, random) => {
    const where = at(file, random);
    return Buffer.concat([file.subarray(0, where), file.subarray(Math.min(file.length, where + 1 + Math.floor(random() * 5000)))]);
  },
  'moved block': (file, random) => {
    const [x, y] = [at(file, random), at(file, random)].sort((p, q) => p - q) as [number, number];
    return Buffer.concat([file.subarray(y), file.subarray(x, y), file.subarray(0, x)]);
  },
  'changed bytes': (file, random) => {
    const copy = Buffer.from(file);
    for (let k = 0; k < 5; k++) copy[Math.floor(random() * copy.length)] ^= 0x5a;
    return copy;
  },
  'several edits': (file, random) => EDITS.insertion!(EDITS.deletion!(EDITS['moved block']!(file, random), random), random),
};

describe('delta round trips: applying the delta rebuilds the new file exactly', () => {
  for (const rolling of CHECKSUMS) {
    for (const chunkSize of [128, 700, 2048, 31_744]) {
      for (const [name, edit] of Object.entries(EDITS)) {
        it(`${name}, ${rolling}, chunk size ${chunkSize}`, async () => {
          const random = prng(chunkSize * 31 + name.length + rolling.length);
          const basis = randomBytes(random, 150_000 + Math.floor(random() * 200_000));
          const newFile = edit(basis, random);
          const { result } = await roundTrip(basis, newFile, chunkSize, rolling, random);
          // Most of the file is unchanged, so most of it must come from the basis.
          assert.ok(
            result.copiedBytes > newFile.length - 10_000 - 4 * chunkSize,
            `only ${result.copiedBytes} of ${newFile.length} bytes copied`,
          );
        });
      }
    }
  }

  for (const rolling of CHECKSUMS) {
    it(`edits next to the 1 MiB read-buffer boundaries, ${rolling}, chunk sizes 128 and 31744`, async () => {
      const random = prng(rolling.length * 1000 + 1);
      const basis = randomBytes(random, (3 << 20) + 777);
      const parts: Buffer[] = [];
      let from = 0;
      // An insertion, a deletion and a changed byte within a chunk of each boundary the delta builder meets.
      for (const [k, kind] of [
        [1, 'insert'],
        [2, 'delete'],
        [3, 'change'],
      ] as const) {
        const at = k * (1 << 20) - 50 + Math.floor(random() * 100);
        parts.push(basis.subarray(from, at));
        if (kind === 'insert') parts.push(randomBytes(random, 40));
        if (kind === 'change') parts.push(Buffer.from([basis[at]! ^ 1]));
        from = kind === 'insert' ? at : at + (kind === 'delete' ? 300 : 1);
      }
      parts.push(basis.subarray(from));
      const newFile = Buffer.concat(parts);
      for (const chunkSize of [128, 31_744]) {
        const { result } = await roundTrip(basis, newFile, chunkSize, rolling, random);
        assert.ok(result.copiedBytes > newFile.length - 8 * chunkSize, `only ${result.copiedBytes} of ${newFile.length} bytes copied`);
      }
    });
  }

  for (const rolling of CHECKSUMS) {
    it(`edge cases with ${rolling}: empty files, files shorter than a chunk, a basis larger than the new file`, async () => {
      const random = prng(7);
      const basis = randomBytes(random, 40_000);
      const cases: [Buffer, Buffer][] = [
        [Buffer.alloc(0), Buffer.alloc(0)],
        [Buffer.alloc(0), basis.subarray(0, 5000)],
        [basis, Buffer.alloc(0)],
        [basis.subarray(0, 100), basis.subarray(0, 100)],
        [basis.subarray(0, 100), basis.subarray(0, 99)],
        [basis, basis.subarray(1000, 1100)],
        [basis, basis.subarray(5000, 9000)],
        [Buffer.alloc(50_000), Buffer.alloc(70_001)],
        [basis.subarray(0, 2048 * 3), basis.subarray(0, 2048 * 3 + 1)],
      ];
      for (const [b, n] of cases) for (const chunkSize of [128, 2048]) await roundTrip(b, n, chunkSize, rolling, random);
    });

    it(`finds chunks at every offset with ${rolling} (exact rotation), not only where the checksum is recalculated`, async () => {
      const random = prng(11);
      const basis = randomBytes(random, 300_000);
      const newFile = Buffer.concat([randomBytes(random, 777), basis]);
      const { commands } = await roundTrip(basis, newFile, 2048, rolling, random);
      assert.deepEqual(commands, [
        { type: 'DATA', length: 777 },
        { type: 'COPY', start: 0, length: 300_000 },
      ]);
    });

    it(`rotating ${rolling} always equals calculating the next window`, () => {
      const random = prng(3);
      const bytes = randomBytes(random, 20_000);
      for (const window of [1, 128, 2048, 5000]) {
        let checksum = rollingChecksum(rolling, bytes, 0, window);
        for (let i = 1; i + window <= 12_000; i++) {
          checksum = rotateChecksum(rolling, checksum, bytes[i - 1]!, bytes[i + window - 1]!, window);
          if (i % 97 === 0 || i < 300) assert.equal(checksum, rollingChecksum(rolling, bytes, i, i + window), `window ${window} at ${i}`);
        }
        assert.equal(checksum, rollingChecksum(rolling, bytes, 12_000 - window, 12_000));
      }
      const ff = Buffer.alloc(40_000, 0xff);
      assert.equal(
        rotateChecksum(rolling, rollingChecksum(rolling, ff, 0, 31_744), 0xff, 0xff, 31_744),
        rollingChecksum(rolling, ff, 1, 31_745),
      );
    });
  }
});

describe('delta files and paths', () => {
  const dir = useTempDir();

  it('reads and writes paths across many buffers, hashing a large new file on a worker thread', async () => {
    const random = prng(99);
    const basis = randomBytes(random, 17 << 20);
    const newFile = Buffer.concat([basis.subarray(0, 9 << 20), randomBytes(random, 12_345), basis.subarray(9 << 20)]);
    const [basisPath, newPath, deltaPath, rebuiltPath] = ['basis', 'new', 'delta', 'rebuilt'].map((n) => path.join(dir.path, n)) as [
      string,
      string,
      string,
      string,
    ];
    fs.writeFileSync(basisPath, basis);
    fs.writeFileSync(newPath, newFile);
    const signature = await createSignature(basisPath);
    const result = await createDelta(newPath, signature, deltaPath, { bufferSize: 1 << 20 });
    assert.equal(fs.statSync(deltaPath).size, result.size);
    assert.ok(result.size < 20_000, `delta of ${result.size} bytes`);
    const applied = await applyDelta(basisPath, deltaPath, rebuiltPath);
    assert.ok(fs.readFileSync(rebuiltPath).equals(newFile));
    assert.equal(applied.sha1, result.sha1);
    assert.deepEqual(fs.readdirSync(dir.path).sort(), ['basis', 'delta', 'new', 'rebuilt']);
  });

  it('writes the same delta to a stream as to a file, with and without a known SHA-1, from a path or a stream', async () => {
    const random = prng(5);
    const basis = randomBytes(random, 200_000);
    const newFile = Buffer.concat([basis.subarray(0, 70_000), randomBytes(random, 99), basis.subarray(70_000)]);
    const newPath = path.join(dir.path, 'new');
    fs.writeFileSync(newPath, newFile);
    const signature = await createSignature(basis);
    await createDelta(newPath, signature, path.join(dir.path, 'delta'));
    const expected = fs.readFileSync(path.join(dir.path, 'delta'));
    const result = await createDelta(newFile, signature, collector().stream);
    for (const [input, options] of [
      [newPath, {}],
      [() => fs.createReadStream(newPath), {}],
      [() => fs.createReadStream(newPath), { sha1: result.sha1 }],
      [newFile, { sha1: result.sha1 }],
    ] as const) {
      const out = collector();
      await createDelta(typeof input === 'function' ? input() : input, signature, out.stream, options);
      assert.ok(out.bytes().equals(expected));
    }
  });

  it('writeSignature writes the same bytes as createSignature, to a path and to a stream; a parsed Signature is reusable', async () => {
    const random = prng(17);
    const basis = randomBytes(random, 5 << 20);
    const basisPath = path.join(dir.path, 'basis');
    fs.writeFileSync(basisPath, basis);
    for (const options of [{}, { chunkSize: 128, rollingChecksum: 'Adler32V2' as const }, { chunkSize: 31_744 }]) {
      const expected = await createSignature(basis, options);
      const signaturePath = path.join(dir.path, 'signature');
      assert.equal((await writeSignature(basisPath, signaturePath, options)).size, expected.length);
      assert.ok(fs.readFileSync(signaturePath).equals(expected));
      const out = collector();
      await writeSignature(fs.createReadStream(basisPath), out.stream, options);
      assert.ok(out.bytes().equals(expected));
      const parsed = parseSignature(expected);
      assert.equal(parsed.basisLength, basis.length);
      assert.equal(parsed.chunkSize, options.chunkSize ?? 2048);
      for (const newFile of [Buffer.concat([basis.subarray(1000), basis.subarray(0, 5000)])]) {
        const delta = collector();
        await createDelta(newFile, parsed, delta.stream);
        const rebuilt = collector();
        await applyDelta(basis, delta.bytes(), rebuilt.stream);
        assert.ok(rebuilt.bytes().equals(newFile));
      }
    }
  });
});
