import assert from 'node:assert/strict';
import { createReadStream, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { buffer as readAll } from 'node:stream/consumers';
import { createPackage } from '@octojs/core';
import { type Feed, startFeed } from '@octojs/feed';
import { pack, push } from '../src/index.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';
import { fakeStat, run, vinyl } from './vinyl-files.js';

const KEY = 'API-GULPTEST00000000000000000000';
const ADMIN = 'API-GULPADMIN0000000000000000000';

describe('gulp-octo push()', () => {
  const tmp = useTempDir();
  let feed: Feed;
  let zip: string;

  beforeEach(async () => {
    feed = await startFeed({
      dataDir: path.join(tmp.path, 'feed'),
      apiKeys: { [KEY]: ['BuiltInFeedPush', 'FeedView'], [ADMIN]: ['BuiltInFeedPush', 'BuiltInFeedAdminister', 'FeedView'] },
      spaces: [
        { id: 'Spaces-1', name: 'Default', isDefault: true },
        { id: 'Spaces-2', name: 'Team Two' },
      ],
    });
    zip = (await createPackage({ id: 'Acme.Gulp', version: '1.0.0' }).addBuffer('index.js', 'console.log(1)').toFile(tmp.path)).path;
  });
  afterEach(() => feed.close());

  const opts = (extra: object = {}): { server: string; apiKey: string; retryDelay: number; env: NodeJS.ProcessEnv } => ({
    server: feed.url,
    apiKey: KEY,
    retryDelay: 5,
    env: {},
    ...extra,
  });

  it('pushes a buffered package and passes it on unchanged', async () => {
    const file = vinyl(tmp.path, path.basename(zip), readFileSync(zip));
    const [output] = await run(push(opts()), [file]);
    assert.equal(output, file);
    assert.deepEqual(output!.contents, readFileSync(zip));
    const [stored] = feed.packages();
    assert.equal(stored?.packageId, 'Acme.Gulp');
    assert.deepEqual(readFileSync(feed.packagePath(stored!)), readFileSync(zip));
  });

  it('pushes a streamed package, passes its bytes on, and leaves no temporary file', async () => {
    const before = new Set(readdirSync(os.tmpdir()));
    const file = vinyl(tmp.path, path.basename(zip), createReadStream(zip));
    const [output] = await run(push(opts()), [file]);
    assert.ok(output!.isStream());
    assert.deepEqual(await readAll(output!.contents as Readable), readFileSync(zip));
    assert.deepEqual(readFileSync(feed.packagePath(feed.packages()[0]!)), readFileSync(zip));
    assert.deepEqual(
      // (octojs-push-: ours; other tests on the machine may make octojs-feed- folders meanwhile.)
      readdirSync(os.tmpdir()).filter((name) => !before.has(name) && name.startsWith('octojs-push-')),
      [],
    );
  });

  it('takes the original names (host, apiKey, replace) and a space', async () => {
    await run(push({ host: feed.url, apiKey: ADMIN, spaceId: 'Spaces-2', env: {} }), [
      vinyl(tmp.path, path.basename(zip), readFileSync(zip)),
    ]);
    await run(push({ host: feed.url, apiKey: ADMIN, replace: true, space: 'team two', env: {} }), [
      vinyl(tmp.path, path.basename(zip), readFileSync(zip)),
    ]);
    assert.equal(feed.packages('Spaces-2').length, 1);
    assert.equal(feed.packages().length, 0);
    const uploads = feed.requests.filter((request) => request.method === 'POST').map((request) => request.query);
    assert.deepEqual(uploads, ['?overwriteMode=FailIfExists', '?overwriteMode=OverwriteExisting']);
  });

  it('packs and pushes in one pipeline, with stream contents', async () => {
    const [output] = await run(pack({ id: 'Piped', version: '2.0.0', buffer: false }), [vinyl(tmp.path, 'a.txt', Buffer.from('a'))]);
    const [pushed] = await run(push(opts({ overwriteMode: 'ignore' })), [output!]);
    assert.equal(pushed!.basename, 'Piped.2.0.0.zip');
    assert.equal(feed.packages()[0]?.packageId, 'Piped');
    // The package flows on, byte for byte what the feed stored.
    assert.ok(pushed!.isStream());
    assert.deepEqual(await readAll(pushed!.contents as Readable), readFileSync(feed.packagePath(feed.packages()[0]!)));
  });

  it("emits the server's conflict as a PluginError with its code and hint, and never shows the key", async () => {
    await run(push(opts()), [vinyl(tmp.path, path.basename(zip), readFileSync(zip))]);
    await assert.rejects(
      run(push(opts()), [vinyl(tmp.path, path.basename(zip), readFileSync(zip))]),
      (error: Error & Record<string, unknown>) => {
        assert.equal(error.plugin, 'gulp-octo');
        assert.equal(error.code, 'ERR_OCTO_CONFLICT');
        assert.match(error.message, /already exists/);
        assert.match(error.message, /IgnoreIfExists/);
        assert.equal(error.fileName, path.join(tmp.path, path.basename(zip)));
        assert.ok(!String(error).includes(KEY) && !JSON.stringify(error).includes(KEY));
        return true;
      },
    );
    await assert.rejects(
      run(push(opts({ apiKey: 'API-WRONG0000000000000000000000' })), [vinyl(tmp.path, path.basename(zip), readFileSync(zip))]),
      {
        plugin: 'gulp-octo',
        code: 'ERR_OCTO_AUTH',
      },
    );
  });

  it('throws a PluginError when the stream is made without a server or key, or with a bad mode', () => {
    assert.throws(() => push({ apiKey: KEY, env: {} }), { plugin: 'gulp-octo', code: 'ERR_OCTO_MISSING_SERVER' });
    assert.throws(() => push({ server: feed.url, env: {} }), { plugin: 'gulp-octo', code: 'ERR_OCTO_MISSING_CREDENTIALS' });
    assert.throws(() => push({ host: 'API-XXXXXXXX', apiKey: 'http://octopus', env: {} }), {
      plugin: 'gulp-octo',
      code: 'ERR_OCTO_INVALID_OPTION',
    });
    assert.throws(() => push({ ...opts(), overwriteMode: 'sometimes' }), { plugin: 'gulp-octo', code: 'ERR_OCTO_INVALID_OPTION' });
  });

  it('passes folders and unread files through without pushing them, beside a package', async () => {
    const folder = vinyl(tmp.path, 'bin', null);
    const [passed, pushed] = await run(push(opts()), [folder, vinyl(tmp.path, path.basename(zip), readFileSync(zip))]);
    assert.equal(passed, folder);
    assert.equal(pushed!.basename, path.basename(zip));
    assert.equal(feed.packages().length, 1);
  });

  it('fails when the stage received no package, as grunt and the CLI do', async () => {
    for (const files of [[], [vinyl(tmp.path, 'bin', null)]]) {
      await assert.rejects(run(push(opts()), files), (error: Error & Record<string, unknown>) => {
        assert.equal(error.plugin, 'gulp-octo');
        assert.equal(error.code, 'ERR_OCTO_PACKAGE_NOT_FOUND');
        assert.match(error.message, /received no package, so nothing was pushed/);
        assert.match(error.message, /encoding: false/);
        return true;
      });
    }
    assert.equal(feed.requests.length, 0);
  });

  it('checks every option when the stream is made: types, unknown keys with the near miss, legacy names', () => {
    const cases: [unknown, string][] = [
      [{ ...opts(), insecure: 'false' }, 'insecure'],
      [{ ...opts(), timeout: 'soon' }, 'timeout'],
      [{ ...opts(), overwritemode: 'ignore' }, 'overwritemode'],
      [{ ...opts(), host: 42 }, 'host'],
      [{ ...opts(), concurrency: 2 }, 'concurrency'],
    ];
    for (const [options, option] of cases) {
      assert.throws(
        () => push(options as never),
        (error: Error & Record<string, unknown>) => {
          assert.equal(error.plugin, 'gulp-octo');
          assert.equal(error.code, 'ERR_OCTO_INVALID_OPTION');
          assert.match(error.message, new RegExp(`\`${option}\``));
          return true;
        },
      );
    }
    assert.throws(() => push(123 as never), { plugin: 'gulp-octo', code: 'ERR_OCTO_INVALID_OPTION' });
    assert.throws(() => push({ ...opts(), overwritemode: 'ignore' } as never), { message: /Did you mean `overwriteMode`\?/ });
  });

  it('refuses a package that gulp read as text (its length differs from the file), naming the encoding: false fix', async () => {
    const bytes = readFileSync(zip);
    const file = vinyl(tmp.path, path.basename(zip), Buffer.from(bytes.toString('utf8')), fakeStat('file', 0o100644, new Date()));
    (file.stat as { size: number }).size = bytes.length;
    await assert.rejects(run(push(opts()), [file]), (error: Error & Record<string, unknown>) => {
      assert.equal(error.code, 'ERR_OCTO_UNREADABLE_FILE');
      assert.match(error.message, /encoding: false/);
      return true;
    });
    assert.equal(feed.packages().length, 0);
  });
});
