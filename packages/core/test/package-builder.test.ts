import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createPackage } from '../src/index.js';
import { listZip, readArchive } from '../../../test/helpers/archive-reader.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';

describe('createPackage()', () => {
  const tmp = useTempDir();
  const when = new Date('2022-02-02T02:02:02Z');

  for (const format of ['zip', 'tar.gz'] as const) {
    it(`assembles files, buffers, streams, folders and empty folders (${format})`, async () => {
      const site = path.join(tmp.path, 'site');
      mkdirSync(path.join(site, 'css'), { recursive: true });
      writeFileSync(path.join(site, 'index.html'), '<h1>hi</h1>');
      writeFileSync(path.join(site, 'css/app.css'), 'body{}');
      writeFileSync(path.join(tmp.path, 'run.sh'), '#!/bin/sh\n');
      const result = await createPackage({ id: 'Acme.Site', version: '1.0.0', format, mtime: when })
        .addFile(path.join(tmp.path, 'run.sh'), 'bin/run.sh', { mode: 0o755 })
        .addBuffer('config/settings.json', '{"a":1}', { mode: 0o600 })
        .addStream('logs/readme.txt', Readable.from([Buffer.from('streamed '), Buffer.from('content')]))
        .addDirectory(site, { prefix: 'wwwroot' })
        .addEmptyDirectory('data/uploads')
        .addSymlink('current', 'wwwroot')
        .toFile(path.join(tmp.path, 'out'));
      const entries = new Map((await readArchive(result.path)).map((entry) => [entry.name, entry]));
      assert.equal(entries.get('bin/run.sh')?.mode, 0o755);
      assert.equal(entries.get('config/settings.json')?.data.toString(), '{"a":1}');
      assert.equal(entries.get('config/settings.json')?.mode, 0o600);
      assert.equal(entries.get('logs/readme.txt')?.data.toString(), 'streamed content');
      assert.equal(entries.get('wwwroot/css/app.css')?.data.toString(), 'body{}');
      assert.equal(entries.get('data/uploads')?.type, 'directory');
      assert.equal(entries.get('current')?.linkTarget, 'wwwroot');
      assert.ok([...entries.values()].every((entry) => entry.mtime === when.getTime() / 1000));
    });
  }

  it('writes to a stream', async () => {
    const { stream, name, done } = createPackage({ id: 'Acme', version: '2.0.0', format: 'tar.gz' }).addBuffer('a.txt', 'A').toStream();
    const file = path.join(tmp.path, name);
    await pipeline(stream, createWriteStream(file));
    const { size } = await done;
    assert.ok(size > 0);
    assert.equal((await readArchive(file)).find((entry) => entry.name === 'a.txt')?.data.toString(), 'A');
  });

  it('refuses unsafe names and duplicates', async () => {
    const builder = createPackage({ id: 'Acme', version: '1.0.0' });
    for (const name of ['../evil', '/abs', 'C:/x', 'a/../../b', '', 'a\\b', './a', 'a/./b', 'a//b', 'a\0b']) {
      assert.throws(() => builder.addBuffer(name, 'x'), { code: 'ERR_OCTO_INVALID_ENTRY' }, name);
    }
    builder.addBuffer('a.txt', '1').addBuffer('a.txt', '2');
    await assert.rejects(builder.toFile(tmp.path), { code: 'ERR_OCTO_INVALID_ENTRY' });
  });

  it('writes ZIP64 records past 65,535 entries', async function () {
    this.timeout(120_000);
    const builder = createPackage({ id: 'Many', version: '1.0.0', compressionLevel: 0, mtime: when });
    for (let index = 0; index < 65_600; index++) builder.addBuffer(`f/${index}`, '');
    const result = await builder.toFile(tmp.path);
    const names = await listZip(result.path);
    assert.equal(names.length, 65_601);
    assert.equal(names[65_600], 'f/9999');
    const bytes = (await import('node:fs')).readFileSync(result.path);
    assert.notEqual(bytes.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06])), -1, 'ZIP64 end of central directory record');
  });
});

