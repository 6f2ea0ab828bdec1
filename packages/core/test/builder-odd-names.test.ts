import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createPackage } from '../src/index.js';
import { readArchive } from '../../../test/helpers/archive-reader.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';

const builder = () => createPackage({ id: 'Odd', version: '1.0.0' });

describe('createPackage() and odd entry names', () => {
  const tmp = useTempDir();

  it('createPackage() with no argument behaves as createPackage({}): the missing id is ERR_OCTO_INVALID_ID', () => {
    const call = createPackage as unknown as () => unknown;
    assert.throws(
      () => call(),
      (error: Error & { code?: string }) => {
        assert.equal(error.name, 'OctoError');
        assert.equal(error.code, 'ERR_OCTO_INVALID_ID');
        return true;
      },
    );
    assert.throws(() => createPackage({} as never), { code: 'ERR_OCTO_INVALID_ID' });
  });

  it('refuses a file or link that is also the folder of another entry, in either order; a folder entry is fine', async () => {
    for (const make of [
      () => builder().addBuffer('t', 'x').addBuffer('t/u', 'y'),
      () => builder().addBuffer('a/b/c', 'y').addBuffer('a/b', 'x'),
      () => builder().addSymlink('t', 'x').addBuffer('x', 'x').addBuffer('t/u', 'y'),
    ]) {
      await assert.rejects(make().toFile(tmp.path), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'ERR_OCTO_INVALID_ENTRY');
        assert.match(error.message, /both a file \(or link\) and the folder of/);
        return true;
      });
    }
    const result = await builder().addEmptyDirectory('t').addBuffer('t/u', 'y').addBuffer('tu', 'z').toFile(tmp.path);
    assert.deepEqual((await readArchive(result.file)).map((entry) => entry.name).sort(), ['t', 't/u', 'tu']);
  });

  it('refuses at add time a name over 4096 bytes or a component over 255 bytes, and keeps the message short', () => {
    for (const name of ['x'.repeat(70_000), `${'d/'.repeat(2048)}f`, 'a'.repeat(256), `dir/${'é'.repeat(128)}`]) {
      assert.throws(
        () => builder().addBuffer(name, 'x'),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'ERR_OCTO_INVALID_ENTRY');
          assert.match(error.message, /bytes long/);
          assert.ok(error.message.length < 400, `message of ${error.message.length} characters`);
          return true;
        },
      );
    }
  });

  it('accepts names at the limits, which tar, zip and the extractors take', async () => {
    const longest = `${`${'d'.repeat(254)}/`.repeat(16)}${'f'.repeat(4096 - 255 * 16)}`;
    assert.equal(Buffer.byteLength(longest), 4096);
    const component = 'c'.repeat(255);
    for (const format of ['zip', 'tar'] as const) {
      const result = await createPackage({ id: 'Odd', version: '1.0.0', format })
        .addBuffer(longest, 'x')
        .addBuffer(component, 'y')
        .toFile(tmp.path);
      const names = (await readArchive(result.file)).map((entry) => entry.name);
      assert.ok(names.includes(longest) && names.includes(component), format);
    }
  });

  it('warns that names with control characters cannot be extracted on Windows', async () => {
    const result = await builder().addBuffer('a\nb', 'x').addBuffer('dir\tx/c', 'y').toFile(path.join(tmp.path));
    assert.equal(result.warnings.length, 2, JSON.stringify(result.warnings));
    assert.match(result.warnings[0]!, /a\nb cannot be extracted on Windows: control character 0x0a/);
    assert.match(result.warnings[1]!, /control character 0x09/);
  });
});

describe('worker threads and the host process flags', () => {
  it('pack() and octodiff hashing work when the host runs node --input-type=module', () => {
    const core = path.resolve('packages/core/src/index.ts');
    const octodiff = path.resolve('packages/octodiff/src/hash-file.ts');
    const script = `
      import { mkdtempSync, writeFileSync } from 'node:fs';
      import os from 'node:os';
      import path from 'node:path';
      import { pack } from ${JSON.stringify(core)};
      import { sha1OfFileInWorker } from ${JSON.stringify(octodiff)};
      const dir = mkdtempSync(path.join(os.tmpdir(), 'octojs-input-type-'));
      writeFileSync(path.join(dir, 'package.json'), '{"name":"demoapp","version":"1.0.0"}');
      writeFileSync(path.join(dir, 'index.js'), 'x');
      const result = await pack({ basePath: dir, outFolder: path.join(dir, 'out') });
      console.log(result.entries, (await sha1OfFileInWorker(path.join(dir, 'index.js'))).length);
    `;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
      killSignal: 'SIGKILL',
    });
    assert.equal(output.trim(), '2 40');
  });
});
