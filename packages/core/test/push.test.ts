import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Readable } from 'node:stream';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { type Feed, type FeedOptions, startFeed } from '@octojs/feed';
import { type PushAllOptions, createPackage, push, pushAll } from '../src/index.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';

function* chunksOf(data: Buffer, size: number): Generator<Buffer> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

/** A zip's local-header magic: push checks that a `.zip` starts with it before sending anything. */
const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
const asZip = (data: Buffer): Buffer => (ZIP_MAGIC.copy(data), data);

const PUSH_KEY = 'API-PUSHONLY0000000000000000000';
const ADMIN_KEY = 'API-ADMIN00000000000000000000000';
const BLIND_KEY = 'API-BLIND00000000000000000000000';

describe('push()', () => {
  const tmp = useTempDir();
  let feed: Feed;
  let zip: string;

  const start = async (options: Partial<FeedOptions> = {}): Promise<Feed> => {
    feed = await startFeed({
      dataDir: path.join(tmp.path, 'feed'),
      apiKeys: {
        [PUSH_KEY]: ['BuiltInFeedPush', 'FeedView'],
        [ADMIN_KEY]: ['BuiltInFeedPush', 'BuiltInFeedAdminister', 'FeedView'],
        [BLIND_KEY]: ['BuiltInFeedPush'],
      },
      accessTokens: { 'token-abc': ['BuiltInFeedPush', 'FeedView'] },
      spaces: [
        { id: 'Spaces-1', name: 'Default', isDefault: true },
        { id: 'Spaces-2', name: 'Team Two' },
      ],
      ...options,
    });
    return feed;
  };
  const options = (extra: PushAllOptions = {}): PushAllOptions => ({
    server: feed.url,
    apiKey: PUSH_KEY,
    retryDelay: 5,
    env: {},
    ...extra,
  });

  /** A 4 MB package stored, not deflated, so that it is as big on the wire as on disk. */
  const storedPackage = async (id: string, fill: number): Promise<string> =>
    (
      await createPackage({ id, version: '1.0.0', compressionLevel: 0 })
        .addBuffer('big.bin', Buffer.alloc(4 * 1024 * 1024, fill))
        .toFile(tmp.path)
    ).path;

  beforeEach(async () => {
    zip = (await createPackage({ id: 'Acme.Web', version: '1.0.0' }).addBuffer('index.js', 'console.log(1)').toFile(tmp.path)).path;
  });
  afterEach(async () => {
    await feed?.close();
  });

  it('creates a new package and the feed stores it with the same SHA-1', async () => {
    await start();
    const result = await push(zip, options());
    assert.equal(result.outcome, 'created');
    assert.equal(result.packageId, 'Acme.Web');
    assert.equal(result.version, '1.0.0');
    assert.equal(result.attempts, 1);
    const [stored] = feed.packages();
    assert.equal(stored?.hash, result.hash);
    assert.equal(stored?.size, readFileSync(zip).length);
    const upload = feed.requests.find((request) => request.method === 'POST')!;
    assert.equal(upload.path, '/api/Spaces-1/packages/raw');
    assert.equal(upload.query, '?overwriteMode=FailIfExists');
  });

  describe('on an existing package', () => {
    beforeEach(async () => {
      await start();
      await push(zip, options());
      feed.requests.length = 0;
    });

    it('FailIfExists: fails with ERR_OCTO_CONFLICT without uploading', async () => {
      await assert.rejects(push(zip, options()), (error: { code: string; hint: string }) => {
        assert.equal(error.code, 'ERR_OCTO_CONFLICT');
        assert.match(error.hint, /IgnoreIfExists/);
        return true;
      });
      assert.ok(!feed.requests.some((request) => request.method === 'POST'));
    });

    it('IgnoreIfExists: skips the upload, and warns when the stored file differs', async () => {
      const same = await push(zip, options({ overwriteMode: 'ignore' }));
      assert.equal(same.outcome, 'ignored');
      assert.deepEqual(same.warnings, []);
      const other = (
        await createPackage({ id: 'Acme.Web', version: '1.0.0' }).addBuffer('index.js', 'changed').toFile(path.join(tmp.path, 'other'))
      ).path;
      const warnings: string[] = [];
      const different = await push(other, options({ overwriteMode: 'IgnoreIfExists', onWarning: (warning) => warnings.push(warning) }));
      assert.equal(different.outcome, 'ignored');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /differs/);
      assert.ok(!feed.requests.some((request) => request.method === 'POST'));
    });

    it('OverwriteExisting: needs BuiltInFeedAdminister, then overwrites', async () => {
      await assert.rejects(push(zip, options({ overwriteMode: 'overwrite' })), (error: { code: string; message: string; hint: string }) => {
        assert.equal(error.code, 'ERR_OCTO_PERMISSION');
        assert.match(error.message, /BuiltInFeedAdminister/);
        assert.match(error.hint, /BuiltInFeedAdminister/);
        return true;
      });
      const result = await push(zip, options({ apiKey: ADMIN_KEY, overwriteMode: 'OverwriteExisting' }));
      assert.equal(result.outcome, 'overwritten');
    });

    it("uploads blindly when the key may not read packages, and reports the server's 409", async () => {
      await assert.rejects(push(zip, options({ apiKey: BLIND_KEY })), (error: { code: string; status: number; serverMessage: string }) => {
        assert.equal(error.code, 'ERR_OCTO_CONFLICT');
        assert.equal(error.status, 409);
        assert.match(error.serverMessage, /already exists/);
        return true;
      });
      assert.ok(feed.requests.some((request) => request.method === 'POST'));
    });

    it('treats a 200 with an empty body as ignored', async () => {
      await feed.close();
      await start({ emptyBodyOnIgnore: true });
      const result = await push(zip, options({ apiKey: BLIND_KEY, overwriteMode: 'ignore' }));
      assert.equal(result.outcome, 'ignored');
    });
  });

  describe('on a legacy server', () => {
    it('sends replace instead of overwriteMode, and warns that ignore falls back to fail', async () => {
      await start({ legacy: true });
      await push(zip, options());
      assert.equal(feed.requests.find((request) => request.method === 'POST')?.query, '?replace=false');
      const warnings: string[] = [];
      await assert.rejects(push(zip, options({ overwriteMode: 'ignore', onWarning: (warning) => warnings.push(warning) })), {
        code: 'ERR_OCTO_CONFLICT',
      });
      assert.match(warnings.join(), /2019\.7\.9/);
      const replaced = await push(zip, options({ apiKey: ADMIN_KEY, replace: true }));
      assert.equal(replaced.outcome, 'overwritten');
      assert.equal(feed.requests.filter((request) => request.method === 'POST').at(-1)?.query, '?replace=true');
    });
  });

  describe('spaces', () => {
    beforeEach(() => start());

    it('by name (case-insensitive) and by id', async () => {
      assert.equal((await push(zip, options({ space: 'team two' }))).spaceId, 'Spaces-2');
      assert.equal(feed.packages('Spaces-2').length, 1);
      assert.equal((await push(zip, options({ space: 'Spaces-1' }))).spaceId, 'Spaces-1');
    });

    it('unknown: lists the spaces the key can see', async () => {
      await assert.rejects(push(zip, options({ space: 'Nope' })), (error: { code: string; hint: string }) => {
        assert.equal(error.code, 'ERR_OCTO_SPACE_NOT_FOUND');
        assert.match(error.hint, /Default \(Spaces-1\), Team Two \(Spaces-2\)/);
        return true;
      });
      await assert.rejects(push(zip, options({ space: 'Spaces-9' })), { code: 'ERR_OCTO_SPACE_NOT_FOUND' });
    });

    it('from OCTOPUS_* variables', async () => {
      const result = await push(zip, { env: { OCTOPUS_URL: feed.url, OCTOPUS_API_KEY: PUSH_KEY, OCTOPUS_SPACE: 'Team Two' } });
      assert.equal(result.spaceId, 'Spaces-2');
    });
  });

  describe('authentication', () => {
    beforeEach(() => start());

    it('a wrong key is ERR_OCTO_AUTH, and no key ever appears in an error', async () => {
      const key = 'API-WRONGWRONGWRONGWRONG00000';
      const error = await push(zip, options({ apiKey: key })).then(
        () => assert.fail('should fail'),
        (failure: Error & { code: string }) => failure,
      );
      assert.equal(error.code, 'ERR_OCTO_AUTH');
      const everything = JSON.stringify({
        message: error.message,
        stack: error.stack,
        json: error,
        hint: (error as { hint?: string }).hint,
      });
      assert.ok(!everything.includes(key));
      assert.ok(!everything.includes(PUSH_KEY));
      assert.ok(!feed.requests.some((request) => request.method === 'POST'), 'an unknown key never sends the package');
    });

    it('a bearer access token works', async () => {
      const result = await push(zip, { server: feed.url, accessToken: 'token-abc', env: {} });
      assert.equal(result.outcome, 'created');
    });

    it('checks options before any request', async () => {
      await assert.rejects(push(zip, { env: {} }), { code: 'ERR_OCTO_MISSING_SERVER' });
      await assert.rejects(push(zip, { server: feed.url, env: {} }), { code: 'ERR_OCTO_MISSING_CREDENTIALS' });
      await assert.rejects(push(zip, { server: PUSH_KEY, apiKey: feed.url, env: {} }), { code: 'ERR_OCTO_INVALID_OPTION', hint: /Swap/ });
      assert.equal(feed.requests.length, 0);
    });
  });

  describe('bad packages', () => {
    beforeEach(() => start());

    it('a 0-byte file is rejected by the server with its message', async () => {
      const empty = path.join(tmp.path, 'Empty.1.0.0.zip');
      writeFileSync(empty, '');
      await assert.rejects(push(empty, options({ apiKey: BLIND_KEY })), (error: { code: string; message: string }) => {
        assert.equal(error.code, 'ERR_OCTO_REJECTED');
        assert.match(error.message, /length equal to 0/);
        return true;
      });
    });

    it('an unsupported extension, a badly named file and a missing file fail before upload', async () => {
      const sevenZip = path.join(tmp.path, 'App.1.0.0.7z');
      writeFileSync(sevenZip, 'x');
      await assert.rejects(push(sevenZip, options()), { code: 'ERR_OCTO_UNSUPPORTED_FORMAT' });
      const badName = path.join(tmp.path, 'Standard76.zip');
      writeFileSync(badName, 'x');
      await assert.rejects(push(badName, options()), { code: 'ERR_OCTO_AMBIGUOUS_NAME' });
      await assert.rejects(push(path.join(tmp.path, 'Missing.1.0.0.zip'), options()), { code: 'ERR_OCTO_PACKAGE_NOT_FOUND' });
      assert.ok(!feed.requests.some((request) => request.method === 'POST'));
    });
  });

  describe('faults', () => {
    beforeEach(() => start());

    it('retries 503, 502 and 429 (with Retry-After), then succeeds', async () => {
      feed.faults
        .failNext(1, 503, { method: 'POST' })
        .failNext(1, 502, { method: 'POST' })
        .failNext(1, 429, { method: 'POST', retryAfter: 0 });
      const result = await push(zip, options());
      assert.equal(result.outcome, 'created');
      assert.equal(result.attempts, 4);
    });

    it('gives the last failure when retries run out, with the attempt count', async () => {
      feed.faults.failNext(10, 500, { method: 'POST' });
      await assert.rejects(push(zip, options({ retries: 2 })), (error: { code: string; attempts: number; message: string }) => {
        assert.equal(error.code, 'ERR_OCTO_SERVER');
        assert.equal(error.attempts, 3);
        assert.match(error.message, /3 attempts/);
        return true;
      });
      assert.equal(feed.packages().length, 0);
    });

    it('never retries 400, 401, 403 or 409', async () => {
      feed.faults.failNext(1, 400, { method: 'POST' });
      await assert.rejects(push(zip, options()), { code: 'ERR_OCTO_REJECTED' });
      assert.equal(feed.requests.filter((request) => request.method === 'POST').length, 1);
    });

    it('retries a connection dropped mid-upload; the feed stores nothing partial', async () => {
      const big = await storedPackage('Big', 7);
      feed.faults.resetAfterBytes(64 * 1024);
      const result = await push(big, options());
      assert.equal(result.outcome, 'created');
      assert.equal(result.attempts, 2);
      assert.equal(feed.packages().length, 1);
      assert.equal(feed.packages()[0]!.hash, result.hash);
    });

    it('streams a package chunked as it is read, and retries a dropped upload from its spooled copy', async () => {
      const big = await storedPackage('BigStream', 9);
      feed.faults.resetAfterBytes(256 * 1024);
      const before = new Set(readdirSync(os.tmpdir()));
      // A stream that can be read only once, in small pieces: the retry must come from the copy.
      const result = await push({ stream: Readable.from(chunksOf(readFileSync(big), 100_000)), name: path.basename(big) }, options());
      assert.equal(result.outcome, 'created');
      assert.equal(result.attempts, 2);
      assert.equal(result.size, statSync(big).size);
      assert.equal(result.hash, createHash('sha1').update(readFileSync(big)).digest('hex'));
      assert.deepEqual(readFileSync(feed.packagePath(feed.packages()[0]!)), readFileSync(big));
      assert.deepEqual(
        readdirSync(os.tmpdir()).filter((name) => !before.has(name) && name.startsWith('octojs-push-')),
        [],
        'the spooled copy is removed',
      );
    });

    it('a package stream that fails or falls short is ERR_OCTO_UNREADABLE_FILE, and nothing is stored', async () => {
      async function* failing(): AsyncGenerator<Buffer> {
        yield asZip(Buffer.alloc(1000, 1));
        throw new Error('disk went away');
      }
      await assert.rejects(
        push({ stream: Readable.from(failing()), name: 'Acme.Web.2.0.0.zip' }, options()),
        (error: Error & { code: string }) => {
          assert.equal(error.code, 'ERR_OCTO_UNREADABLE_FILE');
          assert.match(error.message, /disk went away/);
          return true;
        },
      );
      await assert.rejects(push({ stream: createReadStream(zip), name: 'Acme.Web.2.0.1.zip', size: 10 ** 6 }, options()), {
        code: 'ERR_OCTO_UNREADABLE_FILE',
      });
      assert.equal(feed.packages().length, 0);
    });

    it('exhausted network retries give ERR_OCTO_NETWORK', async () => {
      feed.faults.resetAfterBytes(10, { count: 10 });
      await assert.rejects(push(zip, options({ retries: 1 })), { code: 'ERR_OCTO_NETWORK' });
      assert.equal(feed.packages().length, 0);
    });

    it('after a timeout, finds the stored package by SHA-1 and does not send it again', async () => {
      feed.faults.storeThenDelay(1500);
      const result = await push(zip, options({ timeout: 300 }));
      assert.equal(result.outcome, 'created');
      // The feed records the first POST once it has answered it (after its 1500 ms): a FIN alone may be a
      // half-close, so it still answers. Wait for that (bounded), then count.
      const posts = (): number => feed.requests.filter((request) => request.method === 'POST').length;
      for (const until = Date.now() + 5000; posts() === 0 && Date.now() < until;) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(posts(), 1);
    });

    it('a server that never answers in time gives ERR_OCTO_TIMEOUT', async () => {
      feed.faults.delay(2000, { method: 'GET', count: 10 });
      await assert.rejects(push(zip, options({ timeout: 200, retries: 1 })), { code: 'ERR_OCTO_TIMEOUT' });
    });

    it('survives a feed restart between pushes', async () => {
      await push(zip, options());
      await feed.close();
      await start();
      assert.equal(feed.packages().length, 1);
      await assert.rejects(push(zip, options()), { code: 'ERR_OCTO_CONFLICT' });
    });
  });

  describe('not Octopus', () => {
    it('an HTML page is ERR_OCTO_NOT_OCTOPUS', async () => {
      const server = http.createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as net.AddressInfo;
      await start();
      try {
        await assert.rejects(push(zip, options({ server: `http://127.0.0.1:${port}` })), { code: 'ERR_OCTO_NOT_OCTOPUS' });
      } finally {
        server.close();
      }
    });
    it("an answer before the body is read (a proxy's 413) is the answer: the upload stops, nothing hangs", async () => {
      let received = 0;
      const server = http.createServer((request, response) => {
        const json = (status: number, body: unknown): void => {
          response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        };
        if (request.method === 'GET' && request.url === '/api') {
          return json(200, { ApiVersion: '3.0.0', Links: { PackageUpload: '/api/packages/raw{?replace,overwriteMode}' } });
        }
        if (request.method === 'GET') return json(404, { ErrorMessage: 'Not found' });
        // As nginx over client_max_body_size: answers at once and reads on, never taking the whole body.
        request.on('data', (chunk: Buffer) => (received += chunk.length));
        response.writeHead(413, { 'content-type': 'text/html' }).end('<html>413 Request Entity Too Large</html>');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as net.AddressInfo;
      const big = path.join(tmp.path, 'Acme.Big.1.0.0.zip');
      writeFileSync(big, asZip(Buffer.alloc(64 * 1024 * 1024, 1)));
      await start();
      try {
        await assert.rejects(
          push(big, options({ server: `http://127.0.0.1:${port}` })),
          (error: { code: string; status: number; hint: string }) => {
            assert.equal(error.code, 'ERR_OCTO_REJECTED');
            assert.equal(error.status, 413);
            assert.match(error.hint, /body size|client_max_body_size/);
            return true;
          },
        );
        assert.ok(received < 64 * 1024 * 1024, `stopped sending (${received} bytes arrived)`);
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });
  });

  describe('streams and many packages', () => {
    beforeEach(() => start());

    it('pushes a stream of unknown size', async () => {
      const result = await push({ stream: createReadStream(zip), name: path.basename(zip) }, options());
      assert.equal(result.outcome, 'created');
      assert.equal(result.hash, feed.packages()[0]!.hash);
    });

    it('pushes createReadStream(file) from the file itself (no copy), and a part of a file as a stream', async () => {
      const before = new Set(readdirSync(os.tmpdir()));
      const spools = (): string[] => readdirSync(os.tmpdir()).filter((name) => !before.has(name) && name.startsWith('octojs-push-'));
      const watched: string[] = [];
      const timer = setInterval(() => watched.push(...spools()), 1);
      try {
        const whole = await push({ stream: createReadStream(zip), name: 'Acme.Whole.1.0.0.zip' }, options());
        assert.equal(whole.size, statSync(zip).size);
        assert.deepEqual(watched, [], 'no spool copy for a whole file');
        const bytes = readFileSync(zip);
        const part = await push({ stream: createReadStream(zip, { start: 0, end: 99 }), name: 'Acme.Part.1.0.0.zip' }, options());
        assert.equal(part.size, 100);
        const stored = feed.packages().find((record) => record.packageId === 'Acme.Part')!;
        assert.deepEqual(readFileSync(feed.packagePath(stored)), bytes.subarray(0, 100));
      } finally {
        clearInterval(timer);
      }
    });

    it('pushes a stream whose chunks are larger than a MB, byte for byte', async () => {
      const data = Buffer.alloc(5 * 1024 * 1024 + 333);
      for (let index = 0; index < data.length; index++) data[index] = (index * 31) % 251;
      asZip(data);
      const result = await push({ stream: Readable.from(chunksOf(data, 3_000_001)), name: 'Acme.Chunks.1.0.0.zip' }, options());
      assert.equal(result.size, data.length);
      assert.deepEqual(readFileSync(feed.packagePath(feed.packages()[0]!)), data);
    });

    it('with retries: 0, sends a stream once and keeps no copy; the default keeps one while sending', async () => {
      const data = Buffer.alloc(3 * 1024 * 1024 + 17);
      for (let index = 0; index < data.length; index++) data[index] = (index * 7) % 253;
      asZip(data);
      const before = new Set(readdirSync(os.tmpdir()));
      const spools = (): string[] => readdirSync(os.tmpdir()).filter((name) => !before.has(name) && name.startsWith('octojs-push-'));
      const seen = { once: 0, copied: 0 };
      const once = await push(
        { stream: Readable.from(chunksOf(data, 65_536)), name: 'Acme.Once.1.0.0.zip' },
        options({ retries: 0, onProgress: () => (seen.once += spools().length) }),
      );
      assert.equal(once.size, data.length);
      assert.equal(once.hash, createHash('sha1').update(data).digest('hex'));
      const copied = await push(
        { stream: Readable.from(chunksOf(data, 65_536)), name: 'Acme.Copied.1.0.0.zip' },
        options({ onProgress: () => (seen.copied += spools().length) }),
      );
      assert.equal(copied.hash, once.hash);
      assert.equal(seen.once, 0, 'no copy with retries: 0');
      assert.ok(seen.copied > 0, 'a copy while sending by default');
      assert.deepEqual(spools(), [], 'the copy is removed');
      for (const record of feed.packages()) assert.deepEqual(readFileSync(feed.packagePath(record)), data);
    });

    it('with retries: 0, a failed stream upload is not sent again and stores nothing', async () => {
      feed.faults.failNext(1, 503, { method: 'POST' });
      const stream = Readable.from(chunksOf(readFileSync(zip), 100));
      await assert.rejects(
        push({ stream, name: path.basename(zip) }, options({ retries: 0 })),
        (error: { code: string; attempts: number }) => {
          assert.equal(error.code, 'ERR_OCTO_SERVER');
          assert.equal(error.attempts, 1);
          return true;
        },
      );
      assert.equal(feed.requests.filter((request) => request.method === 'POST').length, 1);
      assert.equal(feed.packages().length, 0);
    });

    it('with retries: 0, hashes an unsent stream for IgnoreIfExists, and leaves the hash out when nobody can tell it', async () => {
      await push(zip, options());
      const other = Buffer.concat([ZIP_MAGIC, Buffer.from('not the same bytes')]);
      const ignored = await push(
        { stream: Readable.from([other]), name: path.basename(zip) },
        options({ retries: 0, overwriteMode: 'ignore' }),
      );
      assert.equal(ignored.outcome, 'ignored');
      assert.equal(ignored.hash, createHash('sha1').update(other).digest('hex'));
      assert.match(ignored.warnings.join('\n'), /differs from this file/);
      // A key that may not look uploads blindly; a server that answers 200 without a body leaves no way to hash a spent stream.
      await feed.close();
      await start({ emptyBodyOnIgnore: true });
      const blind = await push(
        { stream: Readable.from([other]), name: path.basename(zip) },
        options({ apiKey: BLIND_KEY, retries: 0, overwriteMode: 'ignore' }),
      );
      assert.equal(blind.outcome, 'ignored');
      assert.equal(blind.hash, undefined);
    });

    it('pushes bytes held in memory, under their file name', async () => {
      const data = readFileSync(zip);
      const result = await push({ data, name: path.basename(zip) }, options());
      assert.equal(result.outcome, 'created');
      assert.equal(result.size, data.length);
      assert.equal(result.hash, feed.packages()[0]!.hash);
      assert.deepEqual(readFileSync(feed.packagePath(feed.packages()[0]!)), data);
    });

    it('pushAll: continues after a failure and reports each package', async () => {
      const second = (await createPackage({ id: 'Acme.Api', version: '1.0.0' }).addBuffer('a', 'b').toFile(tmp.path)).path;
      await push(zip, options());
      const results = await pushAll([zip, second], options({ continueOnError: true, concurrency: 2 }));
      assert.equal(results[0]!.ok, false);
      assert.equal(results[0]!.ok === false && results[0]!.error.code, 'ERR_OCTO_CONFLICT');
      assert.equal(results[1]!.ok && results[1]!.outcome, 'created');
      await assert.rejects(pushAll([zip, second], options()), { code: 'ERR_OCTO_CONFLICT' });
    });
  });

  describe('TLS and proxies', () => {
    let certs: { key: string; cert: string; ca: string; caFile: string };

    before(function () {
      try {
        execFileSync('openssl', ['version'], { stdio: 'ignore' });
      } catch {
        this.skip();
      }
    });

    beforeEach(() => {
      // A CA and a server certificate for 127.0.0.1, made for this test.
      const dir = tmp.path;
      const run = (...args: string[]): void => {
        execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
      };
      run(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
        '-days',
        '2',
        '-subj',
        '/CN=octojs test CA',
      );
      run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
      writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
      run(
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'server.pem',
        '-days',
        '2',
        '-extfile',
        'ext.cnf',
      );
      certs = {
        key: readFileSync(path.join(dir, 'server.key'), 'utf8'),
        cert: readFileSync(path.join(dir, 'server.pem'), 'utf8'),
        ca: readFileSync(path.join(dir, 'ca.pem'), 'utf8'),
        caFile: path.join(dir, 'ca.pem'),
      };
    });

    it('fails by default, passes with the CA, passes with insecure and a warning', async () => {
      await start({ tls: { key: certs.key, cert: certs.cert } });
      assert.match(feed.url, /^https:/);
      await assert.rejects(push(zip, options()), { code: 'ERR_OCTO_TLS' });
      assert.equal((await push(zip, options({ caFile: certs.caFile }))).outcome, 'created');
      const warnings: string[] = [];
      const insecure = await push(
        zip,
        options({ insecure: true, overwriteMode: 'ignore', onWarning: (warning) => warnings.push(warning) }),
      );
      assert.equal(insecure.outcome, 'ignored');
      assert.match(warnings.join(), /verification is OFF/);
    });

    it('goes through an HTTP CONNECT proxy, from the option and from HTTPS_PROXY', async () => {
      await start({ tls: { key: certs.key, cert: certs.cert } });
      const tunnels: string[] = [];
      const proxy = http.createServer((_request, response) => response.writeHead(405).end());
      proxy.on('connect', (request: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
        tunnels.push(`${request.url} ${request.headers['proxy-authorization'] ?? ''}`);
        const [host, port] = request.url!.split(':');
        const upstream = net.connect(Number(port), host, () => {
          socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.write(head);
          upstream.pipe(socket).pipe(upstream);
        });
        upstream.on('error', () => socket.destroy());
        socket.on('error', () => upstream.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const proxyUrl = `http://user:secret@127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
      try {
        const viaOption = await push(zip, options({ ca: certs.ca, proxy: proxyUrl }));
        assert.equal(viaOption.outcome, 'created');
        assert.ok(tunnels.length > 0);
        assert.ok(tunnels[0]!.startsWith(`127.0.0.1:${feed.port}`));
        assert.match(tunnels[0]!, /^\S+ Basic /, 'proxy credentials are sent');
        // Megabytes through TLS inside the tunnel arrive byte for byte.
        const big = path.join(tmp.path, 'Acme.Tunnel.1.0.0.zip');
        writeFileSync(big, asZip(randomBytes(12 * 1024 * 1024 + 5)));
        const tunnelled = await push(big, options({ ca: certs.ca, proxy: proxyUrl }));
        assert.equal(tunnelled.hash, createHash('sha1').update(readFileSync(big)).digest('hex'));
        const stored = feed.packages().find((record) => record.packageId === 'Acme.Tunnel')!;
        assert.deepEqual(readFileSync(feed.packagePath(stored)), readFileSync(big));
        const before = tunnels.length;
        process.env.HTTPS_PROXY = proxyUrl;
        try {
          const viaEnv = await push(zip, options({ ca: certs.ca, overwriteMode: 'ignore' }));
          assert.equal(viaEnv.outcome, 'ignored');
        } finally {
          delete process.env.HTTPS_PROXY;
        }
        assert.ok(tunnels.length > before, 'HTTPS_PROXY is honoured');
      } finally {
        proxy.close();
        proxy.closeAllConnections();
      }
    });
  });

  it('warns when an API key would travel over plain http to another host', async () => {
    await start();
    const warnings: string[] = [];
    // No request needs to succeed: the warning is given before any is made.
    await push(zip, {
      server: 'http://octopus.invalid',
      apiKey: PUSH_KEY,
      retries: 0,
      env: {},
      onWarning: (warning) => warnings.push(warning),
    }).catch(() => {});
    assert.match(warnings.join(), /plain http/);
    assert.ok(!warnings.join().includes(PUSH_KEY));
  });
});
