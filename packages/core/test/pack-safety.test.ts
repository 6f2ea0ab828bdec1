import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import { createPackage, pack, planPackage } from '../src/index.js';
import { readArchive } from '../../../test/helpers/archive-reader.js';
import { extractAndResolve, hasTool } from '../../../test/helpers/extract.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';

const isInside = (file: string, root: string): boolean => file === root || file.startsWith(root + path.sep);

describe('packing safety: options', () => {
  const tmp = useTempDir();

  it('pack() and planPackage() refuse unknown options, naming the near miss, before writing anything', async () => {
    const app = path.join(tmp.path, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'a.txt'), 'a');
    const cwd = process.cwd();
    process.chdir(tmp.path);
    try {
      for (const run of [pack, planPackage]) {
        await assert.rejects(
          run({ basePath: app, id: 'App', version: '1.0.0', outfolder: 'x' } as never),
          (error: Error & { code: string; option: string; hint: string }) => {
            assert.equal(error.code, 'ERR_OCTO_INVALID_OPTION');
            assert.equal(error.option, 'outfolder');
            assert.match(error.hint, /`outFolder`/);
            return true;
          },
        );
      }
      assert.ok(!existsSync(path.join(tmp.path, 'bin')), 'nothing written to ./bin');
    } finally {
      process.chdir(cwd);
    }
    await assert.rejects(pack({ basePath: app, id: 'App', version: '1.0.0', compressionLevel: 11 }), {
      code: 'ERR_OCTO_INVALID_OPTION',
      option: 'compressionLevel',
    });
    await assert.rejects(pack({ basePath: app, id: 'App', version: '1.0.0', overwrite: 'false' as never }), {
      code: 'ERR_OCTO_INVALID_OPTION',
      option: 'overwrite',
    });
    await assert.rejects(pack({ basePath: app, id: 'App', version: '1.0.0', dependencies: 'production' as never }), {
      code: 'ERR_OCTO_INVALID_OPTION',
      option: 'dependencies',
    });
    await assert.rejects(pack('app' as never), { code: 'ERR_OCTO_INVALID_OPTION' });
  });

  it('the builder and each of its methods check their options and arguments', () => {
    assert.throws(() => createPackage({ id: 'A', version: '1.0.0', memorylimit: 5 } as never), {
      code: 'ERR_OCTO_INVALID_OPTION',
      option: 'memorylimit',
    });
    assert.throws(() => createPackage({ id: 'A', version: '1.0.0', memoryLimit: -1 }), {
      code: 'ERR_OCTO_INVALID_OPTION',
      option: 'memoryLimit',
    });
    const builder = createPackage({ id: 'A', version: '1.0.0' });
    assert.throws(() => builder.addDirectory(tmp.path, 'tree' as never), { code: 'ERR_OCTO_INVALID_OPTION' });
    assert.throws(
      () => builder.addDirectory(tmp.path, { prefx: 'x' } as never),
      (error: Error & { option: string; hint: string }) => {
        assert.equal(error.option, 'prefx');
        assert.match(error.hint, /`prefix`/);
        return true;
      },
    );
    assert.throws(() => builder.addFile(tmp.path, 'a', { mode: '644' } as never), { code: 'ERR_OCTO_INVALID_OPTION', option: 'mode' });
    assert.throws(() => builder.addFile(42 as never), { code: 'ERR_OCTO_INVALID_OPTION' });
    assert.throws(() => builder.addPath(tmp.path, 'a', { followExternalSymlink: true } as never), { code: 'ERR_OCTO_INVALID_OPTION' });
    assert.throws(() => builder.addBuffer('a', 42 as never), { code: 'ERR_OCTO_INVALID_OPTION' });
    assert.throws(() => builder.addStream('a', 'text' as never), { code: 'ERR_OCTO_INVALID_OPTION' });
    assert.throws(() => builder.addSymlink('a', 7 as never), { code: 'ERR_OCTO_INVALID_OPTION' });
  });

  it('results use the shared vocabulary, keeping the old names as aliases', async () => {
    const app = path.join(tmp.path, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'a.txt'), 'a');
    const result = await pack({ basePath: app, id: 'App', version: '1.0.0', outFolder: path.join(tmp.path, 'out') });
    assert.equal(result.file, path.join(tmp.path, 'out', 'App.1.0.0.zip'));
    assert.equal(result.fileName, 'App.1.0.0.zip');
    assert.equal(result.packageId, 'App');
    assert.deepEqual([result.path, result.name, result.id], [result.file, result.fileName, result.packageId]);
    assert.deepEqual(result.warnings, []);
    const built = await createPackage({ id: 'B', version: '2.0.0' }).addBuffer('x', 'x').toFile(tmp.path);
    assert.deepEqual([built.file, built.fileName, built.packageId], [path.join(tmp.path, 'B.2.0.0.zip'), 'B.2.0.0.zip', 'B']);
    assert.deepEqual([built.path, built.name, built.id], [built.file, built.fileName, built.packageId]);
  });
});

