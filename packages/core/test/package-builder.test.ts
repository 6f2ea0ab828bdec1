import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
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
        .addBuffer('config\\settings.json', '{"a":1}', { mode: 0o600 })
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
    for (const name of ['../evil', '/abs', 'C:/x', 'a/../../b', '']) {
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
