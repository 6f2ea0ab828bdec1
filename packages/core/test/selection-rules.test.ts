import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pack, planPackage } from '../src/index.js';
import { readArchive } from '../../../test/helpers/archive-reader.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';
import { write } from './helpers/npm-project.js';

const files = (plan: { entries: { name: string; type: string }[] }): string[] =>
  plan.entries.filter((entry) => entry.type !== 'directory').map((entry) => entry.name);
const whyOut = (plan: { excluded: { path: string; reason: string }[] }, name: string): string | undefined =>
  plan.excluded.find((excluded) => excluded.path === name)?.reason;
const whyIn = (plan: { entries: { name: string; reason?: string }[] }, name: string): string | undefined =>
  plan.entries.find((entry) => entry.name === name)?.reason;

describe('what goes in the package', () => {
  const tmp = useTempDir();
  const app = (): string => {
    const folder = path.join(tmp.path, 'app');
    write(path.join(folder, 'package.json'), { name: 'my-app', version: '1.2.3' });
    write(path.join(folder, 'server.js'), '');
    return folder;
  };
  const out = (): string => path.join(tmp.path, 'out');

  describe('.octopusignore', () => {
    it('is read in basePath and its folders, with negation, folder-only and anchored rules, and says which line', async () => {
      const folder = app();
      write(path.join(folder, '.octopusignore'), '# build leftovers\n*.log\n!keep.log\ncache/\n/docs/*\n!/docs/README.md\n\nsrc\n');
      for (const name of [
        'a.log',
        'keep.log',
        'cache/x.js',
        'docs/guide.md',
        'docs/README.md',
        'src/app.ts',
        'lib/cache',
        'lib/docs/guide.md',
      ]) {
        write(path.join(folder, name), name);
      }
      // A folder's own rules win over its parents': debug.log comes back in lib/, and lib/*.tmp goes.
      write(path.join(folder, 'lib/.octopusignore'), '!debug.log\n*.tmp\n');
      write(path.join(folder, 'lib/debug.log'), '');
      write(path.join(folder, 'lib/other.log'), '');
      write(path.join(folder, 'lib/x.tmp'), '');
      write(path.join(folder, 'x.tmp'), '');
      const plan = await planPackage({ basePath: folder, outFolder: out() });
      assert.deepEqual(files(plan), [
        'docs/README.md',
        'keep.log',
        'lib/cache', // a file: `cache/` matches folders only
        'lib/debug.log',
        'lib/docs/guide.md', // `/docs/*` is anchored to basePath
        'package.json',
        'server.js',
        'x.tmp',
      ]);
      assert.equal(whyOut(plan, 'a.log'), 'ignored by .octopusignore line 2: `*.log`');
      assert.equal(whyOut(plan, 'cache'), 'ignored by .octopusignore line 4: `cache/`');
      assert.equal(whyOut(plan, 'docs/guide.md'), 'ignored by .octopusignore line 5: `/docs/*`');
      assert.equal(whyOut(plan, 'src'), 'ignored by .octopusignore line 8: `src`');
      assert.equal(whyOut(plan, 'lib/other.log'), 'ignored by .octopusignore line 2: `*.log`');
      assert.equal(whyOut(plan, 'lib/x.tmp'), 'ignored by lib/.octopusignore line 2: `*.tmp`');
      assert.equal(whyIn(plan, 'keep.log'), 'put back by .octopusignore line 3: `!keep.log`');
      assert.equal(whyIn(plan, 'lib/debug.log'), 'put back by lib/.octopusignore line 1: `!debug.log`');
      // The ignore files themselves are not part of the app.
      assert.match(whyOut(plan, '.octopusignore')!, /^default rule: an ignore file/);
      assert.match(whyOut(plan, 'lib/.octopusignore')!, /^default rule: an ignore file/);
      // What planPackage says is what pack() writes.
      const result = await pack({ basePath: folder, outFolder: out() });
      assert.deepEqual(
        (await readArchive(result.path)).filter((entry) => entry.type === 'file').map((entry) => entry.name),
        files(plan),
      );
    });

    it('cannot bring back a file whose folder is ignored (as git), and is not read inside node_modules', async () => {
      const folder = app();
      write(path.join(folder, '.octopusignore'), 'logs/\n!logs/keep.log\n');
      write(path.join(folder, 'logs/keep.log'), '');
      write(path.join(folder, 'node_modules/dep/.octopusignore'), 'index.js\n');
      write(path.join(folder, 'node_modules/dep/index.js'), '');
      const plan = await planPackage({ basePath: folder, outFolder: out() });
      assert.deepEqual(files(plan), ['node_modules/dep/.octopusignore', 'node_modules/dep/index.js', 'package.json', 'server.js']);
    });
  });

  describe('ignoreFiles', () => {
    it('honours .gitignore only when asked, after .octopusignore, whose rules come later and win', async () => {
      const folder = app();
      write(path.join(folder, '.gitignore'), 'coverage/\n*.map\n');
      write(path.join(folder, '.octopusignore'), '!server.js.map\n');
      write(path.join(folder, 'coverage/index.html'), '');
      write(path.join(folder, 'server.js.map'), '');
      write(path.join(folder, 'client.js.map'), '');
      const plain = await planPackage({ basePath: folder, outFolder: out() });
      assert.deepEqual(files(plain), ['.gitignore', 'client.js.map', 'coverage/index.html', 'package.json', 'server.js', 'server.js.map']);
      const honoured = await planPackage({ basePath: folder, outFolder: out(), ignoreFiles: ['.gitignore'] });
      assert.deepEqual(files(honoured), ['package.json', 'server.js', 'server.js.map']);
      assert.equal(whyOut(honoured, 'coverage'), 'ignored by .gitignore line 1: `coverage/`');
      assert.equal(whyOut(honoured, 'client.js.map'), 'ignored by .gitignore line 2: `*.map`');
      assert.equal(whyIn(honoured, 'server.js.map'), 'put back by .octopusignore line 1: `!server.js.map`');
      // A .gitignore that lists the build: .octopusignore puts it back, as the README says.
      write(path.join(folder, '.gitignore'), 'dist/\n');
      write(path.join(folder, '.octopusignore'), '!dist/\n');
      write(path.join(folder, 'dist/app.js'), '');
      assert.ok(files(await planPackage({ basePath: folder, outFolder: out(), ignoreFiles: ['.gitignore'] })).includes('dist/app.js'));
    });
  });

  describe('useNpmFiles', () => {
    it("packs what npm publishes: package.json `files`, npm's always-included files, never its never-included ones", async () => {
      const folder = path.join(tmp.path, 'lib');
      write(path.join(folder, 'package.json'), {
        name: 'my-lib',
        version: '1.0.0',
        main: 'index.js',
        bin: { 'my-lib': 'bin/cli.js' },
        files: ['lib', 'types/*.d.ts'],
      });
      for (const name of [
        'index.js', // main: always
        'bin/cli.js', // bin: always
        'README.md',
        'LICENSE',
        'lib/a.js',
        'lib/a.test.js', // left out by lib/.npmignore
        'lib/.npmignore',
        'lib/.npmrc', // never
        'lib/.DS_Store', // never
        'types/a.d.ts',
        'types/a.ts',
        'src/a.ts', // not in files
        'package-lock.json', // never
        'CHANGELOG.md',
      ]) {
        write(path.join(folder, name), name === 'lib/.npmignore' ? '*.test.js\n' : '');
      }
      const plan = await planPackage({ basePath: folder, outFolder: out(), useNpmFiles: true });
      assert.deepEqual(files(plan), ['LICENSE', 'README.md', 'bin/cli.js', 'index.js', 'lib/a.js', 'package.json', 'types/a.d.ts']);
      assert.equal(whyOut(plan, 'src'), 'not in package.json `files` (`useNpmFiles`)');
      assert.equal(whyOut(plan, 'lib/a.test.js'), 'not in package.json `files` (`useNpmFiles`)');
      assert.equal(whyOut(plan, 'lib/.npmrc'), 'npm never publishes it (`useNpmFiles`)');
      assert.equal(whyOut(plan, 'package-lock.json'), 'npm never publishes it (`useNpmFiles`)');
      assert.equal(whyIn(plan, 'README.md'), 'npm always publishes it (`useNpmFiles`)');
      assert.equal(whyIn(plan, 'lib/a.js'), 'listed by package.json `files` (`useNpmFiles`)');
      // Without the option, everything is packed.
      assert.ok(files(await planPackage({ basePath: folder, outFolder: out() })).includes('src/a.ts'));
    });
  });

  describe('safe defaults', () => {
    it('never packs earlier packages of the same id, .partial files or spool folders, unless an include names them', async () => {
      const folder = app();
      const leftovers = [
        'my-app.1.2.2.zip',
        'releases/my-app.1.0.0-beta.1.tar.gz',
        'releases/My-App.2.0.0.nupkg',
        'releases/my-app.1.2.3.tgz',
        '.my-app.1.2.3.zip.0123456789ab.partial',
        'octojs-spool-Ab12Cd/spool',
        'feed-data/spaces/Spaces-1/other/other.1.0.0.zip', // a local feed's data folder
        'feed-data/uploads/.keep',
      ];
      for (const name of [...leftovers, 'other-app.1.0.0.zip', 'my-app.config.zip', 'assets/my-app.1.0.0.png'])
        write(path.join(folder, name), 'x');
      const plan = await planPackage({ basePath: folder, outFolder: out() });
      assert.deepEqual(files(plan), ['assets/my-app.1.0.0.png', 'my-app.config.zip', 'other-app.1.0.0.zip', 'package.json', 'server.js']);
      assert.match(
        whyOut(plan, 'releases/My-App.2.0.0.nupkg')!,
        /^default rule: an Octopus package of the same id \(my-app\).*an `include` glob that names it packs it$/,
      );
      assert.match(whyOut(plan, '.my-app.1.2.3.zip.0123456789ab.partial')!, /`\.partial` file/);
      assert.match(whyOut(plan, 'octojs-spool-Ab12Cd')!, /temporary folder/);
      assert.match(whyOut(plan, 'feed-data')!, /^default rule: a local feed's data folder/);
      // A whole-folder glob takes what is there; a glob that names them packs them.
      assert.deepEqual(files(await planPackage({ basePath: folder, outFolder: out(), include: ['releases/**', 'server.js'] })), [
        'server.js',
      ]);
      const named = await planPackage({ basePath: folder, outFolder: out(), include: ['**', 'releases/*.tgz'] });
      assert.ok(files(named).includes('releases/my-app.1.2.3.tgz'));
      assert.ok(!files(named).includes('releases/My-App.2.0.0.nupkg'));
      assert.equal(whyIn(named, 'releases/my-app.1.2.3.tgz'), 'include `releases/*.tgz` (named explicitly)');
    });

    it("keeps out the .partial and spool folders the writers really leave, and octojs's config files", async () => {
      const folder = app();
      const leftovers = [
        '.my-app.1.2.2.zip.4000000-0123456789ab.partial', // `.<file>.<pid>-<hex>.partial`, as write-archive names them
        '.other.1.0.0.tar.gz.12-ffffffffffff.partial',
        'octojs-push-0123456789ab/package.zip', // a push's spool: the prefix and 12 hex digits
        'octojs-spool-Ab12Cd/spool',
        'gulp-octo-x1Y2z3/app.1.0.0.zip',
        '.octojsrc.json',
        '.octojsrc',
        '.octojsrc.yml',
      ];
      for (const name of [...leftovers, 'octojs-push-notours/a.js', 'notes.partial']) write(path.join(folder, name), 'x');
      const plan = await planPackage({ basePath: folder, outFolder: out() });
      assert.deepEqual(files(plan), ['notes.partial', 'octojs-push-notours/a.js', 'package.json', 'server.js']);
      assert.match(whyOut(plan, '.my-app.1.2.2.zip.4000000-0123456789ab.partial')!, /`\.partial` file/);
      assert.match(whyOut(plan, 'octojs-push-0123456789ab')!, /temporary folder/);
      assert.match(whyOut(plan, '.octojsrc.json')!, /^default rule: an octojs config file.*an `include` glob that names it packs it$/);
      // The name the writer uses is the name the rule knows.
      const { partialFileName } = await import('../src/temporary-names.js');
      write(path.join(folder, partialFileName(path.join(out(), 'my-app.1.2.3.zip'))), 'x');
      assert.deepEqual(files(await planPackage({ basePath: folder, outFolder: out() })), files(plan));
      // Named by an include, a config file goes in.
      const named = await planPackage({ basePath: folder, outFolder: out(), include: ['**', '.octojsrc.json'] });
      assert.ok(files(named).includes('.octojsrc.json'));
      assert.deepEqual(named.warnings, []);
    });

    it('packing the project twice into a folder inside it does not pack the first package into the second', async () => {
      const folder = app();
      const first = await pack({ basePath: folder, outFolder: path.join(folder, 'artifacts') });
      const second = await pack({ basePath: folder, outFolder: path.join(folder, 'dist-packages'), version: '1.2.4' });
      const names = (await readArchive(second.path)).map((entry) => entry.name);
      assert.ok(!names.some((name) => name.endsWith('.zip')), names.join(', '));
      assert.ok(second.size < first.size * 1.5);
    });
  });

  describe('secret warnings', () => {
    it('warns for each file that usually holds secrets, says how to exclude or keep it, and never shows its content', async () => {
      const folder = app();
      const token = 'npm_SECRETTOKENVALUE1234567890';
      write(path.join(folder, '.env'), 'DB_PASSWORD=hunter2\n');
      write(path.join(folder, '.env.production'), 'X=1\n');
      write(path.join(folder, '.env.example'), 'X=\n');
      write(path.join(folder, 'certs/server.pem'), '-----BEGIN PRIVATE KEY-----\n');
      write(path.join(folder, 'certs/server.key'), '');
      write(path.join(folder, 'deploy/id_rsa'), '');
      write(path.join(folder, 'deploy/id_rsa.pub'), '');
      write(path.join(folder, '.npmrc'), `//registry.npmjs.org/:_authToken=${token}\n`);
      write(path.join(folder, 'sub/.npmrc'), 'save-exact=true\n');
      write(path.join(folder, 'node_modules/tls-lib/test/fixture.pem'), '');
      const warnings: string[] = [];
      const result = await pack({ basePath: folder, outFolder: out(), onWarning: (message) => warnings.push(message) });
      const named = warnings.map((warning) => warning.split(' ')[0]);
      assert.deepEqual(named, ['.env', '.env.production', '.npmrc', 'certs/server.key', 'certs/server.pem', 'deploy/id_rsa']);
      assert.deepEqual(result.warnings, warnings);
      for (const warning of warnings) {
        assert.match(
          warning,
          /is about to be packed, and .*Leave it out with `exclude` or a line `[^`]+` in \.octopusignore; if it is meant to be in the package, name it in `include`/,
        );
        assert.ok(!warning.includes(token) && !warning.includes('hunter2'), 'no content');
      }
      assert.match(warnings[2]!, /holds an npm auth token/);
      // Named by an include, a file is meant to be there: no warning. Excluded, it is not packed.
      const kept: string[] = [];
      const plan = await planPackage({
        basePath: folder,
        outFolder: out(),
        include: ['**', '.env.production', 'certs/*.pem'],
        exclude: ['.env', '.npmrc', 'deploy/**', 'certs/*.key'],
        onWarning: (message) => kept.push(message),
      });
      assert.deepEqual(kept, []);
      assert.ok(files(plan).includes('.env.production'));
      assert.ok(!files(plan).includes('.env'));
      // Or put back with a `!` line in .octopusignore: meant to be there, so no warning for it.
      write(path.join(folder, '.octopusignore'), '!.env\n');
      const quiet = await planPackage({ basePath: folder, outFolder: out() });
      assert.deepEqual(
        quiet.warnings.map((warning) => warning.split(' ')[0]),
        ['.env.production', '.npmrc', 'certs/server.key', 'certs/server.pem', 'deploy/id_rsa'],
      );
    });
  });

  it('warns for a config file or package.json holding a key, even when an include names it, without the key', async () => {
    const folder = app();
    const key = 'API-PACKEDKEY00000000000000';
    write(path.join(folder, 'package.json'), { name: 'my-app', version: '1.2.3', octojs: { apiKey: key } });
    write(path.join(folder, '.octojsrc.json'), { accessToken: 'a-token-value' });
    write(path.join(folder, 'config/settings.json'), { apiKey: key }); // not a config file of ours: not read
    write(path.join(folder, 'other/package.json'), { name: 'x', note: `deploy with ${key}` });
    const plan = await planPackage({ basePath: folder, outFolder: out(), include: ['**', 'package.json', '.octojsrc.json'] });
    assert.deepEqual(
      plan.warnings.map((warning) => warning.split(' ')[0]),
      ['.octojsrc.json', 'other/package.json', 'package.json'],
    );
    for (const warning of plan.warnings) {
      assert.match(warning, /is about to be packed, and it holds an Octopus API key or access token.*OCTOPUS_API_KEY/);
      assert.ok(!warning.includes(key) && !warning.includes('a-token-value'));
    }
    // Without a key, package.json is just package.json.
    write(path.join(folder, 'package.json'), { name: 'my-app', version: '1.2.3', octojs: { apiKey: '' } });
    const clean = await planPackage({ basePath: folder, outFolder: out(), exclude: ['other/**'] });
    assert.deepEqual(clean.warnings, []);
  });

  it('lists what an include glob left out, and every entry says why it is in', async () => {
    const folder = app();
    write(path.join(folder, 'public/index.html'), '');
    mkdirSync(path.join(folder, 'public/empty'));
    const plan = await planPackage({ basePath: folder, outFolder: out(), include: ['public/**', 'package.json'] });
    assert.deepEqual(files(plan), ['package.json', 'public/index.html']);
    assert.equal(whyOut(plan, 'server.js'), 'not matched by `include` (public/**, package.json)');
    assert.equal(whyIn(plan, 'public/index.html'), 'include `public/**`');
    assert.equal(whyIn(plan, 'public/empty'), 'an empty folder: include `public/**`');
    assert.equal(whyIn(plan, 'public'), 'a folder of packed entries');
    const excluded = await planPackage({ basePath: folder, outFolder: out(), exclude: ['public/**'] });
    assert.equal(whyOut(excluded, 'public'), 'exclude `public/**`'); // a folder left out whole is listed once
  });
});

describe('selection options', () => {
  it('are checked by type, and ignore files must be file names', async () => {
    for (const [options, option] of [
      [{ ignoreFiles: '.gitignore' }, 'ignoreFiles'],
      [{ ignoreFiles: ['config/.gitignore'] }, 'ignoreFiles'],
      [{ useNpmFiles: 'yes' }, 'useNpmFiles'],
      [{ onWarning: true }, 'onWarning'],
    ] as const) {
      await assert.rejects(planPackage({ basePath: '.', ...(options as object) }), { code: 'ERR_OCTO_INVALID_OPTION', option });
    }
  });

  it('refuse an empty glob (an unset variable) as an invalid option, not as a raw TypeError', async () => {
    for (const options of [{ exclude: [''] }, { include: ['**', ''] }]) {
      const option = Object.keys(options)[0];
      await assert.rejects(planPackage({ basePath: '.', ...options }), (error: Error & { code?: string; option?: string }) => {
        assert.equal(error.code, 'ERR_OCTO_INVALID_OPTION');
        assert.equal(error.option, option);
        assert.match(error.message, /holds an empty string \(at index \d\), which names nothing/);
        return true;
      });
    }
  });
});
