import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { type Feed, FaultInjector, type FeedOptions, WRITE_STEPS, startFeed } from '../src/index.js';
import { PackageStore } from '../src/package-store.js';
import { spool } from '../src/spool.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';
import { ADMIN_KEY, KEYS, filesUnder, readBytes, sha1, upload, uploadOrThrow } from './helpers/upload.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('feed write path: never loses a package', () => {
  const tmp = useTempDir('octojs-feed-');
  let feed: Feed | undefined;
  const dataDir = (): string => path.join(tmp.path, 'data');
  const start = async (options: Partial<FeedOptions> = {}): Promise<Feed> => {
    feed = await startFeed({ dataDir: dataDir(), apiKeys: KEYS, ...options });
    return feed;
  };
  afterEach(async () => {
    await feed?.close();
    feed = undefined;
  });

  /** The one stored package, its file's bytes checked against its record. */
  const storedIntact = (current: Feed): Buffer => {
    const [record, ...more] = current.packages();
    assert.ok(record, 'a package is stored');
    assert.equal(more.length, 0);
    const bytes = readBytes(current.packagePath(record));
    assert.equal(bytes.length, record.size, 'the record has the size of the bytes on disk');
    assert.equal(sha1(bytes), record.hash, 'the record has the hash of the bytes on disk');
    return bytes;
  };

  it('FailIfExists: of 20 simultaneous uploads of one version exactly one is created and 19 conflict', async () => {
    const current = await start();
    const contents = Array.from({ length: 20 }, (_, index) => Buffer.concat([Buffer.from(`upload ${index} `), randomBytes(64 * 1024)]));
    const answers = await Promise.all(
      contents.map((content) => uploadOrThrow(current.url, { fileName: 'Race.1.0.0.zip', content, key: ADMIN_KEY })),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    assert.deepEqual(statuses, [201, ...Array<number>(19).fill(409)]);
    const winner = contents[answers.findIndex((answer) => answer.status === 201)]!;
    assert.deepEqual(storedIntact(current), winner, 'the stored file is the upload that was told 201');
    assert.equal(answers.find((answer) => answer.status === 201)!.json().Hash, sha1(winner));
  });

  it('OverwriteExisting: 20 simultaneous uploads alternating .zip and .tar.gz leave exactly one of them, whole', async () => {
    const current = await start();
    const uploads = Array.from({ length: 20 }, (_, index) => ({
      fileName: index % 2 ? 'Flip.2.0.0.tar.gz' : 'Flip.2.0.0.zip',
      content: Buffer.concat([Buffer.from(`overwrite ${index} `), randomBytes(32 * 1024)]),
    }));
    const answers = await Promise.all(
      uploads.map((one) => uploadOrThrow(current.url, { ...one, key: ADMIN_KEY, query: 'overwriteMode=OverwriteExisting' })),
    );
    assert.deepEqual(
      answers.map((answer) => answer.status),
      Array<number>(20).fill(201),
    );
    const bytes = storedIntact(current);
    const [record] = current.packages();
    const source = uploads.find((one) => one.content.equals(bytes));
    assert.ok(source, 'the stored file is one complete upload');
    assert.equal(record!.fileName, source.fileName);
    assert.equal(record!.extension, source.fileName.endsWith('.zip') ? '.zip' : '.tar.gz');
    // The last answer is what is stored; every file on disk is either the record or its package.
    assert.equal(filesUnder(path.join(dataDir(), 'spaces')).length, 2);
    await current.close();
    const again = await start();
    assert.deepEqual(storedIntact(again), bytes, 'the same package after a restart');
  });

  it('versions that differ only past what a Number holds are two packages; 1.0 and 1.0.0.0 are one', async () => {
    const current = await start();
    const send = async (fileName: string): Promise<number> =>
      (await uploadOrThrow(current.url, { fileName, content: Buffer.from(fileName), key: ADMIN_KEY })).status;
    assert.equal(await send('Big.1.0.99999999999999999999.zip'), 201);
    assert.equal(await send('Big.1.0.100000000000000000000.zip'), 201);
    assert.equal(await send('Small.1.0.zip'), 201);
    assert.equal(await send('Small.1.0.0.0.zip'), 409);
    assert.deepEqual(
      current
        .packages()
        .map((record) => record.version)
        .sort(),
      ['1.0', '1.0.100000000000000000000', '1.0.99999999999999999999'],
    );
  });

  for (const step of WRITE_STEPS) {
    it(`an overwrite that crashes after '${step}' leaves the old package or the new one, whole, and no temporary file`, async () => {
      const old = randomBytes(40_000);
      const fresh = randomBytes(50_000);
      let current = await start();
      assert.equal((await uploadOrThrow(current.url, { fileName: 'Crash.1.0.0.zip', content: old, key: ADMIN_KEY })).status, 201);
      current.faults.crashAfter(step);
      const crashed = await upload(current.url, {
        fileName: 'Crash.1.0.0.tar.gz',
        content: fresh,
        key: ADMIN_KEY,
        query: 'overwriteMode=OverwriteExisting',
      });
      assert.equal(crashed, 'aborted', 'the crashed write never answers');
      await current.close();
      current = await start();
      const bytes = storedIntact(current);
      const committed = WRITE_STEPS.indexOf(step) >= WRITE_STEPS.indexOf('recorded');
      assert.deepEqual(bytes, committed ? fresh : old);
      assert.deepEqual(filesUnder(path.join(dataDir(), 'uploads')), [], 'no spooled upload is left');
      assert.equal(filesUnder(path.join(dataDir(), 'spaces')).length, 2, 'one record and its file, no leftovers');
    });
  }

  it('kill -9 of a feed process between any two write steps: after a restart the old package or the new one is served', async function () {
    this.timeout(120_000);
    const old = randomBytes(30_000);
    const fresh = randomBytes(45_000);
    for (const step of WRITE_STEPS) {
      const folder = path.join(tmp.path, `kill-${step}`);
      let current = await startFeed({ dataDir: folder, apiKeys: KEYS });
      await uploadOrThrow(current.url, { fileName: 'Killed.1.0.0.zip', content: old, key: ADMIN_KEY });
      await current.close();
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures', 'pausing-feed.ts'), folder, step], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const lines = createInterface({ input: child.stdout });
      const url = await new Promise<string>((resolve) => lines.once('line', resolve));
      const paused = new Promise<string>((resolve) => lines.once('line', resolve));
      const sent = upload(url, {
        fileName: 'Killed.1.0.0.tar.gz',
        content: fresh,
        key: ADMIN_KEY,
        query: 'overwriteMode=OverwriteExisting',
      });
      assert.equal(await paused, `paused after ${step}`);
      const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      child.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL');
      assert.equal(await sent, 'aborted');
      current = await startFeed({ dataDir: folder, apiKeys: KEYS });
      try {
        const [record] = current.packages();
        const bytes = readBytes(current.packagePath(record!));
        assert.equal(sha1(bytes), record!.hash, `after ${step}: the record matches the file`);
        const committed = WRITE_STEPS.indexOf(step) >= WRITE_STEPS.indexOf('recorded');
        assert.deepEqual(bytes, committed ? fresh : old, `after ${step}: ${committed ? 'new' : 'old'} package`);
        assert.deepEqual(filesUnder(path.join(folder, 'uploads')), []);
        assert.equal(filesUnder(path.join(folder, 'spaces')).length, 2, `after ${step}: no leftovers`);
      } finally {
        await current.close();
      }
    }
  });

  it('the write lock is shared: work under store.exclusive for a package holds its uploads back, other packages go on', async () => {
    const own = await PackageStore.open(path.join(tmp.path, 'own'), new FaultInjector());
    const order: string[] = [];
    let release!: () => void;
    const held = own.exclusive({ spaceId: 'Spaces-1', packageId: 'lock.me', version: '1.0' }, async () => {
      order.push('exclusive start');
      await new Promise<void>((resolve) => (release = resolve));
      order.push('exclusive end');
    });
    const commitOf = async (packageId: string): Promise<void> => {
      const file = await spool(Readable.from([Buffer.from(packageId)]), own.uploadsFolder, new FaultInjector());
      await own.commit({
        identity: { spaceId: 'Spaces-1', packageId, version: '1.0.0', extension: '.zip', fileName: `${packageId}.1.0.0.zip` },
        mode: 'FailIfExists',
        file,
      });
      order.push(`commit ${packageId}`);
    };
    const same = commitOf('Lock.Me');
    await commitOf('Other');
    assert.deepEqual(order, ['exclusive start', 'commit Other']);
    release();
    await Promise.all([held, same]);
    assert.deepEqual(order, ['exclusive start', 'commit Other', 'exclusive end', 'commit Lock.Me']);
  });

  it('start-up removes leftovers: spooled uploads, temporary records, files no record names', async () => {
    let current = await start();
    await uploadOrThrow(current.url, { fileName: 'Keep.1.0.0.zip', content: Buffer.from('kept'), key: ADMIN_KEY });
    await current.close();
    const folder = path.join(dataDir(), 'spaces', 'Spaces-1', 'keep');
    writeFileSync(path.join(dataDir(), 'uploads', '123-abc.upload.tmp'), 'half an upload');
    writeFileSync(path.join(folder, '1.0.0.json.1234abcd.tmp'), '{"half": ');
    writeFileSync(path.join(folder, 'Keep.1.0.0~deadbeef.zip'), 'an orphan of a crashed write');
    mkdirSync(path.join(dataDir(), 'spaces', 'Spaces-1', 'empty'), { recursive: true });
    current = await start();
    assert.deepEqual(storedIntact(current), Buffer.from('kept'));
    assert.deepEqual(filesUnder(path.join(dataDir(), 'uploads')), []);
    assert.equal(filesUnder(folder).length, 2);
  });

  it('reads a data folder of the layout before (file and <file>.record.json), and replaces such a package cleanly', async () => {
    const folder = path.join(dataDir(), 'spaces', 'Spaces-1', 'old.layout');
    mkdirSync(folder, { recursive: true });
    mkdirSync(path.join(dataDir(), 'uploads'), { recursive: true });
    const bytes = Buffer.from('stored by an older feed');
    writeFileSync(path.join(folder, 'Old.Layout.1.0.0.zip'), bytes);
    const record = {
      spaceId: 'Spaces-1',
      packageId: 'Old.Layout',
      version: '1.0.0',
      fileName: 'Old.Layout.1.0.0.zip',
      extension: '.zip',
      size: bytes.length,
      hash: sha1(bytes),
      published: new Date().toISOString(),
    };
    writeFileSync(path.join(folder, 'Old.Layout.1.0.0.zip.record.json'), JSON.stringify(record));
    const current = await start();
    assert.deepEqual(storedIntact(current), bytes);
    const fresh = Buffer.from('new bytes');
    const answer = await uploadOrThrow(current.url, {
      fileName: 'Old.Layout.1.0.0.zip',
      content: fresh,
      key: ADMIN_KEY,
      query: 'overwriteMode=OverwriteExisting',
    });
    assert.equal(answer.status, 201);
    assert.deepEqual(storedIntact(current), fresh);
    assert.equal(filesUnder(folder).length, 2, 'the old file and its old record are gone');
  });
});