describe('packing safety: links resolved as the kernel resolves them', function () {
  if (!hasTool('python3')) return;
  const tmp = useTempDir();

  /** The chain from issue 10: each link looks inside on its own, but `s` is the extraction folder's parent. */
  const chain = (root: string): void => {
    mkdirSync(path.join(root, 'p/q'), { recursive: true });
    symlinkSync('../..', path.join(root, 'p/q/r'));
    symlinkSync('p/q/r/..', path.join(root, 's'));
    writeFileSync(path.join(root, 'package.json'), '{"name":"chain","version":"1.0.0"}');
  };

  it('the chain really escapes when extracted (control: written by tar-stream, extracted by Python)', async () => {
    const archive = path.join(tmp.path, 'evil.tar');
    const tar = tarStream.pack();
    const written = pipeline(tar, createWriteStream(archive));
    tar.entry({ name: 'p/', type: 'directory' });
    tar.entry({ name: 'p/q/', type: 'directory' });
    tar.entry({ name: 'p/q/r', type: 'symlink', linkname: '../..' });
    tar.entry({ name: 's', type: 'symlink', linkname: 'p/q/r/..' });
    tar.entry({ name: 's/evil.txt' }, 'pwned');
    tar.finalize();
    await written;
    const dest = path.join(tmp.path, 'x', 'dest');
    const { root, links } = extractAndResolve(archive, dest);
    assert.ok(!isInside(links.s!, root), 'the kernel resolves s outside the extraction folder');
    assert.ok(existsSync(path.join(tmp.path, 'x', 'evil.txt')), 'and a file beneath it lands outside');
  });

  it('pack() refuses the chain from disk, in every format', async () => {
    const app = path.join(tmp.path, 'app');
    chain(app);
    for (const format of ['zip', 'tar'] as const) {
      await assert.rejects(pack({ basePath: app, format, outFolder: path.join(tmp.path, 'out') }), (error: Error & { code: string }) => {
        assert.equal(error.code, 'ERR_OCTO_SYMLINK_OUTSIDE');
        assert.match(error.message, /\bs\b/);
        return true;
      });
    }
    assert.deepEqual(existsSync(path.join(tmp.path, 'out')) ? readdirSync(path.join(tmp.path, 'out')) : [], []);
  });

  it('the builder refuses the chain, and an entry written through a link', async () => {
    const chained = createPackage({ id: 'Chain', version: '1.0.0', format: 'tar' })
      .addSymlink('p/q/r', '../..')
      .addSymlink('s', 'p/q/r/..');
    await assert.rejects(chained.toFile(tmp.path), { code: 'ERR_OCTO_SYMLINK_OUTSIDE' });
    const through = createPackage({ id: 'Through', version: '1.0.0', format: 'tar' }).addSymlink('s', 'p').addBuffer('s/evil.txt', 'x');
    await assert.rejects(through.toFile(tmp.path), { code: 'ERR_OCTO_INVALID_ENTRY' });
    // On a case-insensitive file system (Windows, macOS) P/q/r is the link p/q/r.
    const folded = createPackage({ id: 'Case', version: '1.0.0' }).addSymlink('p/q/r', '../..').addSymlink('s', 'P/Q/R/..');
    await assert.rejects(folded.toFile(tmp.path), { code: 'ERR_OCTO_SYMLINK_OUTSIDE' });
    const under = createPackage({ id: 'Under', version: '1.0.0' }).addSymlink('s', 'p').addBuffer('S/evil.txt', 'x');
    await assert.rejects(under.toFile(tmp.path), { code: 'ERR_OCTO_INVALID_ENTRY' });
    const twins = createPackage({ id: 'Twins', version: '1.0.0' }).addSymlink('l', 'a').addSymlink('L', 'b');
    await assert.rejects(twins.toFile(tmp.path), { code: 'ERR_OCTO_INVALID_ENTRY' });
    const loop = createPackage({ id: 'Loop', version: '1.0.0' }).addSymlink('a', 'b').addSymlink('b', 'a/x');
    await assert.rejects(loop.toFile(tmp.path), { code: 'ERR_OCTO_SYMLINK_LOOP' });
    assert.deepEqual(
      readdirSync(tmp.path).filter((name) => name.endsWith('.tar') || name.endsWith('.zip')),
      [],
    );
  });

  it('links it accepts, chains included, stay inside once extracted by Python tarfile and unzip', async () => {
    for (const format of ['tar', 'tar.gz', ...(hasTool('unzip') ? (['zip'] as const) : [])] as const) {
      const result = await createPackage({ id: 'Links', version: '1.0.0', format })
        .addBuffer('p/q/file.txt', 'x')
        .addSymlink('p/q/r', '../..') // the root
        .addSymlink('s', 'p/q/r/p') // root/p
        .addSymlink('t', 's/q/r/s/q/file.txt')
        .addSymlink('u', 'p/q/r/p/q/..')
        .addSymlink('dangling', 'missing/../p')
        .toFile(path.join(tmp.path, 'out'), { overwrite: true });
      const dest = path.join(tmp.path, `ex-${format}`, 'dest');
      const { root, links } = extractAndResolve(result.file, dest);
      assert.deepEqual(Object.keys(links).sort(), ['dangling', 'p/q/r', 's', 't', 'u'], format);
      for (const [name, resolved] of Object.entries(links)) assert.ok(isInside(resolved, root), `${format}: ${name} -> ${resolved}`);
      assert.equal(links.t, path.join(root, 'p/q/file.txt'));
    }
  });
});

