import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pack } from '../src/index.js';
import { readArchive } from '../../../test/helpers/archive-reader.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';

function pkg(folder: string, json: Record<string, unknown>): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'package.json'), JSON.stringify(json));
  writeFileSync(path.join(folder, 'index.js'), `module.exports = ${JSON.stringify(json.name)};`);
}

/**
 * A package as pnpm stores it: its files in node_modules/.pnpm/<name>@<version>/node_modules/<name>,
 * its dependencies linked beside it, and a link to it wherever it is a direct dependency.
 */
function pnpmPackage(app: string, name: string, version: string, dependencies: Record<string, string>, bin?: unknown): void {
  const store = path.join(app, 'node_modules/.pnpm', `${name}@${version}`, 'node_modules');
  mkdirSync(path.join(store, name, 'bin'), { recursive: true });
  writeFileSync(path.join(store, name, 'package.json'), JSON.stringify({ name, version, dependencies, bin }));
  writeFileSync(path.join(store, name, 'bin/cli.js'), '#!/usr/bin/env node\n', { mode: 0o755 });
  // Reports its version and those of the dependencies it finds, as Node resolves them.
  const requires = Object.keys(dependencies)
    .map((dependency) => `${JSON.stringify(dependency)}: require(${JSON.stringify(dependency)})`)
    .join(', ');
  writeFileSync(path.join(store, name, 'index.js'), `module.exports = { version: ${JSON.stringify(version)}, ${requires} };`);
  for (const [dependency, dependencyVersion] of Object.entries(dependencies)) {
    symlinkSync(path.join('..', '..', `${dependency}@${dependencyVersion}`, 'node_modules', dependency), path.join(store, dependency));
  }
}

