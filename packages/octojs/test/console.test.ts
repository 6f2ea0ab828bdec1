import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { PackPlan } from '@octojs/core';
import { planEntry, printPlan } from '../src/commands/pack.js';
import { Console, type Streams } from '../src/output/console.js';
import { UploadProgress } from '../src/output/progress.js';

/** A terminal that keeps what is written to it. */
function terminal(isTTY: boolean, env: NodeJS.ProcessEnv = { NO_COLOR: '1' }): Streams & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (write: (text: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        write(chunk.toString());
        done();
      },
    });
  const stderr = Object.assign(
    sink((text) => (err += text)),
    { isTTY, columns: 200 },
  );
  return { stdout: sink((text) => (out += text)), stderr, env, out: () => out, err: () => err };
}

describe('octojs output', () => {
  it('names each upload in flight with its own bytes and total', () => {
    const progress = new UploadProgress();
    progress.update('A.1.0.0.zip', 0, 4096, 0);
    progress.update('B.1.0.0.zip', 0, 1024 * 1024, 0);
    progress.update('A.1.0.0.zip', 2048, 4096, 1000);
    progress.update('B.1.0.0.zip', 512 * 1024, 1024 * 1024, 1000);
    const line = progress.render(200, 1000);
    assert.match(line, /^uploading A\.1\.0\.0\.zip 2\.0 KB\/4\.0 KB 50% · B\.1\.0\.0\.zip 512(\.0)? KB\/1\.0 MB 50%$/);
    progress.done('A.1.0.0.zip');
    assert.match(progress.render(200, 1000), /^uploading B\.1\.0\.0\.zip \[#{10}-{10}\] /);
    assert.ok(progress.render(20, 1000).length <= 20);
  });

  it('says when a delta is uploaded, and starts again when it falls back to the whole package', () => {
    const progress = new UploadProgress();
    progress.update('A.1.0.1.zip', 1024, 2048, 0, 'delta');
    assert.match(progress.render(200, 1000), /^uploading delta A\.1\.0\.1\.zip \[#{10}-{10}\] 1\.0 KB\/2\.0 KB 50% /);
    progress.update('A.1.0.1.zip', 0, 4096, 2000, 'full');
    assert.match(progress.render(200, 2000), /^uploading A\.1\.0\.1\.zip \[-{20}\] 0 B\/4\.0 KB 0% /);
  });

  it('puts the delta, bytes sent and share saved in the result line', () => {
    const io = terminal(false);
    const output = new Console('table', 'normal', io);
    const entry = {
      file: '/b/A.1.0.1.zip',
      fileName: 'A.1.0.1.zip',
      packageId: 'A',
      version: '1.0.1',
      size: 100_000,
      sha1: null,
      outcome: 'created' as const,
      seconds: 1,
      warnings: [],
    };
    output.result({ ...entry, method: 'delta', bytesSent: 1000, baseVersion: '1.0.0' });
    output.result({ ...entry, method: 'full', bytesSent: 100_000, fullUploadReason: 'no-base-version' });
    output.result({ ...entry, method: 'full', bytesSent: 100_000 });
    assert.deepEqual(io.err().split('\n'), [
      'created A.1.0.1.zip  97.7 KB  delta from 1.0.0: 1000 B sent, 99% saved  1.0s',
      'created A.1.0.1.zip  97.7 KB  full upload (delta not used: no-base-version)  1.0s',
      'created A.1.0.1.zip  97.7 KB  1.0s',
      '',
    ]);
  });

  it('ends the progress line cleanly on Ctrl-C', () => {
    const io = terminal(true);
    const output = new Console('table', 'normal', io);
    assert.equal(output.progress, true);
    output.uploadProgress('A.1.0.0.zip', 10, 100);
    const clear = '\r\u001b[K';
    assert.ok(io.err().startsWith(`${clear}uploading A.1.0.0.zip`), JSON.stringify(io.err()));
    output.interrupted('SIGINT');
    assert.ok(io.err().endsWith(`${clear}interrupted by SIGINT\n`), JSON.stringify(io.err()));
  });

  it('draws no progress without a TTY, in CI, with --json or --quiet', () => {
    assert.equal(new Console('table', 'normal', terminal(false)).progress, false);
    assert.equal(new Console('table', 'normal', terminal(true, { CI: 'true' })).progress, false);
    assert.equal(new Console('json', 'normal', terminal(true)).progress, false);
    assert.equal(new Console('table', 'quiet', terminal(true)).progress, false);
  });

  it("prints each entry's reason and the excluded list in a verbose dry run, when core gives them", () => {
    const plan = {
      id: 'App',
      version: '1.0.0',
      name: 'App.1.0.0.zip',
      format: 'zip',
      path: '/nowhere/App.1.0.0.zip',
      compressionLevel: 6,
      entries: [
        {
          name: 'index.js',
          type: 'file',
          source: { kind: 'path', path: '/x/index.js', size: 3 },
          reason: 'package.json "files": index.js',
        },
      ],
      excluded: [{ path: 'notes.md', reason: '.octopusignore: *.md' }],
    } as unknown as PackPlan;
    const entry = planEntry(plan, false);
    assert.deepEqual(entry.contents, [{ name: 'index.js', type: 'file', size: 3, reason: 'package.json "files": index.js' }]);
    assert.deepEqual(entry.excluded, [{ path: 'notes.md', reason: '.octopusignore: *.md' }]);
    const io = terminal(false);
    printPlan(new Console('table', 'verbose', io), entry);
    assert.equal(io.out(), 'index.js  (package.json "files": index.js)\n');
    assert.match(io.err(), /^ {2}excluded notes\.md {2}\(\.octopusignore: \*\.md\)\n/);
    assert.match(
      io.err(),
      /would pack App\.1\.0\.0\.zip: 1 files, 1 entries, 3 B before compression; would write \/nowhere\/App\.1\.0\.0\.zip/,
    );
    const plain = terminal(false);
    printPlan(new Console('table', 'normal', plain), entry);
    assert.equal(plain.out(), 'index.js\n');
  });
});
