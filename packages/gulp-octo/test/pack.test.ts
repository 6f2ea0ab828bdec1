import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buffer as readAll } from 'node:stream/consumers';
import type Vinyl from 'vinyl';
import octo, { pack, push } from '../src/index.js';
import { readArchive } from '../../../test/helpers/archive-reader.js';
import { interruptWhen } from '../../../test/helpers/interrupt.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';
import { fakeStat, run, vinyl } from './vinyl-files.js';

const when = new Date('2020-05-05T05:05:05Z');
const later = new Date('2021-01-01T00:00:00Z');

/** A build as gulp.src would hand it over: buffers, a stream, an executable, binary bytes, an empty folder, a link. */
function build(base: string): Vinyl[] {
  const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe, 0x80]);
  return [
    vinyl(base, 'index.html', Buffer.from('<h1>hi</h1>'), fakeStat('file', 0o100644, when)),
    vinyl(base, 'bin/start.sh', Buffer.from('#!/bin/sh\n'), fakeStat('file', 0o100755, when)),
    vinyl(base, 'img/logo.png', binary, fakeStat('file', 0o100600, later)),
    vinyl(base, 'data/stream.txt', Readable.from([Buffer.from('from a '), Buffer.from('stream')]), fakeStat('file', 0o100640, when)),
    vinyl(base, 'empty', null, fakeStat('directory', 0o040700, when)),
    vinyl(base, 'bin/start', null, fakeStat('symlink', 0o120777, when), 'start.sh'),
  ];
}

async function contentsOf(file: Vinyl): Promise<Buffer> {
  return file.isBuffer() ? file.contents : readAll(file.contents as Readable);
}

