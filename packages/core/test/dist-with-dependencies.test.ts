import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type OctoError, findProjectPackageJson, pack, planPackage } from '../src/index.js';
import { readArchive } from '../../../test/helpers/archive-reader.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';
import { extract, makeNpmProject, write } from './helpers/npm-project.js';

describe('a dist build with the package.json above it', () => {
  const tmp = useTempDir();
  let installed: string; // one npm install for the whole file, copied into each test's folder
  before(function () {
    this.timeout(120_000);
    installed = mkdtempSync(path.join(os.tmpdir(), 'octojs-npm-project-'));
    makeNpmProject(installed);
  });
  after(() => rmSync(installed, { recursive: true, force: true }));
  const project = (): string => {
    cpSync(installed, tmp.path, { recursive: true, verbatimSymlinks: true });
    return path.join(tmp.path, 'project');
  };
  const run = (folder: string, command: string, args: string[]): string =>
    execFileSync(command, args, { cwd: folder, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it('packs dist, package.json and the production tree; unpacked, it starts, requires the prod dependency and lacks the dev one', async () => {
    const app = project();
    const result = await pack({ basePath: path.join(app, 'dist'), dependencies: 'prod', outFolder: path.join(tmp.path, 'out') });
    assert.equal(result.name, 'fixture-app.1.0.0.zip'); // id and version from the package.json one folder up
    const entries = await readArchive(result.path);
    assert.deepEqual(
      entries.filter((entry) => entry.type !== 'directory').map((entry) => entry.name),
      [
        'node_modules/.bin/prod-cli',
        'node_modules/prod-dep/cli.js',
        'node_modules/prod-dep/index.js',
        'node_modules/prod-dep/package.json',
        'package.json',
        'server.js',
      ],
    );
    const unpacked = path.join(tmp.path, 'unpacked');
    extract(entries, unpacked);
    assert.equal(run(unpacked, 'node', ['server.js']), 'prod-dep works\nMODULE_NOT_FOUND\n');
    assert.match(run(unpacked, 'npm', ['start', '--silent']), /^prod-dep works\nMODULE_NOT_FOUND\n$/);
  });

  it('with `all`, packs the whole node_modules of the project, dev dependencies too', async () => {
    const app = project();
    const result = await pack({
      basePath: path.join(app, 'dist'),
      dependencies: 'all',
      outFolder: path.join(tmp.path, 'out'),
      format: 'tar.gz',
    });
    const unpacked = path.join(tmp.path, 'unpacked');
    extract(await readArchive(result.path), unpacked);
    assert.equal(run(unpacked, 'node', ['server.js']), 'prod-dep works\ndev-dep present\n');
  });

  it('says why: each entry with the rule that put it in, the dev dependency with the rule that kept it out', async () => {
    const app = project();
    const plan = await planPackage({ basePath: path.join(app, 'dist'), dependencies: 'prod', outFolder: path.join(tmp.path, 'out') });
    const reason = (name: string): string | undefined => plan.entries.find((entry) => entry.name === name)?.reason;
    assert.equal(reason('server.js'), 'everything under basePath (`include` `**`, the default)');
    assert.equal(reason('package.json'), "the project's package.json (../package.json), with its dependencies (`dependencies`: prod)");
    assert.equal(reason('node_modules/prod-dep/index.js'), 'a production dependency (`dependencies`: prod)');
    assert.match(reason('node_modules/.bin/prod-cli')!, /\.bin/);
    assert.ok(
      plan.entries.every((entry) => typeof entry.reason === 'string' && entry.reason !== ''),
      'every entry has a reason',
    );
    assert.deepEqual(
      plan.excluded.filter((excluded) => excluded.path.startsWith('node_modules')),
      [{ path: 'node_modules/dev-dep', reason: 'a dev dependency (`dependencies`: prod)' }],
    );
  });

  it('leaves package.json out when excluded, and keeps a package.json of basePath its own', async () => {
    const app = project();
    const excluded = await planPackage({ basePath: path.join(app, 'dist'), dependencies: 'prod', exclude: ['package.json'] });
    assert.ok(!excluded.entries.some((entry) => entry.name === 'package.json'));
    assert.deepEqual(
      excluded.excluded.find((entry) => entry.path === 'package.json'),
      { path: 'package.json', reason: 'exclude `package.json`' },
    );
    write(path.join(app, 'dist/package.json'), { name: 'dist-own', version: '2.0.0' });
    const own = await planPackage({ basePath: path.join(app, 'dist'), dependencies: 'prod' });
    assert.equal(own.id, 'dist-own'); // the first package.json upwards is dist's own
    assert.ok(!own.entries.some((entry) => entry.name.startsWith('node_modules/')));
  });

  it('without `dependencies`, packs dist alone and warns that the declared dependencies are not in it', async () => {
    const app = project();
    const warnings: string[] = [];
    const plan = await planPackage({ basePath: path.join(app, 'dist'), onWarning: (message) => warnings.push(message) });
    assert.deepEqual(
      plan.entries.map((entry) => entry.name),
      ['server.js'],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /declares dependencies, but none is packed.*`dependencies` to prod/);
    assert.deepEqual(plan.warnings, warnings);
  });

  it('is an error with a hint when no node_modules holds the dependencies (npm ci not run)', async () => {
    const app = project();
    rmSync(path.join(app, 'node_modules'), { recursive: true });
    for (const dependencies of ['prod', 'all'] as const) {
      await assert.rejects(planPackage({ basePath: path.join(app, 'dist'), dependencies }), (error: OctoError) => {
        assert.equal(error.code, 'ERR_OCTO_DEPENDENCIES_MISSING');
        assert.equal(error.option, 'dependencies');
        assert.match(error.message, /declares dependencies \(prod-dep\)/);
        assert.match(error.hint, /Run `npm ci`/);
        return true;
      });
      // The project folder itself, with `dependencies` asked for: the same error, never an empty tree.
      await assert.rejects(planPackage({ basePath: app, dependencies }), { code: 'ERR_OCTO_DEPENDENCIES_MISSING' });
    }
    await planPackage({ basePath: path.join(app, 'dist'), dependencies: 'none' }); // asked for none: fine
  });

  it('looks for package.json upwards, stopping at the first one and never above the repository root', async () => {
    const outer = path.join(tmp.path, 'outer');
    write(path.join(outer, 'package.json'), { name: 'stranger', version: '9.9.9' });
    const repository = path.join(outer, 'repo');
    mkdirSync(path.join(repository, '.git'), { recursive: true });
    write(path.join(repository, 'app/dist/index.js'), '');
    assert.equal(await findProjectPackageJson(path.join(repository, 'app/dist')), undefined);
    await assert.rejects(planPackage({ basePath: path.join(repository, 'app/dist') }), { code: 'ERR_OCTO_PACKAGE_JSON_MISSING' });
    write(path.join(repository, 'package.json'), { name: 'repo-root', version: '1.0.0' });
    write(path.join(repository, 'app/package.json'), { name: 'the-app', version: '1.0.0' });
    assert.equal(await findProjectPackageJson(path.join(repository, 'app/dist')), path.join(repository, 'app/package.json'));
    assert.equal((await planPackage({ basePath: path.join(repository, 'app/dist') })).id, 'the-app');
  });
});
