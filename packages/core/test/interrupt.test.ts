import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pack } from '../src/index.js';
import { interruptWhen } from '../../../test/helpers/interrupt.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';

const core = path.resolve('packages/core/src/index.ts');

/** A child that packs `app` into `out` slowly (each entry waits 20 ms), saying `started` once the package is being written. */
function packScript(folder: string): string {
  const script = path.join(folder, 'pack-child.mts');
  writeFileSync(
    script,
    `import { pack } from ${JSON.stringify(core)};
const pause = new Int32Array(new SharedArrayBuffer(4));
await pack({
  basePath: process.env.APP!, id: 'Slow', version: '1.0.0', format: process.env.FORMAT as 'zip', outFolder: process.env.OUT!,
  onEntry: (_entry, index) => {
    if (index === 3) console.log('started');
    Atomics.wait(pause, 0, 0, 20); // a slow input: the signal lands mid-way
  },
});
console.log('finished');
`,
  );
  return script;
}

/** A child that spools buffers through a builder, then writes it with a stream that never ends. */
function builderScript(folder: string): string {
  const script = path.join(folder, 'builder-child.mts');
  writeFileSync(
    script,
    `import { PassThrough } from 'node:stream';
import { readdirSync } from 'node:fs';
import { createPackage } from ${JSON.stringify(core)};
const builder = createPackage({ id: 'Spool', version: '1.0.0', memoryLimit: 0 });
for (let index = 0; index < 20; index++) builder.addBuffer('b/' + index, Buffer.alloc(64 * 1024, index));
await builder.drained();
const endless = new PassThrough();
endless.write(Buffer.alloc(1024));
builder.addStream('endless.bin', endless);
const timer = setInterval(() => {
  const writing = readdirSync(process.env.OUT!).some((name) => name.endsWith('.partial'));
  const spooled = readdirSync(process.env.TMPDIR!).some((name) => name.startsWith('octojs-spool-'));
  if (writing && spooled) {
    clearInterval(timer);
    console.log('started');
  }
}, 10);
await builder.toFile(process.env.OUT!);
`,
  );
  return script;
}

describe('interrupted packing leaves nothing behind', function () {
  if (process.platform === 'win32') return;
  this.timeout(60_000);
  const tmp = useTempDir();

  const makeApp = (): string => {
    const app = path.join(tmp.path, 'app');
    mkdirSync(app);
    for (let index = 0; index < 200; index++)
      writeFileSync(path.join(app, `f${String(index).padStart(3, '0')}.txt`), `file ${index}\n`.repeat(200));
    return app;
  };

  for (const [signal, format] of [
    ['SIGINT', 'zip'],
    ['SIGTERM', 'tar.gz'],
  ] as const) {
    it(`${signal} during pack() (${format}) removes the .partial package, and the process ends by ${signal}`, async () => {
      const app = makeApp();
      const out = path.join(tmp.path, 'out');
      const ended = await interruptWhen(packScript(tmp.path), 'started', signal, { env: { APP: app, OUT: out, FORMAT: format } });
      assert.equal(ended.signal, signal, `ended by the signal (code ${ended.code}, stderr ${ended.stderr})`);
      assert.ok(!ended.stdout.includes('finished'), 'it was interrupted mid-way');
      assert.ok(existsSync(out), 'the out folder was made');
      assert.deepEqual(readdirSync(out), [], 'no .partial, no package');
    });
  }

  it('SIGINT during a builder write removes the .partial package and the spool folder', async () => {
    const out = path.join(tmp.path, 'out');
    const temp = path.join(tmp.path, 'tmp');
    mkdirSync(out);
    mkdirSync(temp);
    const ended = await interruptWhen(builderScript(tmp.path), 'started', 'SIGINT', { env: { OUT: out, TMPDIR: temp } });
    assert.equal(ended.signal, 'SIGINT', `ended by the signal (code ${ended.code}, stderr ${ended.stderr})`);
    assert.deepEqual(readdirSync(out), [], 'no .partial left');
    // (tsx keeps its cache there too.)
    assert.deepEqual(
      readdirSync(temp).filter((name) => name.startsWith('octojs-')),
      [],
      'no spool folder left',
    );
  });

  it('a pack killed outright leaves its .partial, and the next pack of that package removes it (not a live one)', async () => {
    const app = makeApp();
    const out = path.join(tmp.path, 'out');
    const killed = await interruptWhen(packScript(tmp.path), 'started', 'SIGKILL', { env: { APP: app, OUT: out, FORMAT: 'zip' } });
    assert.equal(killed.signal, 'SIGKILL');
    const left = readdirSync(out);
    assert.equal(left.length, 1);
    assert.match(left[0]!, /^\.Slow\.1\.0\.0\.zip\.\d+-[0-9a-f]+\.partial$/);
    // An old-style partial, long untouched; one of a live process; one of another package.
    const old = path.join(out, '.Slow.1.0.0.zip.0123456789ab.partial');
    writeFileSync(old, 'old');
    utimesSync(old, new Date('2020-01-01'), new Date('2020-01-01'));
    const live = '.Slow.1.0.0.zip.1-aa.partial'; // pid 1 is always alive
    writeFileSync(path.join(out, live), 'being written elsewhere');
    writeFileSync(path.join(out, '.Other.1.0.0.zip.1-aa.partial'), 'another package');
    const result = await pack({ basePath: app, id: 'Slow', version: '1.0.0', outFolder: out });
    assert.deepEqual(readdirSync(out).sort(), ['.Other.1.0.0.zip.1-aa.partial', live, result.fileName].sort());
  });
});