describe('gulp-octo pack()', () => {
  const tmp = useTempDir();

  for (const format of ['zip', 'tar.gz'] as const) {
    it(`packs buffers, streams, folders and links into one ${format}, entry by entry`, async () => {
      const base = path.join(tmp.path, 'dist');
      const [output, ...rest] = await run(pack({ id: 'Acme.Web', version: '1.2.3', format }), build(base));
      assert.equal(rest.length, 0, 'one package comes out');
      assert.ok(output!.isBuffer());
      assert.equal(output!.relative, `Acme.Web.1.2.3.${format}`);
      assert.equal(output!.base, base);
      const file = path.join(tmp.path, output!.basename);
      writeFileSync(file, output!.contents as Buffer);
      const entries = new Map((await readArchive(file)).map((entry) => [entry.name, entry]));
      const expect = (name: string, data: string | Buffer, mode: number, mtime = when): void => {
        const entry = entries.get(name);
        assert.ok(entry, `${name} is in the package`);
        assert.deepEqual(entry.data, Buffer.from(data), `${name} bytes`);
        assert.equal(entry.mode, mode, `${name} mode`);
        assert.equal(entry.mtime, mtime.getTime() / 1000, `${name} mtime`);
      };
      expect('index.html', '<h1>hi</h1>', 0o644);
      expect('bin/start.sh', '#!/bin/sh\n', 0o755);
      expect('img/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe, 0x80]), 0o600, later);
      expect('data/stream.txt', 'from a stream', 0o640);
      assert.equal(entries.get('empty')?.type, 'directory');
      assert.equal(entries.get('empty')?.mode, 0o700);
      assert.equal(entries.get('bin/start')?.type, 'symlink');
      assert.equal(entries.get('bin/start')?.linkTarget, 'start.sh');
      assert.deepEqual([...entries.keys()], [...entries.keys()].sort(), 'entries are sorted');
    });
  }

  it('emits stream contents with buffer: false, the same bytes as buffer mode with a fixed mtime', async () => {
    const base = path.join(tmp.path, 'dist');
    const options = { id: 'Acme.Web', version: '1.0.0', mtime: '1600000000' };
    const [buffered] = await run(pack(options), build(base));
    const [streamed] = await run(pack({ ...options, buffer: false }), build(base));
    assert.ok(streamed!.isStream());
    assert.deepEqual(await contentsOf(streamed!), buffered!.contents);
  });

  it('keeps the original pack(type, options) form and the default export', async () => {
    const base = path.join(tmp.path, 'dist');
    const [output] = await run(octo.pack('targz', { id: 'Legacy', version: '0.0.1' }), [vinyl(base, 'a.txt', Buffer.from('a'))]);
    assert.equal(output!.basename, 'Legacy.0.0.1.tar.gz');
    assert.equal(octo.pack, pack);
    assert.equal(typeof octo.push, 'function');
  });

  it('takes id and version from the nearest package.json above the files', async () => {
    const base = path.join(tmp.path, 'app', 'dist');
    mkdirSync(base, { recursive: true });
    writeFileSync(path.join(tmp.path, 'app', 'package.json'), JSON.stringify({ name: '@acme/shop', version: '3.1.4' }));
    const [output] = await run(pack(), [vinyl(base, 'a.txt', Buffer.from('a'))]);
    assert.equal(output!.basename, 'acme.shop.3.1.4.zip');
    const [explicit] = await run(pack({ version: '9.9.9' }), [vinyl(base, 'a.txt', Buffer.from('a'))]);
    assert.equal(explicit!.basename, 'acme.shop.9.9.9.zip');
  });

  it('emits nothing for no input', async () => {
    assert.deepEqual(await run(pack({ id: 'Empty', version: '1.0.0' }), []), []);
  });

  it('spools buffered files past memoryLimit and still packs them byte for byte', async () => {
    const base = path.join(tmp.path, 'dist');
    const files = Array.from({ length: 50 }, (_, index) => vinyl(base, `f${index}.bin`, Buffer.alloc(1000, index)));
    const [output] = await run(pack({ id: 'Big', version: '1.0.0', format: 'tar', memoryLimit: 4096 }), files);
    const file = path.join(tmp.path, 'big.tar');
    writeFileSync(file, output!.contents as Buffer);
    const entries = await readArchive(file);
    assert.equal(entries.length, 50);
    for (const entry of entries) assert.deepEqual(entry.data, Buffer.alloc(1000, Number(entry.name.slice(1, -4))));
  });

  describe('errors', () => {
    it('throws a PluginError when the stream is made with a bad option', () => {
      for (const options of [{ format: 'rar' }, { version: 'one' }, { id: 'bad id!' }, { compressionLevel: 12 }]) {
        assert.throws(
          () => pack(options as never),
          (error: { plugin: string; code: string; message: string }) => {
            assert.equal(error.plugin, 'gulp-octo');
            assert.match(error.code, /^ERR_OCTO_/);
            return true;
          },
          JSON.stringify(options),
        );
      }
    });

    it('emits a PluginError, with the hint, when there is no package.json to take the id from', async () => {
      const base = path.join('/', 'nonexistent-octo-test', 'dist');
      await assert.rejects(
        run(pack(), [vinyl(base, 'a.txt', Buffer.from('a'))]),
        (error: { plugin: string; code: string; message: string }) => {
          assert.equal(error.plugin, 'gulp-octo');
          assert.equal(error.code, 'ERR_OCTO_PACKAGE_JSON_MISSING');
          assert.match(error.message, /Give the id and version options/);
          return true;
        },
      );
    });

    it('leaves no spooled copy of the build behind when the run fails', async () => {
      const base = path.join(tmp.path, 'dist');
      const before = new Set(readdirSync(os.tmpdir()));
      const files = Array.from({ length: 10 }, (_, index) => vinyl(base, `f${index}.bin`, Buffer.alloc(1000, index)));
      files.push(vinyl(base, 'evil', null, fakeStat('symlink', 0o120777, when), '/etc/passwd'));
      await assert.rejects(run(pack({ id: 'A', version: '1.0.0', memoryLimit: 2000 }), files), { code: 'ERR_OCTO_SYMLINK_OUTSIDE' });
      assert.deepEqual(
        readdirSync(os.tmpdir()).filter((name) => !before.has(name) && name.startsWith('octojs-spool-')),
        [],
      );
    });

    it('emits a PluginError for a link that leads out of the package', async () => {
      const base = path.join(tmp.path, 'dist');
      const link = vinyl(base, 'evil', null, fakeStat('symlink', 0o120777, when), '../../etc/passwd');
      await assert.rejects(run(pack({ id: 'A', version: '1.0.0' }), [link]), { plugin: 'gulp-octo', code: 'ERR_OCTO_SYMLINK_OUTSIDE' });
    });
  });
});

describe('gulp-octo pack(): bad input', () => {
  const tmp = useTempDir();
  // gulp itself, as a gulpfile uses it (typed loosely: gulp ships no types).
  const gulp = createRequire(import.meta.url)('gulp') as {
    src(globs: string, options?: object): NodeJS.ReadableStream;
  };
  const through = async (source: NodeJS.ReadableStream, plugin: Transform): Promise<Vinyl[]> => {
    const out = plugin.toArray() as Promise<Vinyl[]>;
    await pipeline(source, plugin as unknown as NodeJS.WritableStream).catch((error: unknown) => {
      plugin.destroy(error as Error);
    });
    return out;
  };

  it('refuses options that are not options, and unknown ones with the near miss', () => {
    for (const [value, option] of [
      [123, undefined],
      [true, undefined],
      [{ formt: 'zip' }, 'formt'],
      [{ memoryLimit: '1' }, 'memoryLimit'],
      [{ followExternalSymlinks: 'yes' }, 'followExternalSymlinks'],
    ] as const) {
      assert.throws(
        () => pack(value as never),
        (error: { plugin: string; code: string; message: string }) => {
          assert.equal(error.plugin, 'gulp-octo');
          assert.equal(error.code, 'ERR_OCTO_INVALID_OPTION');
          if (option) assert.match(error.message, new RegExp(`\`${option}\``));
          if (option === 'formt') assert.match(error.message, /`format`/);
          return true;
        },
        JSON.stringify(value),
      );
    }
    assert.throws(() => pack('zip', { verison: '1.0.0' } as never), { code: 'ERR_OCTO_INVALID_OPTION' });
  });

  it('a binary that gulp 5 read as UTF-8 fails, naming the file and `encoding: false`; read as bytes it packs intact', async () => {
    const src = path.join(tmp.path, 'src');
    mkdirSync(src);
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0x00, 0x80, 0xc3]);
    writeFileSync(path.join(src, 'logo.png'), binary);
    writeFileSync(path.join(src, 'app.js'), 'let x = 1;  // ünïcödé\n');
    await assert.rejects(
      through(gulp.src(`${src}/**`), pack({ id: 'Img', version: '1.0.0' })),
      (error: { plugin: string; code: string; message: string; fileName: string }) => {
        assert.equal(error.plugin, 'gulp-octo');
        assert.equal(error.code, 'ERR_OCTO_UNREADABLE_FILE');
        assert.match(error.message, /logo\.png/);
        assert.match(error.message, /encoding: false/);
        return true;
      },
    );
    const [output] = await through(gulp.src(`${src}/**`, { encoding: false }), pack({ id: 'Img', version: '1.0.0' }));
    const file = path.join(tmp.path, 'img.zip');
    writeFileSync(file, output!.contents as Buffer);
    const entries = new Map((await readArchive(file)).map((entry) => [entry.name, entry]));
    assert.deepEqual(entries.get('logo.png')?.data, binary);
    assert.equal(entries.get('app.js')?.data.toString(), 'let x = 1;  // ünïcödé\n');
  });

  it('contents a plugin changed on purpose (a minifier) are packed as they are', async () => {
    const src = path.join(tmp.path, 'src');
    mkdirSync(src);
    writeFileSync(path.join(src, 'app.js'), 'let   x   =   1;\n');
    const minify = new Transform({
      objectMode: true,
      transform(file: Vinyl, _encoding, done) {
        file.contents = Buffer.from((file.contents as Buffer).toString().replace(/\s+/g, ''));
        done(null, file);
      },
    });
    const [output] = await through(gulp.src(`${src}/*.js`).pipe(minify), pack({ id: 'Min', version: '1.0.0' }));
    const file = path.join(tmp.path, 'min.zip');
    writeFileSync(file, output!.contents as Buffer);
    assert.equal((await readArchive(file)).find((entry) => entry.name === 'app.js')?.data.toString(), 'letx=1;');
  });

  it('followExternalSymlinks packs what a link from gulp.src({ resolveSymlinks: false }) points to, as its hint says', async () => {
    const src = path.join(tmp.path, 'src');
    mkdirSync(src);
    writeFileSync(path.join(tmp.path, 'shared.txt'), 'shared');
    symlinkSync('../shared.txt', path.join(src, 'shared.txt'));
    symlinkSync('shared.txt', path.join(src, 'inside'));
    const read = (): NodeJS.ReadableStream => gulp.src(`${src}/*`, { resolveSymlinks: false, encoding: false });
    await assert.rejects(through(read(), pack({ id: 'Links', version: '1.0.0' })), (error: { code: string; message: string }) => {
      assert.equal(error.code, 'ERR_OCTO_SYMLINK_OUTSIDE');
      assert.match(error.message, /followExternalSymlinks/);
      return true;
    });
    const [output] = await through(read(), pack({ id: 'Links', version: '1.0.0', format: 'tar', followExternalSymlinks: true }));
    const file = path.join(tmp.path, 'links.tar');
    writeFileSync(file, output!.contents as Buffer);
    const entries = new Map((await readArchive(file)).map((entry) => [entry.name, entry]));
    assert.equal(entries.get('shared.txt')?.type, 'file');
    assert.equal(entries.get('shared.txt')?.data.toString(), 'shared');
    assert.equal(entries.get('inside')?.type, 'symlink', 'a link that stays inside stays a link');
    assert.equal(entries.get('inside')?.linkTarget, 'shared.txt');
  });

  it('an error reaches every stage piped after pack(), through push(), as gulp watches only the last one', async () => {
    const base = path.join(tmp.path, 'odd');
    const packer = pack({ id: 'Odd', version: '1.0.0' });
    const last = new PassThrough({ objectMode: true });
    packer.pipe(push({ server: 'http://127.0.0.1:9', apiKey: 'API-NEVERSENT000000000000000' })).pipe(last);
    const failed = new Promise<Error & { code?: string }>((resolve) => last.once('error', resolve));
    packer.end(vinyl(base, 'c:d', Buffer.from('x'), fakeStat('file', 0o100644, when)));
    const error = await failed;
    assert.equal(error.code, 'ERR_OCTO_INVALID_ENTRY');
    assert.match(error.message, /"c:d" cannot be an entry name[^]*\[ERR_OCTO_INVALID_ENTRY\]/);
  });
});

