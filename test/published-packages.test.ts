import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ROOT } from './helpers/run-command.js';
import { useTempDir } from './helpers/temp-dir.js';

const REPOSITORY = 'https://github.com/octojs/octojs';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  repository?: { type: string; url: string; directory?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const folders = readdirSync(path.join(ROOT, 'packages')).filter((folder) => {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'packages', folder, 'package.json'), 'utf8')) as Manifest;
  return !manifest.private;
});

/** What `npm pack` would put in the tarball, as npm itself lists it. */
function packedFiles(folder: string): string[] {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: path.join(ROOT, 'packages', folder),
    encoding: 'utf8',
    env: { ...process.env, npm_config_loglevel: 'silent' },
  });
  const [report] = JSON.parse(output) as [{ files: { path: string }[] }];
  return report.files.map((file) => file.path);
}

/** Every bare module a package's tests (and the shared helpers they import) load. */
function modulesTestsUse(folder: string): Set<string> {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) files.push(full);
    }
  };
  walk(path.join(ROOT, 'packages', folder, 'test'));
  const seen = new Set(files);
  const modules = new Set(['mocha', 'tsx']); // the runner and the loader of every test
  for (let index = 0; index < files.length; index++) {
    const text = readFileSync(files[index]!, 'utf8');
    // Static and dynamic imports, and createRequire(import.meta.url)('x') or .resolve('x'); not strings in test data.
    const pattern = /(?:\bfrom |\bimport\(|createRequire\(import\.meta\.url\)(?:\.resolve)?\()\s*'([^']+)'/g;
    for (const [, specifier] of text.matchAll(pattern)) {
      if (specifier!.startsWith('node:')) continue;
      if (specifier!.startsWith('.')) {
        const helper = path.resolve(path.dirname(files[index]!), specifier!.replace(/\.js$/, '.ts'));
        if (helper.startsWith(path.join(ROOT, 'test')) && !seen.has(helper)) {
          seen.add(helper);
          files.push(helper);
        }
        continue;
      }
      const parts = specifier!.split('/');
      modules.add(specifier!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
    }
  }
  return modules;
}

describe('published packages', function () {
  this.timeout(120_000);

  for (const folder of folders) {
    it(`${folder}: npm pack ships LICENSE, README with absolute links, maps with their sources, and a real repository`, () => {
      const directory = path.join(ROOT, 'packages', folder);
      const manifest = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')) as Manifest;
      const files = packedFiles(folder);
      assert.ok(files.includes('LICENSE'), `${folder} ships a LICENSE`);
      assert.match(readFileSync(path.join(directory, 'LICENSE'), 'utf8'), /MIT License/);
      assert.ok(files.includes('README.md'), `${folder} ships a README`);
      assert.ok(files.includes('package.json'));
      assert.ok(
        files.some((file) => file.startsWith('dist/') && file.endsWith('.js')),
        'the built code',
      );
      assert.ok(!files.some((file) => file.startsWith('test/') || file.includes('.test.')), 'no tests');
      assert.ok(!files.some((file) => file.endsWith('.tsbuildinfo')), 'no build state');

      // Every source map's sources are in the package too (or no maps are shipped).
      for (const map of files.filter((file) => file.endsWith('.map'))) {
        const { sources } = JSON.parse(readFileSync(path.join(directory, map), 'utf8')) as { sources: string[] };
        for (const source of sources) {
          const shipped = path.posix.normalize(path.posix.join(path.posix.dirname(map), source));
          assert.ok(files.includes(shipped), `${map} points to ${shipped}, which is shipped`);
        }
      }

      // Links on the registry's page resolve only when absolute.
      const readme = readFileSync(path.join(directory, 'README.md'), 'utf8');
      for (const [, target] of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
        assert.match(target!, /^(https:\/\/|#|mailto:)/, `README link ${target} is absolute`);
      }

      assert.deepEqual(manifest.repository, { type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${folder}` });
    });

    // Packages without tests of their own (feed, octojs) are tested from the repository's test/.
    if (!readdirSync(path.join(ROOT, 'packages', folder)).includes('test')) continue;
    it(`${folder}: declares every package its own tests use`, () => {
      const directory = path.join(ROOT, 'packages', folder);
      const manifest = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')) as Manifest;
      const declared = new Set([
        manifest.name,
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.devDependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
      ]);
      const missing = [...modulesTestsUse(folder)].filter((name) => !declared.has(name));
      assert.deepEqual(missing, [], `${folder}'s tests use these without declaring them`);
    });
  }

  describe('User-Agent', () => {
    const tmp = useTempDir('published-', path.join(ROOT, 'tmp'));

    it("carries core's version from its package.json, not a literal", async () => {
      // A copy of the built core with another version: a literal in the code would not follow it.
      const copy = path.join(tmp.path, 'core');
      cpSync(path.join(ROOT, 'packages', 'core', 'dist'), path.join(copy, 'dist'), { recursive: true });
      const manifest = JSON.parse(readFileSync(path.join(ROOT, 'packages', 'core', 'package.json'), 'utf8')) as Manifest;
      writeFileSync(path.join(copy, 'package.json'), JSON.stringify({ ...manifest, version: '9.8.7-ua.1' }));
      let agent: string | undefined;
      const server = http.createServer((request, response) => {
        agent ??= request.headers['user-agent'];
        response.writeHead(503, { 'content-type': 'text/plain' }).end('down');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const core = (await import(path.join(copy, 'dist', 'index.js'))) as typeof import('../packages/core/src/index.js');
        writeFileSync(path.join(tmp.path, 'App.1.0.0.zip'), Buffer.from('PK\x05\x06' + '\0'.repeat(18), 'latin1'));
        await assert.rejects(
          core.push(path.join(tmp.path, 'App.1.0.0.zip'), {
            server: `http://127.0.0.1:${port}`,
            apiKey: 'API-UATEST00000000000000000000',
            retries: 0,
          }),
        );
      } finally {
        server.close();
      }
      assert.match(agent ?? '', /^octojs\/9\.8\.7-ua\.1 /);
    });
  });
});