describe('packing safety: entry names', () => {
  const tmp = useTempDir();

  it('the builder refuses NUL, "." and "..", drive letters and backslashes', () => {
    const builder = createPackage({ id: 'Names', version: '1.0.0' });
    for (const name of ['a\0b', '.', './a', 'a/./b', '..', 'a/..', 'C:evil', 'c:/evil', 'a\\b', '\\\\server\\share', '/abs', 'a//b']) {
      assert.throws(() => builder.addBuffer(name, 'x'), { code: 'ERR_OCTO_INVALID_ENTRY' }, JSON.stringify(name));
      assert.throws(() => builder.addEmptyDirectory(name), { code: 'ERR_OCTO_INVALID_ENTRY' }, JSON.stringify(name));
      assert.throws(() => builder.addSymlink(name, 'x'), { code: 'ERR_OCTO_INVALID_ENTRY' }, JSON.stringify(name));
    }
    assert.throws(() => builder.addDirectory(tmp.path, { prefix: 'a\\b' }), { code: 'ERR_OCTO_INVALID_ENTRY' });
    builder.addEmptyDirectory('folder/'); // one trailing slash names a folder
  });

  it('pack() refuses files whose names would be read as paths elsewhere', async () => {
    for (const bad of ['back\\slash.txt', 'C:drive.txt']) {
      const app = path.join(tmp.path, `app-${bad.length}`);
      mkdirSync(app);
      writeFileSync(path.join(app, 'ok.txt'), 'ok');
      writeFileSync(path.join(app, bad), 'bad');
      await assert.rejects(
        pack({ basePath: app, id: 'App', version: '1.0.0', outFolder: path.join(tmp.path, 'out') }),
        (error: Error & { code: string; path: string }) => {
          assert.equal(error.code, 'ERR_OCTO_INVALID_ENTRY');
          assert.equal(error.path, path.join(app, bad));
          return true;
        },
      );
    }
  });
});

