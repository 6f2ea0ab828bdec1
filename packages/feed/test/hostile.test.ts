import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Feed, type FeedOptions, startFeed } from '../src/index.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';
import { ADMIN_KEY, KEYS, eventually, filesUnder, get, multipart, openFileCount, upload, uploadOrThrow } from './helpers/upload.js';

/** Sends raw bytes and reads until the server closes: what a hand-written hostile client sees. */
function rawExchange(port: number, chunks: (string | Buffer)[], gapMs = 0): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (data) => (text += data.toString('latin1')));
    socket.on('close', () => resolve({ text, ms: Date.now() - started }));
    socket.on('error', () => {});
    socket.on('connect', () => {
      void (async () => {
        for (const chunk of chunks) {
          if (socket.destroyed) return;
          socket.write(chunk);
          if (gapMs) await sleep(gapMs);
        }
      })().catch(reject);
    });
  });
}

/** A whole multipart upload as raw bytes, sent the way a hand-written client (or `nc -N`) would. */
function rawUpload(fileName: string, content: Buffer, headers = ''): { head: Buffer; body: Buffer } {
  const { boundary, body } = multipart(fileName, content);
  const head = Buffer.from(
    'POST /api/Spaces-1/packages/raw HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      `X-Octopus-ApiKey: ${ADMIN_KEY}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\n` +
      `Content-Length: ${body.length}\r\n${headers}\r\n`,
  );
  return { head, body };
}

/** Writes `bytes`, half-closes the sending side (FIN), and reads until the server closes (bounded). */
function halfClosed(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes));
    let text = '';
    const timer = setTimeout(() => socket.destroy(), 10_000);
    socket.on('data', (data) => (text += data.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.on('error', () => {});
  });
}

