import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ReadEntry } from '../../../../test/helpers/archive-reader.js';

export function write(file: string, data: string | Record<string, unknown>): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data, null, 2));
}

function npm(cwd: string, args: string[]): string {
  // Offline and with a cache of its own: the fixture's dependencies are local tarballs, nothing is fetched.
  return execFileSync(
    'npm',
    [...args, '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--cache', path.join(cwd, '..', '.npm-cache')],
    {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

/** A local package as a tarball made by `npm pack`, for a `file:` dependency. */
function tarball(folder: string, name: string, files: Record<string, string>, bin?: Record<string, string>): string {
  const source = path.join(folder, 'sources', name);
  write(path.join(source, 'package.json'), { name, version: '1.0.0', main: 'index.js', ...(bin && { bin }) });
  for (const [file, data] of Object.entries(files)) write(path.join(source, file), data);
  const packed = npm(source, ['pack', '--pack-destination', folder, '--silent']).trim().split('\n').pop()!;
  return path.join(folder, packed);
}

/** A dependency made for a fixture: its files and `bin`. */
export interface LocalPackage {
  name: string;
  files: Record<string, string>;
  bin?: Record<string, string>;
}

/**
 * A project as a user has it after `npm install`: package.json with a production dependency
 * (`prod-dep`, with a `bin`) and a dev dependency (`dev-dep`), both installed by npm from local
 * tarballs into node_modules, and a `dist` build whose server requires the production one.
 */
export function makeNpmProject(root: string, more: LocalPackage[] = []): string {
  const project = path.join(root, 'project');
  const others = Object.fromEntries(
    more.map((local) => [local.name, `file:${path.relative(project, tarball(root, local.name, local.files, local.bin))}`]),
  );
  const prod = tarball(
    root,
    'prod-dep',
    { 'index.js': 'module.exports = "prod-dep works";\n', 'cli.js': '#!/usr/bin/env node\n' },
    { 'prod-cli': 'cli.js' },
  );
  const dev = tarball(root, 'dev-dep', { 'index.js': 'module.exports = "dev-dep";\n' });
  write(path.join(project, 'package.json'), {
    name: 'fixture-app',
    version: '1.0.0',
    type: 'module',
    scripts: { start: 'node server.js' },
    dependencies: { 'prod-dep': `file:${path.relative(project, prod)}`, ...others },
    devDependencies: { 'dev-dep': `file:${path.relative(project, dev)}` },
  });
  // ESM only with "type": "module" beside it; require through createRequire, as CommonJS packages are.
  write(
    path.join(project, 'dist/server.js'),
    [
      "import { createRequire } from 'node:module';",
      'const require = createRequire(import.meta.url);',
      "console.log(require('prod-dep'));",
      "try { require('dev-dep'); console.log('dev-dep present'); } catch (error) { console.log(error.code); }",
      '',
    ].join('\n'),
  );
  npm(project, ['install']);
  return project;
}

/** Writes what an independent reader read back to disk, as an Octopus Tentacle extracts a package. */
export function extract(entries: ReadEntry[], folder: string): void {
  for (const entry of entries) {
    const target = path.join(folder, entry.name);
    mkdirSync(entry.type === 'directory' ? target : path.dirname(target), { recursive: true });
    if (entry.type === 'file') {
      writeFileSync(target, entry.data);
      chmodSync(target, entry.mode);
    } else if (entry.type === 'symlink') symlinkSync(entry.linkTarget!, target);
  }
}

export function listFiles(folder: string, prefix = ''): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((child) =>
    child.isDirectory() ? listFiles(path.join(folder, child.name), `${prefix}${child.name}/`) : [`${prefix}${child.name}`],
  );
}
