import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Feed, startFeed } from '@octojs/feed';
import { makeAppTree } from './helpers/app-tree.js';
import { BINS, type CommandResult, ROOT, runNode } from './helpers/run-command.js';
import { useTempDir } from './helpers/temp-dir.js';

const KEY = 'API-DELTAPIPELINE000000000000000';
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'pipeline');

/**
 * The next release of the app: the version bumped, one source file changed (with a new mtime, as an editor
 * leaves it), everything else as it was.
 */
function nextRelease(dist: string, version: string): void {
  writeFileSync(path.join(dist, 'package.json'), JSON.stringify({ name: '@acme/web-app', version, dependencies: {} }));
  writeFileSync(path.join(dist, 'server.js'), `console.log("hello from ${version}");\n`);
  const now = new Date();
  for (const name of ['package.json', 'server.js']) utimesSync(path.join(dist, name), now, now);
}

describe('delta compression from the gulp, grunt and octojs command lines', function () {
  this.timeout(120_000);
  const tmp = useTempDir('delta-pipeline-', path.join(ROOT, 'tmp'));
  let feed: Feed;
  let dist: string;

  beforeEach(async () => {
    feed = await startFeed({ dataDir: path.join(tmp.path, '.feed'), apiKeys: { [KEY]: ['BuiltInFeedPush', 'FeedView'] } });
    dist = path.join(tmp.path, 'dist');
    makeAppTree(dist);
    // A megabyte that does not compress: without a delta it would all be sent again.
    writeFileSync(path.join(dist, 'public/video.bin'), randomBytes(1024 * 1024));
    writeFileSync(path.join(tmp.path, 'package.json'), JSON.stringify({ name: 'pipeline-project', private: true }));
  });
  afterEach(() => feed.close());

  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ OCTOPUS_URL: feed.url, OCTOPUS_API_KEY: KEY, ...extra });
  const stored = (version: string): Buffer => {
    const record = feed.packages().find((item) => item.version === version);
    assert.ok(record, `${version} is on the feed`);
    return readFileSync(feed.packagePath(record));
  };
  /** The second release went as a delta: one POST to the first release's delta link, no full upload. */
  const assertDeltaPushed = (version: string, output: string): void => {
    assert.deepEqual(stored(version), readFileSync(path.join(tmp.path, 'bin', `acme.web-app.${version}.zip`)));
    const posts = feed.requests.filter((request) => request.method === 'POST');
    assert.deepEqual(
      posts.map((request) => request.path),
      ['/api/Spaces-1/packages/raw', '/api/Spaces-1/packages/acme.web-app/1.2.3/delta'],
      'the first release in full (no base yet), the second as a delta',
    );
    assert.match(output, /delta from 1\.2\.3: [\d.]+ [kK]?B sent, 9\d(\.\d)?% saved/);
    assert.match(output, /full upload \(delta not used: no-base-version\)/);
  };

  const runners: { name: string; file: string; run: (task: string) => Promise<CommandResult> }[] = [
    {
      name: 'gulp (useDeltaCompression in the gulpfile)',
      file: 'gulpfile.js',
      run: (task) =>
        runNode(BINS.gulp, ['--no-color', '--gulpfile', path.join(tmp.path, 'gulpfile.js'), task], {
          cwd: tmp.path,
          env: env({ DELTA: '1' }),
        }),
    },
    {
      name: 'grunt (useDeltaCompression in the Gruntfile)',
      file: 'Gruntfile.js',
      run: (task) =>
        runNode(BINS.grunt, ['--no-color', task], { cwd: tmp.path, env: env({ DELTA: '1', OVERWRITE_MODE: 'IgnoreIfExists' }) }),
    },
  ];
  for (const runner of runners) {
    it(`${runner.name}: the next release is pushed as a delta`, async () => {
      copyFileSync(path.join(FIXTURES, runner.file), path.join(tmp.path, runner.file));
      const first = await runner.run('publish');
      assert.equal(first.code, 0, first.stdout + first.stderr);
      nextRelease(dist, '1.2.4');
      const second = await runner.run('publish');
      assert.equal(second.code, 0, second.stdout + second.stderr);
      assertDeltaPushed('1.2.4', first.stdout + first.stderr + second.stdout + second.stderr);
    });
  }

  it('octojs push -d / --delta / --use-delta-compression: --json reports method, bytesSent, baseVersion, fullUploadReason', async () => {
    const octojs = (args: string[]): Promise<CommandResult> => runNode(BINS.octojs, args, { cwd: tmp.path, env: env() });
    const packed = await octojs(['pack', 'dist', '--package-json', 'dist/package.json']);
    assert.equal(packed.code, 0, packed.stderr);
    const first = await octojs(['push', 'bin/acme.web-app.1.2.3.zip', '--use-delta-compression', '--json']);
    assert.equal(first.code, 0, first.stderr);
    const firstDoc = (JSON.parse(first.stdout) as { packages: Record<string, unknown>[] }).packages[0]!;
    assert.equal(firstDoc.method, 'full');
    assert.equal(firstDoc.fullUploadReason, 'no-base-version');
    assert.equal(firstDoc.bytesSent, firstDoc.size);

    for (const [flag, version] of [
      ['-d', '1.2.4'],
      ['--delta', '1.2.5'],
    ] as const) {
      nextRelease(dist, version);
      assert.equal((await octojs(['pack', 'dist', '--package-json', 'dist/package.json'])).code, 0);
      const pushed = await octojs(['push', `bin/acme.web-app.${version}.zip`, flag, '--json']);
      assert.equal(pushed.code, 0, pushed.stderr);
      const doc = (JSON.parse(pushed.stdout) as { packages: Record<string, unknown>[] }).packages[0]!;
      assert.equal(doc.method, 'delta', flag);
      assert.equal(doc.outcome, 'created');
      assert.equal(doc.fullUploadReason, undefined);
      assert.ok((doc.bytesSent as number) < (doc.size as number) / 20, `${String(doc.bytesSent)} of ${String(doc.size)}`);
      assert.deepEqual(stored(version), readFileSync(path.join(tmp.path, 'bin', `acme.web-app.${version}.zip`)));
      assert.equal(doc.sha1, feed.packages().find((item) => item.version === version)?.hash);
    }
    assert.equal(feed.packages().find((item) => item.version === '1.2.5') !== undefined, true);
    assert.ok(
      feed.requests.some((request) => request.path === '/api/Spaces-1/packages/acme.web-app/1.2.4/delta'),
      'each release against the one before',
    );

    nextRelease(dist, '1.2.6');
    assert.equal((await octojs(['pack', 'dist', '--package-json', 'dist/package.json'])).code, 0);
    const human = await octojs(['push', 'bin/acme.web-app.1.2.6.zip', '-d']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stderr, /created acme\.web-app\.1\.2\.6\.zip .* delta from 1\.2\.5: [\d.]+ [kK]?B sent, 9\d(\.\d)?% saved/);
  });
});