describe('gulp-octo pack(): interrupted', function () {
  if (process.platform === 'win32') return;
  this.timeout(60_000);
  const tmp = useTempDir();

  it('SIGINT while the package is written removes the spool and the temporary package, and the process ends by SIGINT', async () => {
    const temp = path.join(tmp.path, 'tmp');
    mkdirSync(temp);
    const script = path.join(tmp.path, 'gulp-child.mts');
    writeFileSync(
      script,
      `import { readdirSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import Vinyl from ${JSON.stringify(createRequire(import.meta.url).resolve('vinyl'))};
import { pack } from ${JSON.stringify(path.resolve('packages/gulp-octo/src/index.ts'))};
const plugin = pack({ id: 'Spool', version: '1.0.0', memoryLimit: 0 });
plugin.resume();
const base = '/virtual/dist';
for (let index = 0; index < 20; index++) plugin.write(new Vinyl({ cwd: base, base, path: base + '/f' + index, contents: Buffer.alloc(65536, index) }));
const endless = new PassThrough();
endless.write(Buffer.alloc(1024));
plugin.write(new Vinyl({ cwd: base, base, path: base + '/endless.bin', contents: endless }));
plugin.end();
const timer = setInterval(() => {
  const names = readdirSync(process.env.TMPDIR!);
  if (names.some((name) => name.startsWith('octojs-spool-')) && names.some((name) => name.startsWith('gulp-octo-'))) {
    clearInterval(timer);
    console.log('started');
  }
}, 10);
`,
    );
    const ended = await interruptWhen(script, 'started', 'SIGINT', { env: { TMPDIR: temp } });
    assert.equal(ended.signal, 'SIGINT', `ended by the signal (code ${ended.code}, stderr ${ended.stderr})`);
    assert.deepEqual(
      readdirSync(temp).filter((name) => name.startsWith('octojs-') || name.startsWith('gulp-octo-')),
      [],
    );
  });
});
