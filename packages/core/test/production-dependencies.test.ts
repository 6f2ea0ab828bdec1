import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pack } from '../src/index.js';
import { readArchive } from '../../../test/helpers/archive-reader.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';

function pkg(folder: string, json: Record<string, unknown>): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'package.json'), JSON.stringify(json));
  writeFileSync(path.join(folder, 'index.js'), `module.exports = ${JSON.stringify(json.name)};`);
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
});
