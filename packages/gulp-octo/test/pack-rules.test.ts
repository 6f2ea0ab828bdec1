import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Vinyl from 'vinyl';
import log from 'fancy-log';
import { pack } from '../src/index.js';
import { readArchive } from '../../../test/helpers/archive-reader.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';
import { run, vinyl } from './vinyl-files.js';

async function names(output: Vinyl, folder: string): Promise<string[]> {
  const file = path.join(folder, output.basename);
  writeFileSync(file, output.contents as Buffer);
  return (await readArchive(file)).filter((entry) => entry.type === 'file').map((entry) => entry.name);
}

describe('gulp-octo pack(): what goes in', () => {
  const tmp = useTempDir();
  const files = (base: string, list: Record<string, string>): Vinyl[] =>
    Object.entries(list).map(([name, data]) => {
      mkdirSync(path.dirname(path.join(base, name)), { recursive: true });
      writeFileSync(path.join(base, name), data);
      return vinyl(base, name, Buffer.from(data));
    });

  it('honours .octopusignore (nested, with negation) and ignoreFiles, leaves out earlier packages, warns about secrets', async () => {
    const base = path.join(tmp.path, 'dist');
    const sources = files(base, {
      '.octopusignore': '*.map\n!keep.map\n.env.local\n',
      '.gitignore': 'coverage/\n',
      'app.js': '',
      'app.js.map': '',
      'keep.map': '',
      'coverage/index.html': '',
      'sub/.octopusignore': '!sub.map\n',
      'sub/sub.map': '',
      'Acme.Web.1.2.2.zip': 'old package',
      '.env': 'SECRET=1',
      '.env.local': 'SECRET=2',
    });
    const warned: string[] = [];
    const original = log.warn;
    log.warn = ((message: string) => void warned.push(message)) as unknown as typeof log.warn;
    try {
      const [plain] = await run(pack({ id: 'Acme.Web', version: '1.2.3' }), sources);
      assert.deepEqual(await names(plain!, tmp.path), ['.env', '.gitignore', 'app.js', 'coverage/index.html', 'keep.map', 'sub/sub.map']);
      const [honoured] = await run(
        pack({ id: 'Acme.Web', version: '1.2.3', ignoreFiles: ['.gitignore'] }),
        files(base, {}).concat(sources),
      );
      assert.deepEqual(await names(honoured!, tmp.path), ['.env', 'app.js', 'keep.map', 'sub/sub.map']);
    } finally {
      log.warn = original;
    }
    assert.equal(warned.length, 2); // .env, once per run; .env.local is ignored
    assert.match(warned[0]!, /^gulp-octo: \.env is about to be packed.*add a line `!\.env` to \.octopusignore to silence this warning\.$/);
  });

  it('rejects ignoreFiles that are not file names', () => {
    assert.throws(() => pack({ ignoreFiles: ['a/.gitignore'] }), { code: 'ERR_OCTO_INVALID_OPTION' });
  });
});
