import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { readArchive } from '../../../test/helpers/archive-reader.js';
import { ROOT } from '../../../test/helpers/run-command.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';
import { extract, makeNpmProject, write } from './helpers/npm-project.js';

/** The code blocks of the core README marked `<!-- example: name -->`, by name. */
function readmeExamples(): Map<string, string> {
  const readme = readFileSync(path.join(ROOT, 'packages/core/README.md'), 'utf8');
  const examples = new Map<string, string>();
  for (const match of readme.matchAll(/<!-- example: ([\w. -]+) -->\n```\w*\n([\s\S]*?)```/g)) examples.set(match[1]!, match[2]!);
  return examples;
}

/** A `next` stand-in: `next start` reports whether the build it would serve is there. */
const NEXT = {
  name: 'next',
  files: {
    'index.js': 'module.exports = {};\n',
    'cli.js':
      "#!/usr/bin/env node\nconst fs = require('fs');\nconsole.log('next ' + process.argv[2] + ': ' + fs.readFileSync('.next/BUILD_ID', 'utf8'));\n",
  },
  bin: { next: 'cli.js' },
};

describe("the core README's recommended setups, run as written", () => {
  // Inside the repository, so that the examples' `import '@octojs/core'` finds the built package as a user's would.
  const tmp = useTempDir('readme-', path.join(ROOT, 'tmp'));
  const examples = readmeExamples();
  let installed: string;
  before(function () {
    this.timeout(120_000);
    // before() runs ahead of useTempDir's beforeEach, so tmp/ may not exist yet (a clean clone).
    mkdirSync(path.join(ROOT, 'tmp'), { recursive: true });
    installed = mkdtempSync(path.join(ROOT, 'tmp', 'readme-npm-'));
    makeNpmProject(installed, [NEXT]);
  });
  after(() => rmSync(installed, { recursive: true, force: true }));

  const setups: Record<string, { start: string; files: Record<string, string>; expect: RegExp; absent: string[] }> = {
    express: {
      start: 'node server.js',
      files: { 'test/app.test.js': '', 'README.md': '', coverage: '', '.env': 'X=1' },
      expect: /^prod-dep works\nMODULE_NOT_FOUND\n$/,
      absent: ['test/app.test.js', 'README.md', '.env', 'node_modules/dev-dep/index.js'],
    },
    dist: {
      start: 'node dist/server.js',
      files: { 'src/server.ts': '', 'tsconfig.json': '{}' },
      expect: /^prod-dep works\nMODULE_NOT_FOUND\n$/,
      absent: ['src/server.ts', 'tsconfig.json', 'server.js', 'node_modules/dev-dep/index.js'],
    },
    'dist-root': {
      start: 'node server.js',
      files: { 'src/server.ts': '' },
      expect: /^prod-dep works\nMODULE_NOT_FOUND\n$/,
      absent: ['src/server.ts', 'dist/server.js', 'node_modules/dev-dep/index.js'],
    },
    next: {
      start: 'next start',
      files: {
        '.next/BUILD_ID': 'build-42',
        '.next/cache/big.bin': 'x',
        'public/logo.svg': '',
        'next.config.js': '',
        'pages/index.js': '',
      },
      expect: /^next start: build-42\n$/,
      absent: ['.next/cache/big.bin', 'pages/index.js', 'node_modules/dev-dep/index.js'],
    },
  };

  for (const [name, setup] of Object.entries(setups)) {
    it(`${name}: the package it makes starts with npm start`, async () => {
      const code = examples.get(name);
      assert.ok(code, `the README has the ${name} example`);
      cpSync(installed, tmp.path, { recursive: true, verbatimSymlinks: true });
      const project = path.join(tmp.path, 'project');
      const json = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      write(path.join(project, 'package.json'), { ...json, scripts: { start: setup.start } });
      write(path.join(project, 'server.js'), readFileSync(path.join(project, 'dist/server.js'), 'utf8'));
      for (const [file, data] of Object.entries(setup.files)) write(path.join(project, file), data);
      const ignore = examples.get(`${name} .octopusignore`);
      if (ignore !== undefined) write(path.join(project, '.octopusignore'), ignore);
      write(path.join(project, 'example.mjs'), code);
      execFileSync(process.execPath, ['example.mjs'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });

      const [packageFile] = readdirSync(path.join(project, 'bin'));
      const entries = await readArchive(path.join(project, 'bin', packageFile!));
      const names = entries.map((entry) => entry.name);
      for (const file of setup.absent) assert.ok(!names.includes(file), `${file} is not in the package`);
      const unpacked = path.join(tmp.path, 'unpacked');
      extract(entries, unpacked);
      const started = execFileSync('npm', ['start', '--silent'], { cwd: unpacked, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      assert.match(started, setup.expect);
    });
  }
});
