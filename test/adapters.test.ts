import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Feed, startFeed } from '@octojs/feed';
import { readArchive } from './helpers/archive-reader.js';
import { type TreeFile, makeAppTree } from './helpers/app-tree.js';
import { BINS, type CommandResult, ROOT, runNode } from './helpers/run-command.js';
import { useTempDir } from './helpers/temp-dir.js';

const KEY = 'API-PIPELINE00000000000000000000';
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'pipeline');
const WHEN = Date.parse('2021-06-01T12:00:00Z') / 1000;

interface Runner {
  name: string;
  /** The fixture file copied into the project. */
  file: string;
  /** The exit code a failed task gives. */
  failure: number;
  /** The gulp major version, for gulp runners. */
  gulp?: 4 | 5;
  run(project: string, task: string, env: NodeJS.ProcessEnv): Promise<CommandResult>;
}

const gulp = (file: string, version: 4 | 5 = 5): Runner => ({
  name: `gulp ${version} with ${file}`,
  file,
  failure: 1,
  gulp: version,
  run: (project, task, env) =>
    runNode(BINS.gulp, ['--no-color', '--gulpfile', path.join(project, file), task], {
      cwd: project,
      env: { ...env, ...(version === 4 && { GULP_MODULE: 'gulp4' }) },
    }),
});

const runners: Runner[] = [
  gulp('gulpfile.js'),
  gulp('gulpfile.js', 4),
  gulp('gulpfile.mjs'),
  {
    name: 'grunt with Gruntfile.js',
    file: 'Gruntfile.js',
    failure: 3,
    run: (project, task, env) => {
      const tasks = { pack: ['octo-pack'], publish: ['publish'], push: ['octo-push'] }[task]!;
      return runNode(BINS.grunt, ['--no-color', ...tasks], { cwd: project, env });
    },
  },
];

/** Every file of the app tree is in the package with its bytes, mode and time; folders and links too. */
async function assertPackageHolds(file: string, files: Map<string, TreeFile>): Promise<void> {
  const entries = new Map((await readArchive(file)).map((entry) => [entry.name, entry]));
  for (const [name, expected] of files) {
    const entry = entries.get(name);
    assert.ok(entry, `${name} is in ${path.basename(file)}`);
    assert.deepEqual(entry.data, expected.data, `${name}: bytes`);
    assert.equal(entry.mode, expected.mode, `${name}: mode`);
    assert.equal(entry.mtime, WHEN, `${name}: mtime`);
  }
  assert.equal(entries.get('empty/nested')?.type, 'directory', 'empty folders survive');
  assert.equal(entries.get('bin/server-link.js')?.linkTarget, '../server.js', 'links stay links');
  assert.ok(
    [...entries.keys()].every((name) => !name.startsWith('dist') && !name.startsWith('/')),
    'names are relative to dist',
  );
}

describe('gulp-octo and grunt-octo from their real command lines', function () {
  this.timeout(120_000);
  const tmp = useTempDir('pipeline-', path.join(ROOT, 'tmp'));
  let feed: Feed;
  let files: Map<string, TreeFile>;

  beforeEach(async () => {
    feed = await startFeed({ dataDir: path.join(tmp.path, '.feed'), apiKeys: { [KEY]: ['BuiltInFeedPush', 'FeedView'] } });
    files = makeAppTree(path.join(tmp.path, 'dist'));
    // The user's project: CommonJS by default, as most gulp and grunt projects are.
    writeFileSync(path.join(tmp.path, 'package.json'), JSON.stringify({ name: 'pipeline-project', private: true }));
  });
  afterEach(() => feed.close());

  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ OCTOPUS_URL: feed.url, OCTOPUS_API_KEY: KEY, ...extra });

  for (const runner of runners) {
    describe(runner.name, () => {
      beforeEach(() => copyFileSync(path.join(FIXTURES, runner.file), path.join(tmp.path, runner.file)));

      for (const format of ['zip', 'tar.gz']) {
        it(`packs binary files, executables, dotfiles, empty folders and links byte for byte (${format})`, async () => {
          const result = await runner.run(tmp.path, 'pack', { FORMAT: format });
          assert.equal(result.code, 0, result.stdout + result.stderr);
          assert.deepEqual(readdirSync(path.join(tmp.path, 'bin')), [`acme.web-app.1.2.3.${format}`]);
          await assertPackageHolds(path.join(tmp.path, 'bin', `acme.web-app.1.2.3.${format}`), files);
        });
      }

      it("publishes to a running feed; a re-run fails with the server's conflict, and ignore makes it pass", async () => {
        const published = await runner.run(tmp.path, 'publish', env());
        assert.equal(published.code, 0, published.stdout + published.stderr);
        const [stored] = feed.packages();
        assert.equal(stored?.packageId, 'acme.web-app');
        assert.deepEqual(readFileSync(feed.packagePath(stored!)), readFileSync(path.join(tmp.path, 'bin', 'acme.web-app.1.2.3.zip')));
        await assertPackageHolds(feed.packagePath(stored!), files);

        const again = await runner.run(tmp.path, 'push', env());
        assert.equal(again.code, runner.failure, again.stdout);
        assert.match(again.stdout + again.stderr, /acme\.web-app 1\.2\.3 already exists on the server; nothing was uploaded/);
        assert.match(again.stdout + again.stderr, /IgnoreIfExists/);
        const ignored = await runner.run(tmp.path, 'push', env({ OVERWRITE_MODE: 'IgnoreIfExists' }));
        assert.equal(ignored.code, 0, ignored.stdout + ignored.stderr);
        assert.match(ignored.stdout + ignored.stderr, /ignored/);
      });

      if (runner.gulp) {
        const assertReported = (result: CommandResult, code: string, said: RegExp): void => {
          const output = result.stdout + result.stderr;
          assert.equal(result.code, runner.failure, output);
          assert.doesNotMatch(output, /did you forget to signal async completion/i, 'the error itself, not a stalled task');
          assert.match(output, said);
          assert.ok(output.includes(`[${code}]`), `the code is printed: ${output}`);
          assert.ok(!existsSync(path.join(tmp.path, 'bin')), 'dest() wrote nothing');
        };

        it('a pack error in src().pipe(pack()).pipe(dest()) reaches gulp with its code and hint', async () => {
          mkdirSync(path.join(tmp.path, 'odd'));
          writeFileSync(path.join(tmp.path, 'odd', 'c:d'), 'x');
          mkdirSync(path.join(tmp.path, 'text'));
          writeFileSync(path.join(tmp.path, 'text', 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x80]));
          assertReported(await runner.run(tmp.path, 'packBadName', {}), 'ERR_OCTO_INVALID_ENTRY', /c:d/);
          const asText = await runner.run(tmp.path, 'packAsText', {});
          if (runner.gulp === 4) {
            // gulp 4 reads bytes as they are: the same task packs.
            assert.equal(asText.code, 0, asText.stdout + asText.stderr);
            return;
          }
          assertReported(asText, 'ERR_OCTO_UNREADABLE_FILE', /logo\.png was read as UTF-8[^]*encoding: false/);
        });
      }

      it('fails with a readable line on a wrong key, and never prints the key', async () => {
        const wrong = 'API-WRONG00000000000000000000000';
        const result = await runner.run(tmp.path, 'publish', env({ OCTOPUS_API_KEY: wrong }));
        assert.equal(result.code, runner.failure, result.stdout);
        assert.match(result.stdout + result.stderr, /ERR_OCTO_AUTH|API key/);
        assert.ok(!(result.stdout + result.stderr).includes(wrong));
        assert.equal(feed.packages().length, 0);
      });
    });
  }
});
