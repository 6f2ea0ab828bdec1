import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createPackage } from '@octojs/core';
import { type Feed, startFeed } from '@octojs/feed';
import { makeRepository } from '../../../test/helpers/git-repo.js';
import { BINS, ROOT, runNode } from '../../../test/helpers/run-command.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';

const KEY = 'API-GRUNTBUILDINFO00000000000000';

describe('grunt-octo octo-push buildInformation', () => {
  const tmp = useTempDir('grunt-octo-bi-', path.join(ROOT, 'tmp'));
  let feed: Feed;
  beforeEach(async () => {
    feed = await startFeed({
      dataDir: path.join(tmp.path, 'feed'),
      apiKeys: { [KEY]: ['BuiltInFeedPush', 'FeedView', 'BuildInformationPush'] },
    });
  });
  afterEach(() => feed.close());

  it('true: after pushing, sends build information detected from the CI (Jenkins here) and git, from the real grunt', async () => {
    const repo = makeRepository(path.join(tmp.path, 'repo'));
    await createPackage({ id: 'Acme.Grunt', version: '2.0.0' }).addBuffer('a.js', '1').toFile(path.join(repo.dir, 'bin'));
    const gruntfile = path.join(repo.dir, 'Gruntfile.cjs');
    const config = { 'octo-push': { app: { options: { server: feed.url, buildInformation: true }, src: ['bin/*.zip'] } } };
    writeFileSync(
      gruntfile,
      `module.exports = function (grunt) {\n  grunt.initConfig(${JSON.stringify(config)});\n  grunt.loadNpmTasks('grunt-octo');\n};\n`,
    );
    const result = await runNode(BINS.grunt, ['--gruntfile', gruntfile, '--no-color', 'octo-push:app'], {
      cwd: repo.dir,
      env: {
        OCTOPUS_API_KEY: KEY,
        JENKINS_URL: 'https://jenkins.example.com/',
        BUILD_NUMBER: '12',
        BUILD_URL: 'https://jenkins.example.com/job/a/12/',
      },
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /Build information for Acme\.Grunt 2\.0\.0 \(Jenkins\): created/);
    const response = await fetch(`${feed.url}/api/Spaces-1/build-information?packageId=Acme.Grunt`, {
      headers: { 'x-octopus-apikey': KEY },
    });
    const [record] = ((await response.json()) as { Items: { BuildNumber: string; BuildUrl: string; Commits: unknown[] }[] }).Items;
    assert.equal(record!.BuildNumber, '12');
    assert.equal(record!.BuildUrl, 'https://jenkins.example.com/job/a/12/');
    assert.equal(record!.Commits.length, 4);
    assert.ok(!result.stdout.includes(KEY));
  });
});