describe('feed under attack: cannot be knocked over', () => {
  const tmp = useTempDir('octojs-feed-');
  let feed: Feed;
  const start = async (options: Partial<FeedOptions> = {}): Promise<Feed> => {
    feed = await startFeed({ dataDir: path.join(tmp.path, 'data'), apiKeys: KEYS, ...options });
    return feed;
  };
  const uploads = (): string[] => filesUnder(path.join(tmp.path, 'data', 'uploads'));
  afterEach(async () => {
    await feed?.close();
  });

  describe('timeouts', () => {
    it('headers that never finish are cut off at the header timeout', async () => {
      await start({ timeouts: { headers: 300 } });
      const { ms } = await rawExchange(feed.port, ['POST /api/Spaces-1/packages/raw HTTP/1.1\r\nHost: x\r\n']);
      assert.ok(ms >= 250 && ms < 5000, `closed after ${ms} ms`);
    });

    it('a body that stops arriving is answered 408 at the idle timeout, and its temporary file is gone', async () => {
      await start({ timeouts: { idleBody: 300 } });
      const { boundary, body } = multipart('Idle.1.0.0.zip', randomBytes(100_000));
      const head = `POST /api/Spaces-1/packages/raw HTTP/1.1\r\nHost: x\r\nX-Octopus-ApiKey: ${ADMIN_KEY}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n\r\n`;
      const { text, ms } = await rawExchange(feed.port, [head, body.subarray(0, 50_000)]);
      assert.match(text, /^HTTP\/1\.1 408/);
      assert.match(text, /"ErrorMessage":"The request timed out: no part of the body arrived for 300 ms\."/);
      assert.ok(ms < 5000);
      assert.ok(await eventually(() => uploads().length === 0), 'no temporary file left');
      assert.equal(feed.packages().length, 0);
    });

    it('a body trickling one byte at a time is answered 408 at the whole-request timeout', async () => {
      await start({ timeouts: { idleBody: 1000, request: 600 } });
      const { boundary, body } = multipart('Trickle.1.0.0.zip', Buffer.from('x'.repeat(200)));
      const head = `POST /api/Spaces-1/packages/raw HTTP/1.1\r\nHost: x\r\nX-Octopus-ApiKey: ${ADMIN_KEY}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n\r\n`;
      const bytes = [...body.subarray(0, 150)].map((byte) => Buffer.from([byte]));
      const { text, ms } = await rawExchange(feed.port, [head, ...bytes], 20);
      assert.match(text, /^HTTP\/1\.1 408/);
      assert.match(text, /did not arrive within 600 ms/);
      assert.ok(ms < 3000, `answered after ${ms} ms`);
      assert.ok(await eventually(() => uploads().length === 0));
    });

    it('rejects unknown or invalid timeouts, naming the known ones', async () => {
      await assert.rejects(start({ timeouts: { idle: 5 } as never }), /Unknown timeout 'idle'; known: headers, idleBody, request/);
      await assert.rejects(start({ timeouts: { headers: -1 } }), /timeouts\.headers must be a positive whole number/);
      await assert.rejects(start({ dataDirectory: 'x' } as never), /Unknown feed option 'dataDirectory'/);
    });
  });

  it('aborted uploads free their file, descriptor and parser: 40 of them leave no temporary file and no open descriptor', async () => {
    await start();
    await uploadOrThrow(feed.url, { fileName: 'Warm.1.0.0.zip', content: Buffer.from('warm'), key: ADMIN_KEY });
    const before = openFileCount();
    for (let index = 0; index < 40; index++) {
      const result = await upload(feed.url, {
        fileName: `Abort.1.0.${index}.zip`,
        content: randomBytes(256 * 1024),
        key: ADMIN_KEY,
        chunk: 16 * 1024,
        pauseMs: 1,
        abortAfter: 64 * 1024 + index * 1024,
      });
      assert.equal(result, 'aborted');
    }
    assert.ok(await eventually(() => uploads().length === 0), `temporary files left: ${uploads().join(', ')}`);
    if (before !== undefined)
      assert.ok(await eventually(() => openFileCount()! <= before + 2), `descriptors ${before} -> ${openFileCount()}`);
    assert.equal(feed.packages().length, 1);
  });

  describe('a client that half-closes its side after the request (HTTP/1.1 allows it)', () => {
    it('gets its 201, then 409 for the same package, and the log records what was answered', async () => {
      const lines: string[] = [];
      await start({ log: (line) => lines.push(line) });
      const content = randomBytes(200 * 1024); // several reads: the FIN arrives while the body is still being spooled
      for (const headers of ['', 'Connection: close\r\n']) {
        const { head, body } = rawUpload(`Half${headers ? 'Close' : ''}.1.0.0.zip`, content, headers);
        const first = await halfClosed(feed.port, Buffer.concat([head, body]));
        assert.match(first, /^HTTP\/1\.1 201 /, `answered: ${JSON.stringify(first.slice(0, 80))}`);
        const again = await halfClosed(feed.port, Buffer.concat([head, body]));
        assert.match(again, /^HTTP\/1\.1 409 /, `answered: ${JSON.stringify(again.slice(0, 80))}`);
      }
      assert.deepEqual(
        feed
          .packages()
          .map((stored) => stored.packageId)
          .sort(),
        ['Half', 'HalfClose'],
      );
      const posts = feed.requests.filter((request) => request.method === 'POST');
      assert.deepEqual(
        posts.map((request) => [request.status, request.aborted]),
        [
          [201, false],
          [409, false],
          [201, false],
          [409, false],
        ],
      );
      assert.deepEqual(
        lines.filter((line) => line.startsWith('POST')).map((line) => line.split(' ')[2]),
        ['201', '409', '201', '409'],
      );
      assert.deepEqual(uploads(), []);
    });

    it('a body cut short by the FIN, or a client that goes away, is logged as aborted, never as a 200', async () => {
      const lines: string[] = [];
      await start({ log: (line) => lines.push(line) });
      const { head, body } = rawUpload('Short.1.0.0.zip', randomBytes(64 * 1024));
      // Half the body, then FIN: the rest can never come.
      await halfClosed(feed.port, Buffer.concat([head, body.subarray(0, body.length / 2)]));
      // Half the body, then the client is gone altogether.
      await new Promise<void>((resolve) => {
        const socket = net.connect(feed.port, '127.0.0.1', () => socket.write(Buffer.concat([head, body.subarray(0, body.length / 2)])));
        socket.on('error', () => {});
        socket.on('close', () => resolve());
        setTimeout(() => socket.destroy(), 200);
      });
      assert.ok(await eventually(() => feed.requests.length === 2), `recorded: ${JSON.stringify(feed.requests)}`);
      for (const request of feed.requests) {
        assert.notEqual(request.status, 200, JSON.stringify(request));
        if (request.status === 0) assert.equal(request.aborted, true, JSON.stringify(request));
      }
      assert.ok(
        feed.requests.some((request) => request.aborted && request.status === 0),
        JSON.stringify(feed.requests),
      );
      assert.ok(
        lines.some((line) => /^POST \S+ - aborted/.test(line)),
        lines.join('\n'),
      );
      assert.equal(feed.packages().length, 0);
      assert.ok(await eventually(() => uploads().length === 0), `temporary files left: ${uploads().join(', ')}`);
    });
  });

  describe('bad input answers 400, never 500', () => {
    const refused = async (fileName: string, message: string, disposition?: string): Promise<void> => {
      const answer = await uploadOrThrow(feed.url, {
        fileName,
        content: Buffer.from('PK'),
        key: ADMIN_KEY,
        ...(disposition && { disposition }),
      });
      assert.equal(answer.status, 400, `${fileName}: ${answer.body}`);
      assert.deepEqual(answer.json().Errors, [message]);
    };

    it('file names with path components or characters Octopus refuses, checked as sent', async () => {
      await start();
      await refused('sub/Demo.1.0.9.zip', '[PackageName] contains invalid characters');
      await refused('..\\Demo.1.0.9.zip', '[PackageName] contains invalid characters');
      await refused('/etc/Demo.1.0.9.zip', '[PackageName] contains invalid characters');
      await refused(
        'Demo.1.0.9.zip',
        '[PackageName] contains invalid characters',
        `Content-Disposition: form-data; name="file"; filename="Demo:1.0.9.zip"`,
      );
      await refused(
        'x',
        '[PackageName] contains invalid characters',
        `Content-Disposition: form-data; name="file"; filename*=utf-8''sub%2FDemo.1.0.9.zip`,
      );
      assert.equal(feed.packages().length, 0);
      assert.deepEqual(uploads(), []);
    });

    it('names too long for the store: "Package Name is too long."', async () => {
      await start();
      await refused(`${'A'.repeat(101)}.1.0.0.zip`, 'Package Name is too long.');
      await refused(`App.1.0.0-${'x'.repeat(150)}.zip`, 'Package Name is too long.');
      await refused(`${'A.'.repeat(5000)}1.0.0.zip`, 'Package Name is too long.');
      assert.deepEqual(uploads(), []);
    });

    it('a name that makes a backtracking pattern run for minutes is answered at once, and the feed stays responsive', async () => {
      await start();
      const slow = uploadOrThrow(feed.url, { fileName: `${'a_'.repeat(28)}a.1!.zip`, content: Buffer.from('x'), key: ADMIN_KEY });
      const health = await get(feed.url, '/api');
      assert.equal(health.status, 200);
      const answer = await slow;
      assert.equal(answer.status, 400);
      assert.deepEqual(answer.json().Errors, ["The uploaded file isn't in a supported package format."]);
    });

    it('bad percent-encoding, bad paging values and a body that is not multipart', async () => {
      await start();
      const badPath = await get(feed.url, '/api/Spaces-1/packages/%E0%A4%A', ADMIN_KEY);
      assert.equal(badPath.status, 400);
      assert.match(String(badPath.json().Errors), /not valid percent-encoding/);
      const badTake = await get(feed.url, '/api/Spaces-1/packages?take=-1', ADMIN_KEY);
      assert.equal(badTake.status, 400);
      const badLatest = await get(feed.url, '/api/Spaces-1/packages?latest=maybe', ADMIN_KEY);
      assert.equal(badLatest.status, 400);
      const notMultipart = await fetch(`${feed.url}/api/Spaces-1/packages/raw`, {
        method: 'POST',
        headers: { 'x-octopus-apikey': ADMIN_KEY, 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(notMultipart.status, 400);
      const truncated = await rawExchange(feed.port, [
        `POST /api/Spaces-1/packages/raw HTTP/1.1\r\nHost: x\r\nX-Octopus-ApiKey: ${ADMIN_KEY}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 60\r\n\r\n`,
        '--b\r\nContent-Disposition: form-data; name="f"; filename="T.1.0.0.zip"\r\n\r\nxx--b--\r\n',
      ]);
      assert.match(truncated.text, /^HTTP\/1\.1 400/);
      const absolute = await rawExchange(feed.port, ['GET http://elsewhere/api HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
      assert.match(absolute.text, /^HTTP\/1\.1 400/);
      assert.deepEqual(uploads(), []);
    });
  });

  it('a 500 carries no stack trace, unless the feed runs with debug', async () => {
    const lines: string[] = [];
    await start({ log: (line) => lines.push(line) });
    feed.faults.diskError('EWEIRD', { at: 'record' });
    const answer = await uploadOrThrow(feed.url, { fileName: 'Boom.1.0.0.zip', content: Buffer.from('x'), key: ADMIN_KEY });
    assert.equal(answer.status, 500);
    assert.deepEqual(Object.keys(answer.json()).sort(), ['ErrorMessage', 'Errors']);
    assert.doesNotMatch(answer.body, /at |\.ts:/);
    assert.ok(!lines.some((line) => / at /.test(line)));
    await feed.close();
    await start({ debug: true });
    feed.faults.diskError('EWEIRD', { at: 'record' });
    const debugged = await uploadOrThrow(feed.url, { fileName: 'Boom.1.0.0.zip', content: Buffer.from('x'), key: ADMIN_KEY });
    assert.equal(debugged.status, 500);
    assert.match(String(debugged.json().FullException), /EWEIRD[\s\S]* at /);
    assert.equal(feed.packages().length, 0);
    assert.deepEqual(uploads(), []);
  });

  describe('a full or read-only disk is answered at once', () => {
    it('on a real 1 MB file system (tmpfs): a full disk answers 507 at once, a read-only one 500; nothing half-written stays', async function () {
      const mountPoint = path.join(tmp.path, 'small');
      mkdirSync(mountPoint);
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { stdio: 'ignore' });
      } catch {
        console.log('      (skipped: this machine does not let the test mount a small tmpfs)');
        this.skip();
      }
      try {
        feed = await startFeed({ dataDir: mountPoint, apiKeys: KEYS });
        assert.equal(
          (await uploadOrThrow(feed.url, { fileName: 'Small.1.0.0.zip', content: randomBytes(200_000), key: ADMIN_KEY })).status,
          201,
        );
        const full = await uploadOrThrow(feed.url, { fileName: 'Big.1.0.0.zip', content: randomBytes(3_000_000), key: ADMIN_KEY });
        assert.equal(full.status, 507);
        assert.match(String(full.json().Errors), /ENOSPC/);
        assert.ok(await eventually(() => filesUnder(path.join(mountPoint, 'uploads')).length === 0), 'the partial upload is removed');
        assert.equal(
          (await uploadOrThrow(feed.url, { fileName: 'Fits.1.0.0.zip', content: randomBytes(100_000), key: ADMIN_KEY })).status,
          201,
        );
        execFileSync('mount', ['-o', 'remount,ro', mountPoint]);
        const readOnly = await uploadOrThrow(feed.url, { fileName: 'Ro.1.0.0.zip', content: randomBytes(1000), key: ADMIN_KEY });
        assert.equal(readOnly.status, 500);
        assert.match(String(readOnly.json().Errors), /EROFS/);
        assert.deepEqual(
          feed
            .packages()
            .map((record) => record.packageId)
            .sort(),
          ['Fits', 'Small'],
        );
        await feed.close();
      } finally {
        execFileSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
      }
    });

    for (const [code, status] of [
      ['ENOSPC', 507],
      ['EROFS', 500],
    ] as const) {
      for (const at of ['spool', 'place', 'record'] as const) {
        it(`${code} while writing (${at}): ${status} in Octopus's shape, nothing stored, nothing left`, async () => {
          await start();
          await uploadOrThrow(feed.url, { fileName: 'Kept.1.0.0.zip', content: Buffer.from('kept'), key: ADMIN_KEY });
          feed.faults.diskError(code, { at });
          const answer = await uploadOrThrow(feed.url, {
            fileName: 'Kept.1.0.0.zip',
            content: randomBytes(300_000),
            key: ADMIN_KEY,
            query: 'overwriteMode=OverwriteExisting',
          });
          assert.equal(answer.status, status);
          assert.match(String(answer.json().ErrorMessage), /could not be stored/);
          assert.match(String(answer.json().Errors), new RegExp(code));
          const [record] = feed.packages();
          assert.equal(record!.size, 4, 'the old package is still the stored one');
          assert.ok(await eventually(() => uploads().length === 0));
          assert.equal(filesUnder(path.join(tmp.path, 'data', 'spaces')).length, 2);
        });
      }
    }
  });
});