describe('createPackage(): spooling and paths', () => {
  const tmp = useTempDir();
  const when = new Date('2023-03-03T03:03:03Z');

  it('spools buffers past memoryLimit to a temporary file and reads them back byte for byte', async () => {
    const spoolFolders = (): string[] => readdirSync(os.tmpdir()).filter((name) => name.startsWith('octojs-spool-'));
    const before = new Set(spoolFolders());
    const builder = createPackage({ id: 'Spooled', version: '1.0.0', format: 'tar', mtime: when, memoryLimit: 1000 });
    const buffers = Array.from({ length: 40 }, (_, index) => Buffer.alloc(300 + index, index));
    buffers.forEach((data, index) => builder.addBuffer(`b/${String(index).padStart(2, '0')}.bin`, data, { mode: 0o640 }));
    await builder.drained();
    const spools = spoolFolders().filter((name) => !before.has(name));
    assert.equal(spools.length, 1, 'a spool folder exists while the builder holds spooled buffers');
    assert.ok(statSync(path.join(os.tmpdir(), spools[0]!, 'spool')).size >= 39 * 300, 'the buffers past the limit are on disk');
    const result = await builder.toFile(tmp.path);
    const entries = (await readArchive(result.path)).filter((entry) => entry.type === 'file');
    assert.equal(entries.length, 40);
    entries.forEach((entry, index) => {
      assert.equal(entry.name, `b/${String(index).padStart(2, '0')}.bin`);
      assert.deepEqual(entry.data, buffers[index]);
      assert.equal(entry.mode, 0o640);
      assert.equal(entry.mtime, when.getTime() / 1000);
    });
    assert.ok(!existsSync(path.join(os.tmpdir(), spools[0]!)), 'the spool is removed once the package is written');
  });

  it('addPath() adds files, folders without their content, and links that stay inside', async () => {
    const root = path.join(tmp.path, 'root');
    mkdirSync(path.join(root, 'lib/empty'), { recursive: true });
    writeFileSync(path.join(root, 'lib/tool.sh'), '#!/bin/sh\n');
    chmodSync(path.join(root, 'lib/tool.sh'), 0o751);
    chmodSync(path.join(root, 'lib/empty'), 0o700);
    symlinkSync('../lib/tool.sh', path.join(root, 'lib/link'));
    utimesSync(path.join(root, 'lib/tool.sh'), when, when);
    const result = await createPackage({ id: 'Paths', version: '1.0.0' })
      .addPath(path.join(root, 'lib/tool.sh'), 'bin/tool.sh')
      .addPath(path.join(root, 'lib/empty'), 'bin/empty')
      .addPath(path.join(root, 'lib/link'), 'bin/link')
      .toFile(tmp.path);
    const entries = new Map((await readArchive(result.path)).map((entry) => [entry.name, entry]));
    assert.equal(entries.get('bin/tool.sh')?.mode, 0o751);
    assert.equal(entries.get('bin/tool.sh')?.mtime, when.getTime() / 1000);
    assert.equal(entries.get('bin/empty')?.type, 'directory');
    assert.equal(entries.get('bin/empty')?.mode, 0o700);
    assert.equal(entries.get('bin/link')?.type, 'symlink');
    assert.equal(entries.get('bin/link')?.linkTarget, '../lib/tool.sh');
  });

  it('refuses links that lead out of the package, unless asked to follow them', async () => {
    assert.throws(() => createPackage({ id: 'L', version: '1.0.0' }).addSymlink('a/b', '../../etc/passwd'), {
      code: 'ERR_OCTO_SYMLINK_OUTSIDE',
    });
    assert.throws(() => createPackage({ id: 'L', version: '1.0.0' }).addSymlink('a', '/etc/passwd'), { code: 'ERR_OCTO_SYMLINK_OUTSIDE' });
    writeFileSync(path.join(tmp.path, 'outside.txt'), 'outside');
    mkdirSync(path.join(tmp.path, 'in'));
    symlinkSync('../outside.txt', path.join(tmp.path, 'in/out'));
    await assert.rejects(
      createPackage({ id: 'L', version: '1.0.0' }).addPath(path.join(tmp.path, 'in/out'), 'out').toFile(path.join(tmp.path, 'o1')),
      { code: 'ERR_OCTO_SYMLINK_OUTSIDE' },
    );
    assert.ok(!existsSync(path.join(tmp.path, 'o1', 'L.1.0.0.zip')));
    const followed = await createPackage({ id: 'L', version: '1.0.0' })
      .addPath(path.join(tmp.path, 'in/out'), 'out', { followExternalSymlinks: true })
      .toFile(path.join(tmp.path, 'o2'));
    const [entry] = await readArchive(followed.path);
    assert.equal(entry?.type, 'file');
    assert.equal(entry?.data.toString(), 'outside');
  });
});
