import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Feed, startFeed } from '@octojs/feed';
import { type OctoError, previewPush, push } from '../src/index.js';

const KEY = 'API-PREVIEW00000000000000000000';
const PUSH_ONLY = 'API-PUSHONLY0000000000000000000';

describe('previewPush', () => {
  let folder: string;
  let feed: Feed;
  before(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'octojs-preview-'));
    feed = await startFeed({
      dataDir: path.join(folder, 'feed'),
      apiKeys: { [KEY]: ['BuiltInFeedPush', 'FeedView'], [PUSH_ONLY]: ['BuiltInFeedPush'] },
      spaces: [
        { id: 'Spaces-1', name: 'Default', isDefault: true },
        { id: 'Spaces-2', name: 'Team B' },
      ],
    });
    writeFileSync(path.join(folder, 'There.1.0.0.zip'), 'PK\u0005\u0006'.padEnd(22, '\u0000'));
    await push(path.join(folder, 'There.1.0.0.zip'), { server: feed.url, apiKey: KEY, space: 'Team B' });
  });
  after(async () => {
    await feed.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('says, by GETs only, where a push would go and which versions are there', async () => {
    const before = feed.requests.length;
    const preview = await previewPush(
      [
        path.join(folder, 'There.1.0.0.zip'),
        { fileName: 'New.2.0.0.tar.gz' },
        { fileName: 'bad name.zip' },
        path.join(folder, 'Gone.1.0.0.zip'),
      ],
      {
        server: `${feed.url}/`,
        apiKey: KEY,
        space: 'team b',
        replace: true,
      },
    );
    assert.ok(feed.requests.slice(before).every((request) => request.method === 'GET'));
    assert.equal(preview.server, `${feed.url}/`);
    assert.equal(preview.spaceId, 'Spaces-2');
    assert.equal(preview.overwriteMode, 'OverwriteExisting');
    const [there, fresh, bad, gone] = preview.packages;
    assert.deepEqual(
      { ...there, serverSha1: undefined },
      {
        file: path.join(folder, 'There.1.0.0.zip'),
        fileName: 'There.1.0.0.zip',
        packageId: 'There',
        version: '1.0.0',
        size: 22,
        exists: true,
        serverSha1: undefined,
      },
    );
    assert.match(there!.serverSha1!, /^[0-9a-f]{40}$/);
    assert.deepEqual(fresh, {
      file: 'New.2.0.0.tar.gz',
      fileName: 'New.2.0.0.tar.gz',
      packageId: 'New',
      version: '2.0.0',
      size: undefined,
      exists: false,
    });
    assert.equal(bad!.error?.code, 'ERR_OCTO_AMBIGUOUS_NAME');
    assert.equal(bad!.exists, undefined);
    assert.equal(gone!.error?.code, 'ERR_OCTO_PACKAGE_NOT_FOUND');
  });

  it('leaves `exists` undefined when the key may push but not look', async () => {
    const preview = await previewPush([{ fileName: 'There.1.0.0.zip' }], { server: feed.url, apiKey: PUSH_ONLY, space: 'Spaces-2' });
    assert.equal(preview.packages[0]!.exists, undefined);
  });

  it('rejects settings and spaces before any package is looked at', async () => {
    await assert.rejects(previewPush([], { env: {} }), (error: OctoError) => error.code === 'ERR_OCTO_MISSING_SERVER');
    await assert.rejects(
      previewPush([], { server: feed.url, env: {} }),
      (error: OctoError) => error.code === 'ERR_OCTO_MISSING_CREDENTIALS',
    );
    await assert.rejects(
      previewPush([], { server: feed.url, apiKey: KEY, overwriteMode: 'sometimes' }),
      (error: OctoError) => error.code === 'ERR_OCTO_INVALID_OPTION',
    );
    await assert.rejects(
      previewPush([], { server: feed.url, apiKey: KEY, space: 'Nope' }),
      (error: OctoError) => error.code === 'ERR_OCTO_SPACE_NOT_FOUND',
    );
    await assert.rejects(
      previewPush([{ fileName: 'X.1.0.0.zip' }], { server: feed.url, apiKey: 'API-WRONG000' }),
      (error: OctoError) => error.code === 'ERR_OCTO_AUTH',
    );
  });
});
