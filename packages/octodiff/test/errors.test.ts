import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useTempDir } from '../../../test/helpers/temp-dir.js';
import {
  type OctodiffErrorCode,
  OctodiffError,
  applyDelta,
  createDelta,
  createSignature,
  parseSignature,
  writeSignature,
} from '../src/index.js';
import { collector, prng, randomBytes } from './helpers.js';

const random = prng(2024);
const basis = randomBytes(random, 10_000);
const newFile = Buffer.concat([basis.subarray(0, 4000), randomBytes(random, 300), basis.subarray(4000)]);
let delta: Buffer;

before(async () => {
  const out = collector();
  await createDelta(newFile, await createSignature(basis, { chunkSize: 512 }), out.stream);
  delta = out.bytes();
});

const HEADER = 42;
const copyCommand = (start: bigint, length: bigint) => {
  const command = Buffer.alloc(17);
  command[0] = 0x60;
  command.writeBigInt64LE(start, 1);
  command.writeBigInt64LE(length, 9);
  return command;
};

async function refused(code: OctodiffErrorCode, deltaBytes: Buffer, base: Buffer = basis): Promise<OctodiffError> {
  const out = collector();
  const error = await applyDelta(base, deltaBytes, out.stream).then(
    () => assert.fail('the delta was applied'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof OctodiffError, String(error));
  assert.equal(error.name, 'OctodiffError');
  assert.equal(error.code, code, error.message);
  assert.ok(error.hint.length > 0);
  return error;
}

describe('applyDelta refuses bad deltas', () => {
  it('the well-formed delta applies (so the refusals below are about the damage)', async () => {
    const out = collector();
    await applyDelta(basis, delta, out.stream);
    assert.ok(out.bytes().equals(newFile));
  });

  it('every truncation of the delta is refused, none silently rebuilds a shorter file', async () => {
    const boundaries = new Set<number>([HEADER]);
    for (let at = HEADER; at < delta.length;) {
      at += delta[at] === 0x60 ? 17 : 9 + Number(delta.readBigInt64LE(at + 1));
      boundaries.add(at);
    }
    assert.ok(boundaries.size > 3, 'the delta has several commands');
    for (let length = 0; length < delta.length; length++) {
      // A cut exactly between two commands leaves a well-formed but shorter delta: the header's SHA-1 catches it.
      const expected =
        length === 0
          ? 'ERR_OCTODIFF_INVALID_DELTA'
          : boundaries.has(length)
            ? 'ERR_OCTODIFF_HASH_MISMATCH'
            : 'ERR_OCTODIFF_TRUNCATED_DELTA';
      await refused(expected, delta.subarray(0, length));
    }
  });

  it('an unknown command byte', async () => {
    const error = await refused('ERR_OCTODIFF_UNKNOWN_COMMAND', Buffer.concat([delta, Buffer.from([0x70, 0, 0])]));
    assert.equal(error.offset, delta.length);
    assert.match(error.message, /0x70/);
  });

  it('a COPY past the end of the basis, and negative or huge COPY fields', async () => {
    const header = delta.subarray(0, HEADER);
    for (const [start, length] of [
      [9000n, 1001n],
      [10_000n, 1n],
      [-1n, 10n],
      [0n, -5n],
      [2n ** 62n, 1n],
    ] as const) {
      await refused('ERR_OCTODIFF_COPY_OUT_OF_RANGE', Buffer.concat([header, copyCommand(start, length)]));
    }
  });

  it('a DATA command longer than the rest of the delta', async () => {
    const data = Buffer.alloc(9 + 10);
    data[0] = 0x80;
    data.writeBigInt64LE(11n, 1);
    await refused('ERR_OCTODIFF_TRUNCATED_DELTA', Buffer.concat([delta.subarray(0, HEADER), data]));
  });

  it('a changed literal byte, a changed COPY and a wrong basis fail the SHA-1 check; verify: false skips it', async () => {
    const literalAt = delta.indexOf(0x80, HEADER) + 9 + 5;
    const corrupted = Buffer.from(delta);
    corrupted[literalAt] ^= 1;
    const error = await refused('ERR_OCTODIFF_HASH_MISMATCH', corrupted);
    assert.match(error.message, /Verification of the patched file failed/);
    const wrongBasis = Buffer.from(basis);
    wrongBasis[100] ^= 1;
    await refused('ERR_OCTODIFF_HASH_MISMATCH', delta, wrongBasis);
    const out = collector();
    const result = await applyDelta(basis, corrupted, out.stream, { verify: false });
    assert.equal(result.size, newFile.length);
  });

  it('bad headers: wrong magic, version, hash algorithm, hash length, end marker', async () => {
    const damage = (at: number, value: number) => {
      const copy = Buffer.from(delta);
      copy[at] = value;
      return copy;
    };
    await refused('ERR_OCTODIFF_INVALID_DELTA', damage(0, 0x41));
    await refused('ERR_OCTODIFF_INVALID_DELTA', damage(9, 2));
    await refused('ERR_OCTODIFF_UNSUPPORTED_ALGORITHM', damage(14, 0x32));
    await refused('ERR_OCTODIFF_INVALID_DELTA', damage(15, 0x15));
    await refused('ERR_OCTODIFF_INVALID_DELTA', damage(40, 0x3f));
    await refused('ERR_OCTODIFF_INVALID_DELTA', Buffer.from('OCTOSIG\x01', 'latin1'));
  });

  describe('with paths', () => {
    const dir = useTempDir();
    it('a refused delta leaves no output file behind, a missing basis is a read error with the path', async () => {
      const basisPath = path.join(dir.path, 'basis');
      fs.writeFileSync(basisPath, basis);
      const output = path.join(dir.path, 'out');
      const error = await applyDelta(basisPath, delta.subarray(0, delta.length - 3), output).then(
        () => assert.fail('applied'),
        (e: unknown) => e as OctodiffError,
      );
      assert.equal(error.code, 'ERR_OCTODIFF_TRUNCATED_DELTA');
      assert.deepEqual(fs.readdirSync(dir.path), ['basis']);
      const missing = await applyDelta(path.join(dir.path, 'nope'), delta, output).then(
        () => assert.fail('applied'),
        (e: unknown) => e as OctodiffError,
      );
      assert.equal(missing.code, 'ERR_OCTODIFF_READ_FAILED');
      assert.equal(missing.path, path.join(dir.path, 'nope'));
      assert.equal((missing.cause as NodeJS.ErrnoException).code, 'ENOENT');
    });
  });
});

describe('signatures and options are checked', () => {
  it('parseSignature refuses a wrong header, unknown algorithms and cut-off chunk records', async () => {
    const signature = await createSignature(basis, { chunkSize: 512 });
    const code = (bytes: Buffer) => {
      try {
        parseSignature(bytes);
      } catch (error) {
        return (error as OctodiffError).code;
      }
      return 'parsed';
    };
    assert.equal(code(signature), 'parsed');
    assert.equal(code(signature.subarray(0, signature.length - 1)), 'ERR_OCTODIFF_INVALID_SIGNATURE');
    assert.equal(code(Buffer.from('OCTODELTA')), 'ERR_OCTODIFF_INVALID_SIGNATURE');
    const rolling = Buffer.from(signature);
    rolling.write('Adler64', 14, 'latin1');
    assert.equal(code(rolling), 'ERR_OCTODIFF_UNSUPPORTED_ALGORITHM');
    const zeroLength = Buffer.from(signature);
    zeroLength.writeInt16LE(0, 24);
    assert.equal(code(zeroLength), 'ERR_OCTODIFF_INVALID_SIGNATURE');
  });

  it('options are checked by type and range, unknown keys rejected with the near miss named', async () => {
    const message = async (promise: Promise<unknown>) => {
      const error = (await promise.catch((e: unknown) => e)) as OctodiffError;
      assert.equal(error.code, 'ERR_OCTODIFF_INVALID_OPTION');
      return error.message;
    };
    assert.match(await message(createSignature(basis, { chunkSize: 127 })), /128 to 31744/);
    assert.match(await message(createSignature(basis, { chunkSize: 31_745 })), /128 to 31744/);
    assert.match(await message(createSignature(basis, { rollingChecksum: 'adler32v2' as 'Adler32V2' })), /did you mean "Adler32V2"/);
    assert.match(await message(createSignature(basis, { chunksize: 512 } as object)), /did you mean "chunkSize"/);
    const signature = await createSignature(basis);
    assert.match(await message(createDelta(newFile, signature, collector().stream, { sha1: 'abc' })), /40 hexadecimal/);
    assert.match(await message(createDelta(newFile, signature, collector().stream, { bufferSize: 10 })), /bufferSize/);
    assert.match(
      await message(createDelta(newFile, signature, collector().stream, { tempDirectory: 5 as unknown as string })),
      /tempDirectory/,
    );
    assert.match(await message(applyDelta(basis, delta, collector().stream, { verfy: true } as object)), /did you mean "verify"/);
    assert.match(await message(createSignature(42 as unknown as Buffer)), /file path, a Uint8Array or a readable stream/);
  });
});

describe('write failures', () => {
  const dir = useTempDir();

  it('an output stream that fails gives ERR_OCTODIFF_WRITE_FAILED with the stream error as cause', async () => {
    const { Writable } = await import('node:stream');
    const failing = new Writable({
      write(_chunk, _encoding, done) {
        done(new Error('disk on fire'));
      },
    });
    const error = await createDelta(newFile, await createSignature(basis), failing).then(
      () => assert.fail('written'),
      (e: unknown) => e as OctodiffError,
    );
    assert.equal(error.code, 'ERR_OCTODIFF_WRITE_FAILED');
    assert.equal((error.cause as Error).message, 'disk on fire');
  });

  it('an output path in a missing folder gives ERR_OCTODIFF_WRITE_FAILED with the path, and nothing is left', async () => {
    const output = path.join(dir.path, 'missing', 'delta');
    const error = await createDelta(newFile, await createSignature(basis), output).then(
      () => assert.fail('written'),
      (e: unknown) => e as OctodiffError,
    );
    assert.equal(error.code, 'ERR_OCTODIFF_WRITE_FAILED');
    assert.equal(error.path, output);
    assert.deepEqual(fs.readdirSync(dir.path), []);
  });
});

describe('back-pressure', () => {
  it('waiting for drain many times on one output stream leaves no listeners behind (no MaxListenersExceededWarning)', async () => {
    const { Writable } = await import('node:stream');
    let most = 0;
    const slow = new Writable({
      highWaterMark: 16,
      write(_chunk, _encoding, done) {
        most = Math.max(most, slow.listenerCount('close'), slow.listenerCount('error'), slow.listenerCount('drain'));
        setImmediate(done);
      },
    });
    // The signature is written a 4 MiB block of the basis at a time: 12 writes, each past the high-water mark.
    const { size } = await writeSignature(Buffer.alloc(48 << 20), slow);
    assert.equal(size, 24 + 26 * ((48 << 20) / 2048));
    assert.ok(most <= 3, `at most a few listeners at a time, not one per write (${most})`);
  });
});