describe('dependencies: prod', () => {
  const tmp = useTempDir();

  it('packs the production tree as npm installed it: hoisted, nested, and from a workspace root', async () => {
    // A workspace monorepo: the app lives in packages/app, most modules are hoisted to the root.
    const root = tmp.path;
    const app = path.join(root, 'packages/app');
    pkg(root, { name: 'mono', version: '1.0.0', workspaces: ['packages/*'] });
    pkg(app, { name: 'app', version: '1.0.0', dependencies: { express: '^4', lib: '1.0.0' }, devDependencies: { mocha: '^10' } });
    pkg(path.join(root, 'node_modules/express'), { name: 'express', version: '4.0.0', dependencies: { debug: '^2' } });
    pkg(path.join(root, 'node_modules/debug'), { name: 'debug', version: '4.0.0' });
    pkg(path.join(root, 'node_modules/express/node_modules/debug'), { name: 'debug', version: '2.0.0', dependencies: { ms: '*' } });
    pkg(path.join(root, 'node_modules/ms'), { name: 'ms', version: '2.0.0' });
    pkg(path.join(root, 'node_modules/mocha'), { name: 'mocha', version: '10.0.0', dependencies: { debug: '^4' } });
    pkg(path.join(root, 'packages/lib'), { name: 'lib', version: '1.0.0', dependencies: { ms: '*' } });
    mkdirSync(path.join(root, 'node_modules'), { recursive: true });
    const { symlinkSync } = await import('node:fs');
    symlinkSync('../packages/lib', path.join(root, 'node_modules/lib'));
    pkg(path.join(app, 'node_modules/local-only-dev'), { name: 'local-only-dev', version: '1.0.0' });
    writeFileSync(path.join(app, 'server.js'), '');

    const result = await pack({ basePath: app, dependencies: 'prod', outFolder: path.join(tmp.path, 'out') });
    const files = (await readArchive(result.path)).filter((entry) => entry.type === 'file').map((entry) => entry.name);
    assert.deepEqual(files, [
      'index.js',
      'node_modules/express/index.js',
      'node_modules/express/node_modules/debug/index.js',
      'node_modules/express/node_modules/debug/package.json',
      'node_modules/express/package.json',
      'node_modules/lib/index.js',
      'node_modules/lib/package.json',
      'node_modules/ms/index.js',
      'node_modules/ms/package.json',
      'package.json',
      'server.js',
    ]);

    const none = await pack({ basePath: app, dependencies: 'none', outFolder: path.join(tmp.path, 'none') });
    assert.ok((await readArchive(none.path)).every((entry) => !entry.name.startsWith('node_modules')));
  });

  it("packs pnpm's layout so that Node resolves every dependency to the version pnpm linked", async () => {
    const app = path.join(tmp.path, 'app');
    pkg(app, { name: 'app', version: '1.0.0', dependencies: { web: '1.0.0', ms: '1.0.0' }, devDependencies: { mocha: '10.0.0' } });
    // web needs ms 2 and debug; debug needs ms 2; the app itself needs ms 1; mocha is dev only.
    pnpmPackage(app, 'web', '1.0.0', { debug: '4.0.0', ms: '2.0.0' }, { web: './bin/cli.js', 'web-admin': 'bin/cli.js', bad: '../../x' });
    pnpmPackage(app, 'debug', '4.0.0', { ms: '2.0.0' });
    pnpmPackage(app, 'ms', '1.0.0', {});
    pnpmPackage(app, 'ms', '2.0.0', {}, 'bin/cli.js');
    pnpmPackage(app, 'mocha', '10.0.0', { debug: '4.0.0' }, { mocha: 'bin/cli.js' });
    for (const [name, version] of [
      ['web', '1.0.0'],
      ['ms', '1.0.0'],
      ['mocha', '10.0.0'],
    ] as const) {
      symlinkSync(path.join('.pnpm', `${name}@${version}`, 'node_modules', name), path.join(app, 'node_modules', name));
    }

    const result = await pack({ basePath: app, dependencies: 'prod', outFolder: path.join(tmp.path, 'out') });
    const entries = await readArchive(result.path);
    const files = entries.filter((entry) => entry.type === 'file').map((entry) => entry.name);
    assert.ok(!files.some((name) => name.includes('.pnpm') || name.includes('mocha')), files.join('\n'));
    assert.deepEqual(
      files.filter((name) => name.endsWith('/package.json')),
      [
        'node_modules/debug/node_modules/ms/package.json',
        'node_modules/debug/package.json',
        'node_modules/ms/package.json',
        'node_modules/web/node_modules/ms/package.json',
        'node_modules/web/package.json',
      ],
    );
    // .bin links as npm makes them, for what is packed only (no mocha), beside the package that brings them.
    const links = entries.filter((entry) => entry.type === 'symlink').map((entry) => [entry.name, entry.linkTarget]);
    assert.deepEqual(links, [
      ['node_modules/.bin/web', '../web/bin/cli.js'],
      ['node_modules/.bin/web-admin', '../web/bin/cli.js'],
      ['node_modules/debug/node_modules/.bin/ms', '../ms/bin/cli.js'],
      ['node_modules/web/node_modules/.bin/ms', '../ms/bin/cli.js'],
    ]);
    for (const [name, target] of links)
      assert.ok(files.includes(path.posix.join(path.posix.dirname(name!), target!)), `${name} leads to a packed file`);
    assert.equal(entries.find((entry) => entry.name === 'node_modules/web/bin/cli.js')!.mode, 0o755);
    // debug is hoisted beside web but needs ms 2, which the top-level ms 1 hides: it gets its own.
    // Run Node on the unpacked package: every require must find the version pnpm linked.
    const unpacked = path.join(tmp.path, 'unpacked');
    for (const entry of entries) {
      const target = path.join(unpacked, entry.name);
      if (entry.type === 'directory') mkdirSync(target, { recursive: true });
      else if (entry.type === 'file') {
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, entry.data);
      }
    }
    const resolved = execFileSync(process.execPath, ['-p', "JSON.stringify([require('web'), require('ms')])"], {
      cwd: unpacked,
      encoding: 'utf8',
    });
    assert.deepEqual(JSON.parse(resolved), [
      { version: '1.0.0', debug: { version: '4.0.0', ms: { version: '2.0.0' } }, ms: { version: '2.0.0' } },
      { version: '1.0.0' },
    ]);
  });
});
