import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Feed, type FeedOptions, startFeed } from '../src/index.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';
import { ADMIN_KEY, KEYS, PUSH_KEY, VIEW_KEY, get, sha1, uploadOrThrow } from './helpers/upload.js';

// The test vectors of octopus-api.md §3.3 (b), written out by hand: the feed's delta endpoints are checked
// against bytes that did not come from @octojs/octodiff, which the feed itself uses.
const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** A = 520 bytes from the LCG of §3.3: x0 = 1; x' = (x*1103515245 + 12345) & 0x7FFFFFFF; byte = (x' >> 16) & 0xFF. */
function vectorA(): Buffer {
  const bytes = Buffer.alloc(520);
  let x = 1n;
  for (let k = 0; k < 520; k++) {
    x = (x * 1103515245n + 12345n) & 0x7fffffffn;
    bytes[k] = Number((x >> 16n) & 0xffn);
  }
  return bytes;
}

const A = vectorA();
const SIG_HEADER_ADLER32 = '4f43544f5349470104534841310741646c657233323e3e3e';
const SIG_A_2048 = `${SIG_HEADER_ADLER32}0802c2f50046acfee5fad8d01a4b2ad66e4adb418322b315b00e`;
const SIG_A_128 =
  `${SIG_HEADER_ADLER32}8000e33e1c763e38bc9ad3e828a09034a02c5ca21e53e65602aa8000ac3ee4194ec7c9d1b528d414acd904c938239dd941895f00` +
  '8000003b71455a7719c3215f2a7c29fcf1c6ee5279efbb394ca58000cc391e51540da8e7e5824b95fc5b5c5ff6988f64a306198c08006b03390f769057a026d93fb6be76428ef8b4b1c91c747d3e';
// Adler32V2 of A is 0x54F1F5C2 (§3.3): the same record with that checksum and the V2 name in the header.
const SIG_A_2048_V2 = '4f43544f53494701045348413109' + '41646c6572333256323e3e3e' + '0802c2f5f154acfee5fad8d01a4b2ad66e4adb418322b315b00e';
const DELTA_PREFIXED_A =
  '4f43544f44454c544101045348413114000000c2ffe960a4f38df636664d7f5559ac1bd782a2803e3e3e800100000000000000aa6000000000000000000802000000000000';
const DELTA_EDITED_A =
  '4f43544f44454c5441010453484131140000009445de349eae8f6bdd7c9a189feadaec087a45643e3e3e808000000000000000c67e816b4bfbe2fb54f6bddf7c1ce18701bf31de56720f4767668759aa883c59aaabac7bd285a1d83c54552f37ae655bda027998cce31a768e5fd9998f1f3f36ee43784d0dfabea6dae4868edc296d4eff56e17020fb8fb1580590c509dc53cdaa3b489952d3529d069feab5c206139849b2011eac3288319c52469571368f576080000000000000008801000000000000';
const DELTA_A_NOOP =
  '4f43544f44454c544101045348413114000000acfee5fad8d01a4b2ad66e4adb418322b315b00e3e3e3e6000000000000000000802000000000000';

/** The delta header of §3.3 for a target with this SHA-1. */
const deltaHeader = (targetSha1: string): Buffer => hex(`4f43544f44454c5441 01 0453484131 14000000 ${targetSha1} 3e3e3e`);
const copy = (start: number, length: number): Buffer => {
  const command = Buffer.alloc(17);
  command[0] = 0x60;
  command.writeBigInt64LE(BigInt(start), 1);
  command.writeBigInt64LE(BigInt(length), 9);
  return command;
};
const data = (bytes: Buffer): Buffer => {
  const head = Buffer.alloc(9);
  head[0] = 0x80;
  head.writeBigInt64LE(BigInt(bytes.byteLength), 1);
  return Buffer.concat([head, bytes]);
};

