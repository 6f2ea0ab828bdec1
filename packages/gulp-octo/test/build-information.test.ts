import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createPackage } from '@octojs/core';
import { type Feed, startFeed } from '@octojs/feed';
import { push } from '../src/index.js';
import { type Fixture, makeRepository } from '../../../test/helpers/git-repo.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';
import { run, vinyl } from './vinyl-files.js';

const KEY = 'API-GULPBUILDINFO000000000000000';

describe('gulp-octo push({ buildInformation })', () => {
  const tmp = useTempDir();
  let feed: Feed;
  let repo: Fixture;
  let zip: string;

  beforeEach(async () => {
    feed = await startFeed({
      dataDir: path.join(tmp.path, 'feed'),
      apiKeys: { [KEY]: ['BuiltInFeedPush', 'FeedView', 'BuildInformationPush'] },
    });
    repo = makeRepository(path.join(tmp.path, 'repo'));
    zip = (await createPackage({ id: 'Acme.Gulp', version: '1.0.0' }).addBuffer('index.js', '1').toFile(tmp.path)).path;
  });
  afterEach(() => feed.close());

  const stored = async (): Promise<{ BuildEnvironment: string | null; BuildNumber: string | null; Commits: unknown[] }[]> => {
    const response = await fetch(`${feed.url}/api/Spaces-1/build-information?packageId=Acme.Gulp`, {
      headers: { 'x-octopus-apikey': KEY },
    });
    return ((await response.json()) as { Items: never[] }).Items;
  };

  it('true: pushes the package, then its build information detected from the CI and git', async () => {
    const env = { CIRCLECI: 'true', CIRCLE_BUILD_NUM: '77', CIRCLE_SHA1: repo.sha.last };
    await run(push({ server: feed.url, apiKey: KEY, env, cwd: repo.dir, buildInformation: true }), [
      vinyl(tmp.path, path.basename(zip), readFileSync(zip)),
    ]);
    assert.equal(feed.packages().length, 1);
    const [record] = await stored();
    assert.equal(record!.BuildEnvironment, 'CircleCI');
    assert.equal(record!.BuildNumber, '77');
    assert.equal(record!.Commits.length, 4);
  });

  it('an object: sent as given; a build information conflict fails the stream with its code, after the package was pushed', async () => {
    const url = `${feed.url}/api/Spaces-1/build-information`;
    const first = { PackageId: 'Acme.Gulp', Version: '1.0.0', OctopusBuildInformation: { BuildNumber: 'first' } };
    const posted = await fetch(url, {
      method: 'POST',
      headers: { 'x-octopus-apikey': KEY, 'content-type': 'application/json' },
      body: JSON.stringify(first),
    });
    assert.equal(posted.status, 201);
    const options = { server: feed.url, apiKey: KEY, env: {}, buildInformation: { buildEnvironment: 'gulp', buildNumber: '3' } };
    await assert.rejects(
      run(push(options), [vinyl(tmp.path, path.basename(zip), readFileSync(zip))]),
      (error: Error & { code?: string; plugin?: string }) => {
        assert.equal(error.plugin, 'gulp-octo');
        assert.equal(error.code, 'ERR_OCTO_CONFLICT');
        assert.match(error.message, /Build information for Acme\.Gulp 1\.0\.0 already exists/);
        return true;
      },
    );
    assert.equal(feed.packages().length, 1, 'the package itself was pushed');
    assert.equal((await stored())[0]!.BuildNumber, 'first');
    await run(push({ ...options, overwriteMode: 'ignore' }), [vinyl(tmp.path, path.basename(zip), readFileSync(zip))]);
    const v2 = (await createPackage({ id: 'Acme.Gulp', version: '2.0.0' }).addBuffer('a.js', '2').toFile(tmp.path)).path;
    await run(push(options), [vinyl(tmp.path, path.basename(v2), readFileSync(v2))]);
    assert.deepEqual(
      (await stored()).map((record) => [record.BuildEnvironment, record.BuildNumber]),
      [
        ['gulp', '3'],
        [null, 'first'],
      ],
    );
  });

  it('a service account id stands in for a key when the stream is made (OIDC sign-in comes at push time)', () => {
    assert.doesNotThrow(() => push({ server: feed.url, serviceAccountId: 'sa-1', env: {} }));
    assert.throws(() => push({ server: feed.url, env: {} }), { code: 'ERR_OCTO_MISSING_CREDENTIALS' });
  });
});