describe('packing safety: only regular files', function () {
  if (process.platform === 'win32') return;
  const tmp = useTempDir();

  const specials = (): { fifo: string; socket: string; server: net.Server } => {
    const fifo = path.join(tmp.path, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const socket = path.join(tmp.path, 'sock');
    const server = net.createServer().listen(socket);
    return { fifo, socket, server };
  };

  it('addFile(), addPath() and followed links refuse a FIFO, a socket and a device at once', async function () {
    this.timeout(10_000); // a FIFO that is opened blocks forever: this is the bound
    const { fifo, socket, server } = specials();
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      symlinkSync(fifo, path.join(tmp.path, 'to-fifo'));
      const cases: [string, (builder: ReturnType<typeof createPackage>) => void, RegExp][] = [
        ['addFile(fifo)', (b) => b.addFile(fifo, 'f'), /FIFO/],
        ['addFile(socket)', (b) => b.addFile(socket, 's'), /socket/],
        ['addFile(/dev/null)', (b) => b.addFile('/dev/null', 'd'), /device/],
        ['addPath(fifo)', (b) => b.addPath(fifo, 'f'), /FIFO/],
        ['addPath(socket)', (b) => b.addPath(socket, 's'), /socket/],
        ['addPath(link to fifo)', (b) => b.addPath(path.join(tmp.path, 'to-fifo'), 'l', { followExternalSymlinks: true }), /FIFO/],
      ];
      for (const [label, add, kind] of cases) {
        const builder = createPackage({ id: 'Special', version: '1.0.0' });
        add(builder);
        await assert.rejects(builder.toFile(path.join(tmp.path, 'out')), (error: Error & { code: string }) => {
          assert.equal(error.code, 'ERR_OCTO_UNREADABLE_FILE', label);
          assert.match(error.message, kind, label);
          return true;
        });
      }
    } finally {
      server.close();
    }
  });

  it('a file swapped for a FIFO after the walk fails instead of hanging the writer', async function () {
    this.timeout(10_000);
    const app = path.join(tmp.path, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'data.bin'), 'x');
    const plan = await planPackage({ basePath: app, id: 'Swap', version: '1.0.0', outFolder: path.join(tmp.path, 'out') });
    const { rmSync } = await import('node:fs');
    rmSync(path.join(app, 'data.bin'));
    execFileSync('mkfifo', [path.join(app, 'data.bin')]);
    for (const format of ['zip', 'tar'] as const) {
      await assert.rejects(pack({ basePath: app, id: 'Swap', version: '1.0.0', format, outFolder: path.join(tmp.path, 'out') }));
    }
    assert.equal(plan.entries.length, 1);
    // The writers themselves, given the stale plan.
    const { writeArchiveFile } = await import('../src/archive/write-archive.js');
    for (const format of ['zip', 'tar'] as const) {
      await assert.rejects(writeArchiveFile(plan.entries, path.join(tmp.path, 'out', `Swap.${format}`), { format, compressionLevel: 6 }), {
        code: 'ERR_OCTO_UNREADABLE_FILE',
      });
    }
  });
});

describe('packing safety: names Windows cannot extract', () => {
  const tmp = useTempDir();

  it('warns once per entry, through onWarning and in the result', async () => {
    const heard: string[] = [];
    const bad = [
      'a:b.txt',
      'star*.txt',
      'what?.txt',
      'quote".txt',
      'lt<.txt',
      'gt>.txt',
      'pipe|.txt',
      'CON',
      'nul.txt',
      'Com1.log',
      'LPT9',
      'aux.tar.gz',
      'dot.',
      'space ',
    ];
    const builder = createPackage({ id: 'Win', version: '1.0.0', format: 'tar', onWarning: (message) => heard.push(message) });
    for (const name of bad) builder.addBuffer(`w/${name}`, 'x');
    builder.addBuffer('case/Readme.md', '1').addBuffer('case/README.md', '2');
    for (const fine of ['console.txt', 'CONFIG', 'com10', 'lpt', 'a.b', 'normal file.txt']) builder.addBuffer(`ok/${fine}`, 'x');
    const result = await builder.toFile(tmp.path);
    assert.deepEqual(heard, result.warnings);
    for (const name of bad) {
      const about = result.warnings.filter((warning) => warning.includes(`w/${name} `) || warning.endsWith(`w/${name}`));
      assert.equal(about.length, 1, `one warning names w/${name}: ${JSON.stringify(result.warnings)}`);
    }
    assert.ok(
      result.warnings.some((warning) => warning.includes('case/README.md') && warning.includes('case/Readme.md') && /case/.test(warning)),
    );
    assert.equal(result.warnings.length, bad.length + 1, JSON.stringify(result.warnings, null, 1));
    assert.ok(!result.warnings.some((warning) => warning.includes('ok/')));
    assert.equal((await readArchive(result.file)).length, bad.length + 2 + 6 + 3, 'the entries are still packed');
  });

  it('pack() warns about files on disk too', async () => {
    const app = path.join(tmp.path, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'report:2024.txt'), 'x');
    writeFileSync(path.join(app, 'prn.txt'), 'x');
    const heard: string[] = [];
    const result = await pack({
      basePath: app,
      id: 'App',
      version: '1.0.0',
      outFolder: path.join(tmp.path, 'out'),
      onWarning: (m) => heard.push(m),
    });
    assert.equal(result.warnings.length, 2);
    assert.deepEqual(heard, result.warnings);
    assert.match(result.warnings.join('\n'), /report:2024\.txt.*":"/);
    assert.match(result.warnings.join('\n'), /prn\.txt.*reserved/);
  });
});