describe('feed: delta uploads (octopus-api.md §3)', () => {
  const tmp = useTempDir('octojs-feed-delta-');
  let feed: Feed;
  const open = async (options: Partial<FeedOptions> = {}): Promise<void> => {
    feed = await startFeed({ dataDir: path.join(tmp.path, 'data'), apiKeys: KEYS, ...options });
  };
  afterEach(async () => {
    await feed?.close();
  });

  const store = async (fileName: string, content: Buffer, query?: string): Promise<void> => {
    const answer = await uploadOrThrow(feed.url, { fileName, content, key: ADMIN_KEY, ...(query && { query }) });
    assert.ok(answer.status === 201, answer.body);
  };
  const signature = async (id: string, version: string, key = ADMIN_KEY) => {
    const answer = await get(feed.url, `/api/Spaces-1/packages/${id}/${version}/delta-signature`, key);
    return { ...answer, doc: answer.status === 200 ? answer.json<{ Signature: string; BaseVersion: string }>() : undefined };
  };
  const postDelta = (id: string, base: string, fileName: string, delta: Buffer, options: { query?: string; key?: string } = {}) =>
    uploadOrThrow(feed.url, {
      fileName,
      content: delta,
      key: options.key ?? ADMIN_KEY,
      path: `packages/${id}/${base}/delta`,
      ...(options.query && { query: options.query }),
    });
  const stored = (fileName: string): Buffer | undefined => {
    const record = feed.packages().find((item) => item.fileName === fileName);
    return record && readFileSync(feed.packagePath(record));
  };
  const uploadsLeft = (): string[] => readdirSync(path.join(tmp.path, 'data', 'uploads'));

  it('links PackageDeltaSignature and PackageDeltaUpload in the root and space documents; delta: false has neither', async () => {
    await open();
    for (const where of ['/api', '/api/Spaces-1']) {
      const links = (await get(feed.url, where, ADMIN_KEY)).json<{ Links: Record<string, string> }>().Links;
      assert.equal(links.PackageDeltaSignature, '/api/Spaces-1/packages/{packageId}/{version}/delta-signature');
      assert.equal(links.PackageDeltaUpload, '/api/Spaces-1/packages/{packageId}/{baseVersion}/delta{?replace,overwriteMode}');
    }
    await feed.close();
    await open({ delta: false });
    const links = (await get(feed.url, '/api', ADMIN_KEY)).json<{ Links: Record<string, string> }>().Links;
    assert.equal(links.PackageDeltaSignature, undefined);
    assert.equal(links.PackageDeltaUpload, undefined);
    await store('Vec.1.0.0.zip', A);
    assert.equal((await signature('Vec', '1.0.1')).status, 404);
  });

  it('serves the signature of the highest version below the requested one, else the highest; 404 for an unknown id', async () => {
    await open();
    assert.equal((await signature('Vec', '1.0.0')).status, 404);
    await store('Vec.1.0.0.zip', A);
    await store('Vec.2.0.0.zip', Buffer.concat([A, A]));
    await store('Vec.3.0.0-beta.zip', Buffer.from('three'));
    const cases: [string, string][] = [
      ['2.5.0', '2.0.0'],
      ['2.0.0', '1.0.0'],
      ['3.0.0', '3.0.0-beta'],
      ['0.1.0', '3.0.0-beta'],
      ['1.0.0.1', '1.0.0'],
    ];
    for (const [requested, base] of cases) assert.equal((await signature('vec', requested)).doc?.BaseVersion, base, requested);
    const first = await signature('Vec', '1.0.1');
    assert.equal(first.status, 200);
    assert.match(String(first.headers['content-type']), /application\/json/);
    assert.equal(Buffer.from(first.doc!.Signature, 'base64').toString('hex'), SIG_A_2048);
    assert.equal((await signature('Other', '1.0.0')).status, 404);
    assert.equal((await signature('Vec', 'not-a-version')).status, 400);
    assert.equal((await signature('Vec', '1.0.1', VIEW_KEY)).status, 403, 'a key that may not push gets no signature');
    assert.equal((await signature('Vec', '1.0.1', PUSH_KEY)).status, 200);
  });

  it('writes Adler32V2 and 128-byte chunks when told (for client tests), byte for byte as §3.3', async () => {
    await open({ delta: { chunkSize: 128 } });
    await store('Vec.1.0.0.zip', A);
    assert.equal(Buffer.from((await signature('Vec', '1.0.1')).doc!.Signature, 'base64').toString('hex'), SIG_A_128);
    await feed.close();
    await open({ delta: { rollingChecksum: 'Adler32V2' } });
    assert.equal(Buffer.from((await signature('Vec', '1.0.1')).doc!.Signature, 'base64').toString('hex'), SIG_A_2048_V2);
    await feed.close();
    await assert.rejects(open({ delta: { chunkSize: 64 } }), /chunkSize/);
    await assert.rejects(open({ delta: { rollingChecksum: 'Adler16' as 'Adler32' } }), /rollingChecksum/);
  });

  it('caches a signature beside the package: a second request reads the cache, an overwrite removes it, a restart keeps it', async () => {
    await open();
    await store('Vec.1.0.0.zip', A);
    await signature('Vec', '1.0.1');
    const record = feed.packages()[0]!;
    const folder = path.dirname(feed.packagePath(record));
    const cached = readdirSync(folder).filter((name) => name.endsWith('.octosig'));
    assert.deepEqual(cached, [`${path.basename(feed.packagePath(record))}@Adler32-2048.octosig`]);
    // Planted bytes come back: the second answer is the cache, not a new signature of the file.
    writeFileSync(path.join(folder, cached[0]!), hex(SIG_HEADER_ADLER32));
    assert.equal(Buffer.from((await signature('Vec', '1.0.1')).doc!.Signature, 'base64').toString('hex'), SIG_HEADER_ADLER32);
    await feed.close();
    await open();
    assert.equal(Buffer.from((await signature('Vec', '1.0.1')).doc!.Signature, 'base64').toString('hex'), SIG_HEADER_ADLER32);
    await store('Vec.1.0.0.zip', Buffer.concat([A, A]), 'overwriteMode=OverwriteExisting');
    assert.deepEqual(
      readdirSync(folder).filter((name) => name.endsWith('.octosig')),
      [],
      'the old file and its signature are gone',
    );
    const fresh = Buffer.from((await signature('Vec', '1.0.1')).doc!.Signature, 'base64');
    assert.equal(fresh.byteLength, 24 + 26, 'the new file (1040 bytes) in one chunk');
  });

  it('applies hand-written §3.3 deltas to the stored base and stores the result with its SHA-1', async () => {
    await open({ delta: { chunkSize: 128 } });
    await store('Vec.1.0.0.zip', A);
    const edited = Buffer.from(A);
    edited.set([0xaa, 0xab, 0xac], 32);
    const vectors: [string, Buffer, Buffer][] = [
      ['Vec.1.0.1.zip', hex(DELTA_PREFIXED_A), Buffer.concat([Buffer.from([0xaa]), A])],
      ['Vec.1.0.2.zip', hex(DELTA_EDITED_A), edited],
      ['Vec.1.0.3.zip', hex(DELTA_A_NOOP), A],
      ['Vec.1.0.4.zip', Buffer.concat([deltaHeader(sha1(A)), data(A)]), A],
      [
        'Vec.1.0.5.tar.gz',
        Buffer.concat([deltaHeader(sha1(Buffer.concat([A.subarray(400), A.subarray(0, 400)]))), copy(400, 120), copy(0, 400)]),
        Buffer.concat([A.subarray(400), A.subarray(0, 400)]),
      ],
    ];
    for (const [fileName, delta, expected] of vectors) {
      const answer = await postDelta('Vec', '1.0.0', fileName, delta);
      assert.equal(answer.status, 201, `${fileName}: ${answer.body}`);
      const body = answer.json<{ Hash: string; Version: string; PackageSizeBytes: number; FileExtension: string }>();
      assert.equal(body.Hash, sha1(expected), fileName);
      assert.equal(body.PackageSizeBytes, expected.byteLength);
      assert.deepEqual(stored(fileName), expected, fileName);
    }
    assert.equal(feed.packages().find((item) => item.fileName === 'Vec.1.0.5.tar.gz')?.extension, '.tar.gz');
    assert.deepEqual(uploadsLeft(), []);
  });

  it('refuses corrupt, truncated and foreign deltas with 400 and stores nothing', async () => {
    await open();
    await store('Vec.1.0.0.zip', A);
    const good = hex(DELTA_A_NOOP);
    const wrongHash = Buffer.from(good);
    wrongHash[25] ^= 0xff;
    const unknownCommand = Buffer.concat([good.subarray(0, 42), Buffer.from([0x70]), good.subarray(43)]);
    const cases: [string, Buffer, RegExp][] = [
      ['hash', wrongHash, /Verification of the patched file failed/],
      ['truncated command', good.subarray(0, good.byteLength - 3), /trunc|cut short|ends/i],
      ['truncated header', good.subarray(0, 20), /trunc|cut short|ends/i],
      ['unknown command', unknownCommand, /command/i],
      ['copy past the end', Buffer.concat([deltaHeader(sha1(A)), copy(0, 521)]), /basis|range|past/i],
      ['not a delta', Buffer.from('PK\x03\x04 not a delta at all, but a zip?'), /delta/i],
    ];
    for (const [what, delta, message] of cases) {
      const answer = await postDelta('Vec', '1.0.0', 'Vec.1.0.1.zip', delta);
      assert.equal(answer.status, 400, `${what}: ${answer.body}`);
      const body = answer.json<{ ErrorMessage: string; Errors: string[] }>();
      assert.match([body.ErrorMessage, ...body.Errors].join(' '), message, what);
    }
    const empty = await postDelta('Vec', '1.0.0', 'Vec.1.0.1.zip', Buffer.alloc(0));
    assert.equal(empty.status, 400);
    assert.match(empty.body, /The uploaded delta file had length equal to 0/);
    const badVersion = await postDelta('Vec', 'one', 'Vec.1.0.1.zip', good);
    assert.equal(badVersion.status, 400);
    assert.match(badVersion.body, /Invalid semantic version supplied/);
    const otherId = await postDelta('Vec', '1.0.0', 'Other.1.0.1.zip', good);
    assert.equal(otherId.status, 400);
    assert.equal((await postDelta('Vec', '0.9.0', 'Vec.1.0.1.zip', good)).status, 404, 'no such base');
    assert.deepEqual(
      feed.packages().map((item) => item.fileName),
      ['Vec.1.0.0.zip'],
    );
    assert.deepEqual(uploadsLeft(), []);
  });

  it('stores the result under the overwrite rules of a full upload: 409, ignored 200, overwrite needs BuiltInFeedAdminister', async () => {
    await open();
    await store('Vec.1.0.0.zip', A);
    await store('Vec.1.0.1.zip', Buffer.from('old'));
    const delta = hex(DELTA_A_NOOP);
    assert.equal((await postDelta('Vec', '1.0.0', 'Vec.1.0.1.zip', delta)).status, 409);
    assert.equal((await postDelta('Vec', '1.0.0', 'Vec.1.0.1.zip', delta, { query: 'overwriteMode=IgnoreIfExists' })).status, 200);
    assert.deepEqual(stored('Vec.1.0.1.zip'), Buffer.from('old'));
    const refused = await postDelta('Vec', '1.0.0', 'Vec.1.0.1.zip', delta, { query: 'overwriteMode=OverwriteExisting', key: PUSH_KEY });
    assert.equal(refused.status, 403);
    assert.equal((await postDelta('Vec', '1.0.0', 'Vec.1.0.1.zip', delta, { query: 'overwriteMode=OverwriteExisting' })).status, 201);
    assert.deepEqual(stored('Vec.1.0.1.zip'), A);
    assert.equal((await postDelta('Vec', '1.0.0', 'Vec.1.0.2.zip', delta, { key: VIEW_KEY })).status, 403);
    assert.deepEqual(uploadsLeft(), []);
  });
});
