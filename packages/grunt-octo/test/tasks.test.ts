import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createPackage } from '@octojs/core';
import { type Feed, startFeed } from '@octojs/feed';
import { planEntries } from '../src/index.js';
import { readArchive } from '../../../test/helpers/archive-reader.js';
import { makeAppTree } from '../../../test/helpers/app-tree.js';
import { BINS, type CommandResult, ROOT, runNode } from '../../../test/helpers/run-command.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';

const KEY = 'API-GRUNTTEST0000000000000000000';

/** Runs the real grunt on a Gruntfile whose config is `config`, in `cwd`. */
async function grunt(cwd: string, config: object, tasks: string[], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  const gruntfile = path.join(cwd, 'Gruntfile.cjs');
  writeFileSync(
    gruntfile,
    `module.exports = function (grunt) {\n  grunt.initConfig(${JSON.stringify(config)});\n  grunt.loadNpmTasks('grunt-octo');\n};\n`,
  );
  return runNode(BINS.grunt, ['--gruntfile', gruntfile, '--no-color', ...tasks], { cwd, env });
}

describe('grunt-octo', () => {
  const tmp = useTempDir('grunt-octo-', path.join(ROOT, 'tmp'));

  describe('planEntries()', () => {
    it('names entries as grunt-contrib-compress does for each file format', () => {
      const expanded = [{ src: ['dist/a/b.js'], dest: 'a/b.js', orig: { expand: true, cwd: 'dist' } }];
      assert.deepEqual(planEntries(expanded as never), [{ file: 'dist/a/b.js', name: 'a/b.js' }]);
      const withCwd = [{ src: ['a/b.js'], orig: { cwd: 'dist' } }];
      assert.deepEqual(planEntries(withCwd as never), [{ file: path.join('dist', 'a/b.js'), name: 'a/b.js' }]);
      const withDest = [{ src: ['dist/x.js'], dest: 'app', orig: {} }];
      assert.deepEqual(planEntries(withDest as never), [{ file: 'dist/x.js', name: path.join('app', 'dist/x.js') }]);
    });
  });

  describe('octo-pack', () => {
    it('packs expand + cwd file sets with cwd-relative names, modes, links and empty folders', async () => {
      const files = makeAppTree(path.join(tmp.path, 'dist'));
      const result = await grunt(
        tmp.path,
        {
          'octo-pack': {
            app: {
              options: { outFolder: 'out', format: 'tar.gz', packageJson: 'dist/package.json' },
              files: [{ expand: true, cwd: 'dist', src: ['**'], dot: true }],
            },
          },
        },
        ['octo-pack:app'],
      );
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /Packed out\/acme\.web-app\.1\.2\.3\.tar\.gz: \d+ entries/);
      const entries = new Map(
        (await readArchive(path.join(tmp.path, 'out', 'acme.web-app.1.2.3.tar.gz'))).map((entry) => [entry.name, entry]),
      );
      for (const [name, file] of files) {
        const entry = entries.get(name);
        assert.ok(entry, `${name} is in the package`);
        assert.deepEqual(entry.data, file.data, `${name} bytes`);
        assert.equal(entry.mode, file.mode, `${name} mode`);
        assert.equal(entry.mtime, Date.parse('2021-06-01T12:00:00Z') / 1000, `${name} mtime`);
      }
      assert.equal(entries.get('empty/nested')?.type, 'directory');
      assert.equal(entries.get('bin/server-link.js')?.linkTarget, '../server.js');
      assert.ok(![...entries.keys()].some((name) => name.startsWith('dist')), 'no dist/ prefix');
    });

    it("keeps the original's form: type, id, version, dst and a target cwd", async () => {
      mkdirSync(path.join(tmp.path, 'dist'));
      writeFileSync(path.join(tmp.path, 'dist', 'file1.txt'), 'one');
      const result = await grunt(
        tmp.path,
        { 'octo-pack': { prod: { options: { dst: './bin', type: 'zip', id: 'Legacy', version: '1.0.0' }, src: ['*.txt'], cwd: 'dist' } } },
        ['octo-pack:prod'],
      );
      assert.equal(result.code, 0, result.stdout);
      const entries = await readArchive(path.join(tmp.path, 'bin', 'Legacy.1.0.0.zip'));
      assert.deepEqual(
        entries.map((entry) => [entry.name, entry.data.toString()]),
        [['file1.txt', 'one']],
      );
    });

    it('warns and succeeds when nothing matched; fails with exit 3 on an existing package, unless --force', async () => {
      const config = { 'octo-pack': { app: { options: { id: 'A', version: '1.0.0' }, src: ['nothing/**'] } } };
      const empty = await grunt(tmp.path, config, ['octo-pack:app']);
      assert.equal(empty.code, 0);
      assert.match(empty.stdout, /no files matched, so no package was made/);
      writeFileSync(path.join(tmp.path, 'a.txt'), 'a');
      const again = { 'octo-pack': { app: { options: { id: 'A', version: '1.0.0', outFolder: 'out' }, src: ['a.txt'] } } };
      assert.equal((await grunt(tmp.path, again, ['octo-pack:app'])).code, 0);
      const exists = await grunt(tmp.path, again, ['octo-pack:app']);
      assert.equal(exists.code, 3);
      assert.match(exists.stdout, /Warning: The package .*A\.1\.0\.0\.zip already exists\. \[ERR_OCTO_OUTPUT_EXISTS\]/);
      assert.match(exists.stdout, /Set overwrite: true/);
      assert.equal((await grunt(tmp.path, again, ['octo-pack:app', '--force'])).code, 0);
    });

    it('fails with the reason when there is no package.json and no id', async () => {
      writeFileSync(path.join(tmp.path, 'a.txt'), 'a');
      const result = await grunt(tmp.path, { 'octo-pack': { app: { src: ['a.txt'] } } }, ['octo-pack:app']);
      assert.equal(result.code, 3);
      assert.match(result.stdout, /ERR_OCTO_PACKAGE_JSON_MISSING/);
      assert.ok(!existsSync(path.join(tmp.path, 'undefined')));
    });
  });

  describe('octo-push', () => {
    let feed: Feed;
    beforeEach(async () => {
      feed = await startFeed({ dataDir: path.join(tmp.path, 'feed'), apiKeys: { [KEY]: ['BuiltInFeedPush', 'FeedView'] } });
      for (const id of ['Acme.One', 'Acme.Two']) {
        await createPackage({ id, version: '1.0.0' }).addBuffer('a.txt', id).toFile(path.join(tmp.path, 'bin'));
      }
    });
    afterEach(() => feed.close());

    it('pushes every matched package and reports each with its size and outcome', async () => {
      const result = await grunt(tmp.path, { 'octo-push': { all: { options: { host: feed.url, apiKey: KEY }, src: ['bin/*.zip'] } } }, [
        'octo-push:all',
      ]);
      assert.equal(result.code, 0, result.stdout);
      assert.match(result.stdout, /Pushed Acme\.One\.1\.0\.0\.zip \(\d+ B\) to http:\/\/127\.0\.0\.1:\d+\/: created/);
      assert.match(result.stdout, /Pushed Acme\.Two\.1\.0\.0\.zip/);
      for (const record of feed.packages()) {
        assert.deepEqual(readFileSync(feed.packagePath(record)), readFileSync(path.join(tmp.path, 'bin', record.fileName)));
      }
    });

    it('fails (never hangs) when nothing matched', async () => {
      const result = await grunt(tmp.path, { 'octo-push': { all: { options: { host: feed.url, apiKey: KEY }, src: ['nowhere/*.zip'] } } }, [
        'octo-push:all',
      ]);
      assert.equal(result.code, 3);
      assert.match(result.stdout, /no package file matched nowhere\/\*\.zip, so nothing was pushed/);
    });

    it('fails on bad options (never a silent success), naming the option and the near miss', async () => {
      const cases: [object, RegExp][] = [
        [{ concurrency: 'two' }, /`concurrency`/],
        [{ insecure: 'false' }, /`insecure`/],
        [{ overwritemode: 'ignore' }, /Did you mean `overwriteMode`\?/],
      ];
      for (const [extra, expected] of cases) {
        const config = { 'octo-push': { all: { options: { host: feed.url, apiKey: KEY, ...extra }, src: ['bin/*.zip'] } } };
        const result = await grunt(tmp.path, config, ['octo-push:all']);
        assert.equal(result.code, 3, result.stdout);
        assert.match(result.stdout, /ERR_OCTO_INVALID_OPTION/);
        assert.match(result.stdout, expected);
      }
      assert.equal(feed.requests.length, 0);
    });

    it('takes the key from the server URL query and never prints it, even under --verbose', async () => {
      const config = { 'octo-push': { all: { options: { server: `${feed.url}?apikey=${KEY}` }, src: ['bin/*.zip'] } } };
      const result = await grunt(tmp.path, config, ['octo-push:all', '--verbose']);
      assert.equal(result.code, 0, result.stdout);
      assert.match(result.stdout, /Pushed Acme\.One\.1\.0\.0\.zip/);
      assert.ok(!(result.stdout + result.stderr).includes(KEY));
    });

    it("fails with the server's message on a conflict and a wrong key, never printing the key", async () => {
      const config = { 'octo-push': { all: { options: { server: feed.url }, src: ['bin/Acme.One.1.0.0.zip'] } } };
      assert.equal((await grunt(tmp.path, config, ['octo-push:all'], { OCTOPUS_API_KEY: KEY })).code, 0);
      const conflict = await grunt(tmp.path, config, ['octo-push:all'], { OCTOPUS_API_KEY: KEY });
      assert.equal(conflict.code, 3);
      assert.match(conflict.stdout, /Acme\.One 1\.0\.0 already exists on the server; nothing was uploaded\. \[ERR_OCTO_CONFLICT\]/);
      const verbose = await grunt(
        tmp.path,
        {
          'octo-push': {
            all: { options: { server: feed.url, apiKey: KEY, overwriteMode: 'ignore', proxy: false }, src: ['bin/Acme.One.1.0.0.zip'] },
          },
        },
        ['octo-push:all', '--verbose'],
      );
      assert.equal(verbose.code, 0, verbose.stdout);
      assert.match(verbose.stdout, /Options: .*apiKey="\*\*\*"/);
      assert.ok(!verbose.stdout.includes(KEY), 'the key from the Gruntfile is not echoed under --verbose');
      const wrongKey = 'API-WRONGWRONG000000000000000000';
      const denied = await grunt(tmp.path, config, ['octo-push:all'], { OCTOPUS_API_KEY: wrongKey });
      assert.equal(denied.code, 3);
      assert.match(denied.stdout, /ERR_OCTO_AUTH/);
      assert.ok(!(denied.stdout + denied.stderr).includes(wrongKey));
      assert.ok(!(conflict.stdout + conflict.stderr).includes(KEY));
    });
  });
});
