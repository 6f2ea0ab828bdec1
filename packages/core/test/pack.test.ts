import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { pack, planPackage } from '../src/index.js';
import { readArchive, type ReadEntry } from '../../../test/helpers/archive-reader.js';
import { makeAppTree } from '../../../test/helpers/app-tree.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';

function hasTool(tool: string): boolean {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const byName = (entries: ReadEntry[]): Map<string, ReadEntry> => new Map(entries.map((entry) => [entry.name, entry]));

describe('pack()', () => {
  const tmp = useTempDir();

  for (const format of ['zip', 'tar.gz', 'tgz', 'tar'] as const) {
    it(`round-trips an app tree as ${format}: names, bytes, modes, mtimes, links, empty folders`, async () => {
      const app = path.join(tmp.path, 'app');
      const files = makeAppTree(app);
      const result = await pack({ basePath: app, format, outFolder: path.join(tmp.path, 'out') });
      assert.equal(result.name, `acme.web-app.1.2.3.${format}`);
      assert.equal(result.id, 'acme.web-app');
      assert.equal(result.version, '1.2.3');
      assert.equal(result.path, path.join(tmp.path, 'out', result.name));
      const bytes = readFileSync(result.path);
      assert.equal(result.size, bytes.length);
      assert.equal(result.sha1, createHash('sha1').update(bytes).digest('hex'));

      const entries = await readArchive(result.path);
      assert.equal(result.entries, entries.length);
      const names = entries.map((entry) => entry.name);
      assert.deepEqual(
        names,
        [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
        'entries are sorted',
      );
      for (const name of names) {
        assert.ok(!name.startsWith('/') && !name.split('/').includes('..') && !name.includes('\\'), `safe name ${name}`);
      }
      const read = byName(entries);
      for (const [name, file] of files) {
        const entry = read.get(name);
        assert.ok(entry, `${name} is in the package`);
        assert.equal(entry.type, 'file');
        assert.ok(entry.data.equals(file.data), `${name} bytes`);
        assert.equal(entry.mode, file.mode, `${name} mode`);
        assert.equal(entry.mtime, Date.parse('2021-06-01T12:00:00Z') / 1000, `${name} mtime`);
      }
      assert.equal(read.get('empty/nested')?.type, 'directory', 'empty folders are kept');
      assert.equal(read.get('bin')?.type, 'directory');
      assert.equal(read.get('bin')?.mode, 0o755);
      const link = read.get('bin/server-link.js');
      assert.equal(link?.type, 'symlink');
      assert.equal(link?.linkTarget, '../server.js');

      if (format === 'zip' && hasTool('unzip')) execFileSync('unzip', ['-t', '-q', result.path]);
      if (format !== 'zip' && hasTool('tar')) {
        const listed = execFileSync('tar', [format === 'tar' ? '-tf' : '-tzf', result.path]).toString();
        assert.match(listed, /public\/ünïcödé-名前\.txt/);
      }
    });
  }

  it('sets the UTF-8 flag on every zip entry', async () => {
    const app = path.join(tmp.path, 'app');
    makeAppTree(app);
    const result = await pack({ basePath: app, outFolder: path.join(tmp.path, 'out') });
    const bytes = readFileSync(result.path);
    let count = 0;
    for (let offset = bytes.indexOf('PK\x01\x02', 0, 'latin1'); offset !== -1; offset = bytes.indexOf('PK\x01\x02', offset + 4, 'latin1')) {
      assert.ok(bytes.readUInt16LE(offset + 8) & 0x0800, 'general purpose bit 11');
      count++;
    }
    assert.equal(count, result.entries);
  });

  for (const format of ['zip', 'tar.gz'] as const) {
    it(`is byte-identical for the same tree with a fixed mtime (${format}), and honours SOURCE_DATE_EPOCH`, async () => {
      const app = path.join(tmp.path, 'app');
      makeAppTree(app);
      const first = await pack({ basePath: app, format, outFolder: path.join(tmp.path, 'a'), mtime: new Date('2020-01-01T00:00:00Z') });
      const second = await pack({ basePath: app, format, outFolder: path.join(tmp.path, 'b'), mtime: '1577836800' });
      assert.equal(first.sha1, second.sha1);
      process.env.SOURCE_DATE_EPOCH = '1577836800';
      try {
        const third = await pack({ basePath: app, format, outFolder: path.join(tmp.path, 'c') });
        assert.equal(third.sha1, first.sha1);
      } finally {
        delete process.env.SOURCE_DATE_EPOCH;
      }
      const entries = await readArchive(first.path);
      assert.ok(entries.every((entry) => entry.mtime === 1577836800));
    });
  }

  it('never writes zip times before 1980', async () => {
    const app = path.join(tmp.path, 'app');
    makeAppTree(app);
    const result = await pack({ basePath: app, outFolder: path.join(tmp.path, 'out'), mtime: new Date(0) });
    const bytes = readFileSync(result.path);
    const offset = bytes.indexOf('PK\x01\x02', 0, 'latin1');
    const dosDate = bytes.readUInt16LE(offset + 14);
    assert.ok(dosDate >> 9 >= 0, 'year offset from 1980');
    assert.equal(dosDate, (0 << 9) | (1 << 5) | 1, '1980-01-01');
  });

  it('stores at level 0 and compresses more at 9', async () => {
    const app = path.join(tmp.path, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'text.txt'), 'hello world, '.repeat(100_000));
    const stored = await pack({ basePath: app, id: 'App', version: '1.0.0', outFolder: path.join(tmp.path, 's'), compressionLevel: 0 });
    const best = await pack({ basePath: app, id: 'App', version: '1.0.0', outFolder: path.join(tmp.path, 'b'), compressionLevel: 9 });
    assert.ok(stored.size > 1_300_000);
    assert.ok(best.size < 20_000);
    for (const file of [stored.path, best.path])
      assert.equal((await readArchive(file))[0]!.data.toString(), 'hello world, '.repeat(100_000));
  });

  it('includes and excludes with globs, keeps dotfiles, never packs .git or its own out folder', async () => {
    const app = path.join(tmp.path, 'app');
    makeAppTree(app);
    mkdirSync(path.join(app, '.git'));
    writeFileSync(path.join(app, '.git/HEAD'), 'ref');
    writeFileSync(path.join(app, 'bin/old.1.0.0.zip'), 'old package');
    const result = await pack({ basePath: app, outFolder: path.join(app, 'bin'), exclude: ['data/**', '**/*.png'] });
    const names = (await readArchive(result.path)).map((entry) => entry.name);
    assert.ok(names.includes('.env.example'));
    assert.ok(!names.some((name) => name.startsWith('.git/') || name === '.git'));
    assert.ok(!names.some((name) => name.startsWith('data')));
    assert.ok(!names.includes('public/logo.png'));
    assert.ok(!names.some((name) => name.startsWith('bin')), 'the out folder is not packed into itself');
    const only = await pack({ basePath: app, outFolder: path.join(tmp.path, 'o'), include: ['public/**', 'package.json'] });
    const onlyNames = (await readArchive(only.path)).filter((entry) => entry.type === 'file').map((entry) => entry.name);
    assert.deepEqual(onlyNames, ['package.json', 'public/logo.png', 'public/ünïcödé-名前.txt']);
  });

  it('refuses to overwrite unless asked, and replaces when asked', async () => {
    const app = path.join(tmp.path, 'app');
    makeAppTree(app);
    const out = path.join(tmp.path, 'out');
    await pack({ basePath: app, outFolder: out });
    await assert.rejects(pack({ basePath: app, outFolder: out }), { code: 'ERR_OCTO_OUTPUT_EXISTS' });
    const again = await pack({ basePath: app, outFolder: out, overwrite: true, format: 'zip' });
    assert.ok(existsSync(again.path));
    assert.deepEqual(readdirSync(out), [again.name], 'no temporary files left');
  });

  const mishaps = [
    { what: 'vanished', file: 'server.js', make: (file: string) => rmSync(file), says: /ENOENT/ },
    {
      what: 'changed size',
      file: 'public/logo.png',
      make: (file: string) => writeFileSync(file, 'grown since the walk'),
      says: /size changed/,
    },
  ];
  for (const format of ['zip', 'tar'] as const) {
    for (const mishap of mishaps) {
      it(`reports a small file that ${mishap.what} before a packing worker read it, by path (${format})`, async () => {
        const app = path.join(tmp.path, 'app');
        makeAppTree(app);
        const out = path.join(tmp.path, 'out');
        const plan = await planPackage({ basePath: app, outFolder: out, format });
        mishap.make(path.join(app, mishap.file));
        const { writeArchiveFile } = await import('../src/archive/write-archive.js');
        await assert.rejects(
          writeArchiveFile(plan.entries, plan.path, { format, compressionLevel: 6 }),
          (error: Error & Record<string, unknown>) => {
            assert.equal(error.code, 'ERR_OCTO_UNREADABLE_FILE');
            assert.equal(error.path, path.join(app, mishap.file));
            assert.match(error.message, mishap.says);
            return true;
          },
        );
        assert.deepEqual(existsSync(out) ? readdirSync(out) : [], []);
      });
    }
  }

  it('leaves no file behind when packing fails', async () => {
    const app = path.join(tmp.path, 'app');
    makeAppTree(app);
    const secret = path.join(app, 'secret.txt');
    writeFileSync(secret, 'x');
    chmodSync(secret, 0o000);
    const out = path.join(tmp.path, 'out');
    if (process.getuid?.() === 0) {
      // root reads anything: make the failure a file that vanishes mid-pack instead
      const plan = await planPackage({ basePath: app, outFolder: out });
      assert.ok(plan.entries.length > 0);
      rmSync(path.join(app, 'data/big.bin'));
      const { writeArchiveFile } = await import('../src/archive/write-archive.js');
      await assert.rejects(writeArchiveFile(plan.entries, plan.path, { format: 'zip', compressionLevel: 6 }), {
        code: 'ERR_OCTO_UNREADABLE_FILE',
      });
    } else {
      await assert.rejects(pack({ basePath: app, outFolder: out }), { code: 'ERR_OCTO_UNREADABLE_FILE' });
    }
    assert.deepEqual(existsSync(out) ? readdirSync(out) : [], []);
  });

  it('refuses links that point outside, follows them when asked, and detects loops', async () => {
    const app = path.join(tmp.path, 'app');
    const outside = path.join(tmp.path, 'outside');
    mkdirSync(app);
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'shared.txt'), 'shared');
    writeFileSync(path.join(app, 'index.js'), '1');
    symlinkSync(outside, path.join(app, 'shared'));
    await assert.rejects(pack({ basePath: app, id: 'App', version: '1.0.0', outFolder: path.join(tmp.path, 'o1') }), {
      code: 'ERR_OCTO_SYMLINK_OUTSIDE',
    });
    const followed = await pack({
      basePath: app,
      id: 'App',
      version: '1.0.0',
      outFolder: path.join(tmp.path, 'o2'),
      followExternalSymlinks: true,
    });
    const read = byName(await readArchive(followed.path));
    assert.equal(read.get('shared/shared.txt')?.data.toString(), 'shared');
    symlinkSync(app, path.join(outside, 'back'));
    await assert.rejects(
      pack({ basePath: app, id: 'App', version: '1.0.0', outFolder: path.join(tmp.path, 'o3'), followExternalSymlinks: true }),
      { code: 'ERR_OCTO_SYMLINK_LOOP' },
    );
  });

  describe('errors', () => {
    it('reports a missing base path, a file as base path, and nothing matched', async () => {
      await assert.rejects(pack({ basePath: path.join(tmp.path, 'nope'), id: 'A', version: '1.0.0' }), { code: 'ERR_OCTO_BASE_PATH' });
      writeFileSync(path.join(tmp.path, 'file'), 'x');
      await assert.rejects(pack({ basePath: path.join(tmp.path, 'file'), id: 'A', version: '1.0.0' }), { code: 'ERR_OCTO_BASE_PATH' });
      mkdirSync(path.join(tmp.path, 'app'));
      writeFileSync(path.join(tmp.path, 'app/a.txt'), 'x');
      await assert.rejects(
        pack({ basePath: path.join(tmp.path, 'app'), id: 'A', version: '1.0.0', include: ['*.js'], outFolder: path.join(tmp.path, 'o') }),
        (error: Error & { code: string; hint: string }) => {
          assert.equal(error.code, 'ERR_OCTO_NOTHING_MATCHED');
          assert.match(error.hint, /glob/);
          return true;
        },
      );
    });

    it('reports a missing or broken package.json, and needs none when id and version are given', async () => {
      const app = path.join(tmp.path, 'app');
      mkdirSync(app);
      writeFileSync(path.join(app, 'a.txt'), 'x');
      await assert.rejects(pack({ basePath: app }), { code: 'ERR_OCTO_PACKAGE_JSON_MISSING' });
      writeFileSync(path.join(app, 'package.json'), '{ nope');
      await assert.rejects(pack({ basePath: app }), { code: 'ERR_OCTO_PACKAGE_JSON_INVALID' });
      const result = await pack({ basePath: app, id: 'App', version: '2.0.0', outFolder: path.join(tmp.path, 'o') });
      assert.equal(result.name, 'App.2.0.0.zip');
    });

    it('takes id and version from an explicit package.json', async () => {
      const app = path.join(tmp.path, 'app');
      mkdirSync(app);
      writeFileSync(path.join(app, 'a.txt'), 'x');
      writeFileSync(path.join(tmp.path, 'meta.json'), JSON.stringify({ name: 'meta-app', version: '3.1.4' }));
      const result = await pack({
        basePath: app,
        packageJson: path.join(tmp.path, 'meta.json'),
        outFolder: path.join(tmp.path, 'o'),
        format: 'tar.gz',
      });
      assert.equal(result.name, 'meta-app.3.1.4.tar.gz');
    });

    it('refuses invalid ids, versions and ambiguous names before writing anything', async () => {
      const app = path.join(tmp.path, 'app');
      mkdirSync(app);
      writeFileSync(path.join(app, 'a.txt'), 'x');
      const out = path.join(tmp.path, 'o');
      await assert.rejects(pack({ basePath: app, id: 'my app', version: '1.0.0', outFolder: out }), { code: 'ERR_OCTO_INVALID_ID' });
      await assert.rejects(pack({ basePath: app, id: 'App', version: '1.0.0_beta', outFolder: out }), { code: 'ERR_OCTO_INVALID_VERSION' });
      await assert.rejects(pack({ basePath: app, id: 'Package.2.Core', version: '1.0.0', outFolder: out }), {
        code: 'ERR_OCTO_AMBIGUOUS_NAME',
      });
      await assert.rejects(pack({ basePath: app, id: 'App', version: '1.0.0', format: 'rar' as never, outFolder: out }), {
        code: 'ERR_OCTO_INVALID_OPTION',
      });
      await assert.rejects(pack({ basePath: app, id: 'App', version: '1.0.0', compressionLevel: 11, outFolder: out }), {
        code: 'ERR_OCTO_INVALID_OPTION',
      });
      assert.equal(existsSync(out), false);
    });
  });
});
