import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { type Feed, type FeedOptions, startFeed } from '@octojs/feed';
import { type PushOptions, type PushResult, push } from '../src/index.js';
import { trackedTemporaries } from '../src/temporary-files.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';

// Every row of the decision table of octopus-api.md §3.2, against a running feed (faults injected by the feed).
const PUSH_KEY = 'API-PUSHONLY0000000000000000000';
const BLIND_KEY = 'API-BLIND00000000000000000000000';
const ADMIN_KEY = 'API-ADMIN00000000000000000000000';
const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
const sha1 = (data: Buffer): string => createHash('sha1').update(data).digest('hex');

/** A zip-looking package (its magic, then bytes that do not compress) of `size` bytes. */
const zipBytes = (size: number): Buffer => Buffer.concat([ZIP_MAGIC, randomBytes(size - ZIP_MAGIC.length)]);

/** The next version of `v1`: a few bytes changed in the middle and some added near the end. */
function edited(v1: Buffer): Buffer {
  const v2 = Buffer.concat([v1.subarray(0, 150_000), randomBytes(500), v1.subarray(150_000)]);
  v2.write('changed!', 40_000);
  return v2;
}

describe('push() with useDeltaCompression: the §3.2 decision table', function () {
  this.timeout(30_000);
  const tmp = useTempDir();
  let feed: Feed;
  let warnings: string[];
  const v1 = zipBytes(300_000);
  const v2 = edited(v1);
  let v1File: string;
  let v2File: string;

  const start = async (options: Partial<FeedOptions> = {}): Promise<Feed> => {
    feed = await startFeed({
      dataDir: path.join(tmp.path, 'feed'),
      apiKeys: {
        [PUSH_KEY]: ['BuiltInFeedPush', 'FeedView'],
        [BLIND_KEY]: ['BuiltInFeedPush'],
        [ADMIN_KEY]: ['BuiltInFeedPush', 'BuiltInFeedAdminister', 'FeedView'],
      },
      ...options,
    });
    return feed;
  };
  const options = (extra: PushOptions = {}): PushOptions => ({
    server: feed.url,
    apiKey: PUSH_KEY,
    retryDelay: 5,
    retries: 0,
    env: {},
    useDeltaCompression: true,
    onWarning: (message) => warnings.push(message),
    ...extra,
  });
  /** v1 stored (as a full upload), then the requests so far forgotten. */
  const withBase = async (feedOptions: Partial<FeedOptions> = {}): Promise<void> => {
    await start(feedOptions);
    await push(v1File, options({ useDeltaCompression: false }));
    feed.requests.length = 0;
  };
  const requested = (pattern: RegExp, method = 'POST'): number =>
    feed.requests.filter((request) => request.method === method && pattern.test(request.path)).length;
  const storedV2 = (): Buffer => {
    const record = feed.packages().find((item) => item.version === '1.0.1');
    assert.ok(record, '1.0.1 is stored');
    return readFileSync(feed.packagePath(record));
  };
  const assertDelta = (result: PushResult): void => {
    assert.equal(result.method, 'delta');
    assert.equal(result.baseVersion, '1.0.0');
    assert.equal(result.fullUploadReason, undefined);
    assert.ok(result.bytesSent > 0 && result.bytesSent < v2.byteLength / 10, `sent ${result.bytesSent} of ${v2.byteLength}`);
    assert.equal(result.sha1, sha1(v2));
    assert.deepEqual(storedV2(), v2);
    assert.equal(requested(/\/packages\/raw$/), 0, 'no full upload');
  };
  const assertFull = (result: PushResult, reason: string | undefined): void => {
    assert.equal(result.method, 'full');
    assert.equal(result.fullUploadReason, reason);
    assert.equal(result.baseVersion, undefined);
    assert.equal(result.bytesSent, v2.byteLength);
    assert.equal(result.sha1, sha1(v2));
    assert.deepEqual(storedV2(), v2);
    assert.equal(requested(/\/packages\/raw$/), 1, 'one full upload');
  };

  beforeEach(() => {
    warnings = [];
    v1File = path.join(tmp.path, 'Acme.Web.1.0.0.zip');
    v2File = path.join(tmp.path, 'Acme.Web.1.0.1.zip');
    writeFileSync(v1File, v1);
    writeFileSync(v2File, v2);
  });
  afterEach(async () => {
    await feed?.close();
    assert.deepEqual(trackedTemporaries(), [], 'no temporary file is left tracked');
  });

  it('delta: the signature asked for by the new version, the delta posted to the base version with the new file name', async () => {
    await withBase();
    const progress: { method: string; total: number }[] = [];
    const result = await push(v2File, options({ onProgress: (step) => progress.push(step) }));
    assertDelta(result);
    assert.equal(result.outcome, 'created');
    assert.equal(result.size, v2.byteLength);
    assert.equal(requested(/^\/api\/Spaces-1\/packages\/Acme\.Web\/1\.0\.1\/delta-signature$/, 'GET'), 1);
    const post = feed.requests.find((request) => request.method === 'POST');
    assert.equal(post?.path, '/api/Spaces-1/packages/Acme.Web/1.0.0/delta');
    assert.equal(post?.query, '?overwriteMode=FailIfExists');
    assert.equal(feed.packages().find((item) => item.version === '1.0.1')?.fileName, 'Acme.Web.1.0.1.zip');
    assert.ok(progress.length > 0 && progress.every((step) => step.method === 'delta' && step.total === result.bytesSent));
    assert.deepEqual(warnings, []);
  });

  it('delta against a feed serving Adler32V2 signatures of 128-byte chunks; bytes pushed as { data, name } too', async () => {
    await withBase({ delta: { rollingChecksum: 'Adler32V2', chunkSize: 128 } });
    assertDelta(await push(v2File, options()));
    const v3 = edited(v2);
    const result = await push({ data: v3, name: 'Acme.Web.1.0.2.zip' }, options());
    assert.equal(result.method, 'delta');
    assert.equal(result.baseVersion, '1.0.1');
    assert.deepEqual(readFileSync(feed.packagePath(feed.packages().find((item) => item.version === '1.0.2')!)), v3);
  });

  it('delta to a pre-2019.7.9 server (upload links with replace only): the delta upload says replace', async () => {
    await withBase({ legacy: true });
    assertDelta(await push(v2File, options({ overwriteMode: 'OverwriteExisting', apiKey: ADMIN_KEY })));
    assert.equal(feed.requests.find((request) => request.method === 'POST')?.query, '?replace=true');
  });

  it('delta disabled (the default): full upload, no signature asked for', async () => {
    await withBase();
    assertFull(await push(v2File, options({ useDeltaCompression: undefined })), undefined);
    assert.equal(requested(/delta-signature$/, 'GET'), 0);
  });

  it('a .tar.gz: full upload (reason format), no signature asked for; a stream: full upload (reason stream)', async () => {
    await withBase();
    const gz = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), randomBytes(1000)]);
    writeFileSync(path.join(tmp.path, 'Acme.Web.1.0.1.tar.gz'), gz);
    const result = await push(path.join(tmp.path, 'Acme.Web.1.0.1.tar.gz'), options());
    assert.equal(result.method, 'full');
    assert.equal(result.fullUploadReason, 'format');
    assert.equal(requested(/delta-signature$/, 'GET'), 0);
    const streamed = await push({ stream: Readable.from([v2]), name: 'Acme.Web.1.0.2.zip' }, options({ retries: 1 }));
    assert.equal(streamed.fullUploadReason, 'stream');
    assert.equal(streamed.method, 'full');
  });

  it('a name without id and version is refused before any request, with delta as without it', async () => {
    await start();
    writeFileSync(path.join(tmp.path, 'package.zip'), v2);
    await assert.rejects(push(path.join(tmp.path, 'package.zip'), options()), { code: 'ERR_OCTO_AMBIGUOUS_NAME' });
    assert.equal(feed.requests.length, 0);
  });

  it('signature 404 (no version of the id on the server): full upload, reason no-base-version', async () => {
    await start();
    assertFull(await push(v2File, options()), 'no-base-version');
    assert.equal(requested(/delta-signature$/, 'GET'), 1);
    assert.deepEqual(warnings, []);
  });

  it('a server without delta links: full upload, reason no-delta-support', async () => {
    await withBase({ delta: false });
    assertFull(await push(v2File, options()), 'no-delta-support');
    assert.equal(requested(/delta-signature$/, 'GET'), 0);
  });

  for (const [what, fault] of [
    ['500', (f: Feed) => f.faults.failNext(1, 500, { path: /delta-signature$/ })],
    ['401', (f: Feed) => f.faults.failNext(1, 401, { path: /delta-signature$/ })],
    ['403', (f: Feed) => f.faults.failNext(1, 403, { path: /delta-signature$/ })],
    ['a timeout', (f: Feed) => f.faults.delay(2000, { path: /delta-signature$/ })],
    ['not JSON', (f: Feed) => f.faults.failNext(1, 200, { path: /delta-signature$/, body: '<html>login</html>' })],
    [
      'a corrupt signature',
      (f: Feed) => f.faults.failNext(1, 200, { path: /delta-signature$/, body: '{"BaseVersion":"1.0.0","Signature":"T0NUT1NJRw=="}' }),
    ],
  ] as const) {
    it(`signature answered with ${what}: full upload, reason signature-failed, with a warning`, async () => {
      await withBase();
      fault(feed);
      assertFull(await push(v2File, options({ timeout: 1000 })), 'signature-failed');
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0]!, /delta signature could not be had/);
      if (what === '401' || what === '403') assert.match(warnings[0]!, new RegExp(`\\(${what}\\)`), 'the refusal is surfaced');
    });
  }

  for (const delta of [undefined, { rollingChecksum: 'Adler32V2', chunkSize: 128 }] as const) {
    it(`a delta over 95% of the package: full upload, reason delta-too-large (${delta ? 'Adler32V2, 128' : 'Adler32, 2048'})`, async () => {
      await withBase(delta && { delta });
      writeFileSync(v2File, zipBytes(300_000));
      const result = await push(v2File, options());
      assert.equal(result.method, 'full');
      assert.equal(result.fullUploadReason, 'delta-too-large');
      assert.equal(requested(/\/delta$/), 0);
      assert.equal(requested(/\/packages\/raw$/), 1);
    });
  }

  it('delta POST answered 400: the push fails, no full upload', async () => {
    await withBase();
    feed.faults.failNext(1, 400, {
      path: /\/delta$/,
      body: '{"ErrorMessage":"There was a problem with your request.","Errors":["A delta file must be provided"]}',
    });
    await assert.rejects(push(v2File, options({ retries: 2 })), (error: Error & { code?: string; status?: number }) => {
      assert.equal(error.code, 'ERR_OCTO_REJECTED');
      assert.equal(error.status, 400);
      assert.match(error.message, /A delta file must be provided/);
      return true;
    });
    assert.equal(requested(/\/delta$/), 1, 'not retried');
    assert.equal(requested(/\/packages\/raw$/), 0);
  });

  it("delta POST answered 409 (the feed's own, for a key that cannot look first): the push fails, no full upload", async () => {
    await withBase();
    await push(v2File, options({ useDeltaCompression: false }));
    feed.requests.length = 0;
    await assert.rejects(push(v2File, options({ apiKey: BLIND_KEY })), { code: 'ERR_OCTO_CONFLICT' });
    assert.equal(requested(/\/delta$/), 1);
    assert.equal(requested(/\/packages\/raw$/), 0);
  });

  it('delta POST answered 5xx after the retries: full upload, reason delta-upload-failed', async () => {
    await withBase();
    feed.faults.failNext(2, 503, { path: /\/delta$/ });
    const result = await push(v2File, options({ retries: 1 }));
    assertFull(result, 'delta-upload-failed');
    assert.equal(requested(/\/delta$/), 2);
    assert.equal(result.attempts, 3, 'two delta attempts, one full');
    assert.match(warnings.at(-1)!, /delta upload failed .*503.*sending the whole package/);
  });

  it('delta POST dropped mid-body: the server does not have it, so full upload', async () => {
    await withBase();
    feed.faults.resetAfterBytes(100, { path: /\/delta$/ });
    assertFull(await push(v2File, options()), 'delta-upload-failed');
    assert.equal(requested(/\/packages\/Acme\.Web\.1\.0\.1$/, 'GET'), 2, 'the pre-check, then a look for it by hash');
  });

  it('delta POST stored but answered too late (timeout): verified by GET and SHA-1, no full upload', async () => {
    await withBase();
    feed.faults.storeThenDelay(3000, { path: /\/delta$/ });
    const result = await push(v2File, options({ timeout: 1000 }));
    assertDelta(result);
    assert.equal(result.outcome, 'created');
  });

  it('delta POST answered 2xx with an empty body: success per status, not sent again', async () => {
    await withBase();
    feed.faults.failNext(1, 201, { path: /\/delta$/, body: '' });
    const result = await push(v2File, options());
    assert.equal(result.method, 'delta');
    assert.equal(result.outcome, 'created');
    assert.equal(result.sha1, sha1(v2));
    assert.equal(requested(/\/packages\/raw$/), 0);
    await feed.close();
    await withBase({ emptyBodyOnIgnore: true, dataDir: path.join(tmp.path, 'feed2') });
    await push(v2File, options({ useDeltaCompression: false }));
    feed.requests.length = 0;
    const ignored = await push(v2File, options({ apiKey: BLIND_KEY, overwriteMode: 'IgnoreIfExists' }));
    assert.equal(ignored.outcome, 'ignored');
    assert.equal(ignored.method, 'delta');
    assert.equal(requested(/\/packages\/raw$/), 0);
  });
});
