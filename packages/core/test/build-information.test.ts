import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Feed, startFeed } from '@octojs/feed';
import {
  type BuildInformation,
  type PushBuildInformationOptions,
  detectBuildInformation,
  pushBuildInformation,
  pushBuildInformationAfterPush,
  readBuildInformationFile,
  vcsRootFromRemote,
} from '../src/index.js';
import { type Fixture, commit, git, makeRepository } from '../../../test/helpers/git-repo.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';

const PUSH_KEY = 'API-BUILDINFOPUSH000000000000000';
const ADMIN_KEY = 'API-BUILDINFOADMIN00000000000000';
const VIEW_KEY = 'API-VIEW000000000000000000000000';

interface Resource {
  Id: string;
  PackageId: string;
  Version: string;
  BuildEnvironment: string | null;
  BuildNumber: string | null;
  BuildUrl: string | null;
  Branch: string | null;
  VcsType: string | null;
  VcsRoot: string | null;
  VcsCommitNumber: string | null;
  Commits: { Id: string; Comment: string; LinkUrl: string | null }[];
}

/** Reads JSON from the feed with the view key, as a user's script would. */
async function getJson<T>(url: string, key = VIEW_KEY): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { headers: { 'x-octopus-apikey': key } });
  return { status: response.status, body: (await response.json()) as T };
}

async function postJson(url: string, body: unknown, key = ADMIN_KEY): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'x-octopus-apikey': key, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('vcsRootFromRemote()', () => {
  it('strips user names, passwords and tokens, turns SSH remotes into https, and drops .git', () => {
    assert.equal(vcsRootFromRemote('https://x-access-token:ghs_SECRET@github.com/acme/web.git'), 'https://github.com/acme/web');
    assert.equal(vcsRootFromRemote('https://gitlab-ci-token:glcbt-SECRET@gitlab.com/acme/web.git'), 'https://gitlab.com/acme/web');
    assert.equal(vcsRootFromRemote('https://user@bitbucket.org/acme/web.git'), 'https://bitbucket.org/acme/web');
    assert.equal(vcsRootFromRemote('git@github.com:acme/web.git'), 'https://github.com/acme/web');
    assert.equal(vcsRootFromRemote('ssh://git@ssh.dev.azure.com:22/v3/acme/proj/web'), 'https://ssh.dev.azure.com/v3/acme/proj/web');
    assert.equal(vcsRootFromRemote('https://dev.azure.com/acme/proj/_git/web?x=token#y'), 'https://dev.azure.com/acme/proj/_git/web');
    assert.equal(vcsRootFromRemote('/srv/git/web.git'), undefined);
    assert.equal(vcsRootFromRemote('file:///srv/git/web.git'), undefined);
    assert.equal(vcsRootFromRemote(''), undefined);
  });
});

describe('detectBuildInformation() from git', () => {
  const tmp = useTempDir();
  let repo: Fixture;
  beforeEach(() => {
    repo = makeRepository(path.join(tmp.path, 'repo'));
  });

  it('outside CI, lists the commits since the previous tag (merge included), first lines only, from git alone', async () => {
    const { buildInformation, ci, shallow, warnings } = await detectBuildInformation({ cwd: repo.dir, env: {} });
    assert.equal(ci, undefined);
    assert.equal(shallow, false);
    assert.deepEqual(warnings, []);
    assert.deepEqual(buildInformation, {
      buildEnvironment: 'Local',
      branch: 'main',
      vcsType: 'Git',
      vcsRoot: 'https://git.example.com/acme/web',
      vcsCommitNumber: repo.sha.last,
      commits: [
        { id: repo.sha.last, comment: 'Update readme' },
        { id: repo.sha.merge, comment: "Merge branch 'feature/login'" },
        { id: repo.sha.fix, comment: 'Fix typo (#12)' },
        { id: repo.sha.feature, comment: 'Add login page' },
      ],
    });
    assert.ok(!JSON.stringify(buildInformation).includes('s3cr3t'));
  });

  it('on a tagged HEAD, lists the commits since the tag before it', async () => {
    git(repo.dir, 'tag', 'v1.1.0');
    commit(repo.dir, 'After 1.1');
    git(repo.dir, 'tag', 'v1.2.0');
    const { buildInformation } = await detectBuildInformation({ cwd: repo.dir, env: {} });
    assert.deepEqual(
      buildInformation.commits!.map((entry) => entry.comment),
      ['After 1.1'],
    );
    git(repo.dir, 'checkout', '-q', '--detach', 'v1.1.0');
    const detached = await detectBuildInformation({ cwd: repo.dir, env: {} });
    assert.equal(detached.buildInformation.branch, undefined, 'a detached HEAD has no branch');
    assert.equal(detached.buildInformation.commits!.length, 4, 'v1.1.0 is HEAD: since v1.0.0');
  });

  it('lists the commits after `since`, and refuses a commit the repository does not have', async () => {
    const { buildInformation } = await detectBuildInformation({ cwd: repo.dir, env: {}, since: repo.sha.merge });
    assert.deepEqual(buildInformation.commits, [{ id: repo.sha.last, comment: 'Update readme' }]);
    await assert.rejects(detectBuildInformation({ cwd: repo.dir, env: {}, since: '--output=/tmp/x' }), {
      code: 'ERR_OCTO_INVALID_OPTION',
      option: 'since',
    });
    await assert.rejects(detectBuildInformation({ cwd: repo.dir, env: {}, since: 'f'.repeat(40) }), {
      code: 'ERR_OCTO_INVALID_OPTION',
      option: 'since',
    });
  });

  it('keeps at most maxCommits (newest first) and warns that there were more', async () => {
    const { buildInformation, warnings } = await detectBuildInformation({ cwd: repo.dir, env: {}, maxCommits: 2 });
    assert.deepEqual(
      buildInformation.commits!.map((entry) => entry.id),
      [repo.sha.last, repo.sha.merge],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /More than 2 commits since v1\.0\.0: only the newest 2 are sent \(`maxCommits`/);
  });

  it('without any tag, lists the whole history (bounded by the default 100)', async () => {
    const plain = path.join(tmp.path, 'plain');
    mkdirSync(plain);
    git(plain, 'init', '-q', '-b', 'trunk');
    for (let index = 0; index < 102; index++) git(plain, 'commit', '-q', '--allow-empty', '-m', `Commit ${index}`);
    const { buildInformation, warnings } = await detectBuildInformation({ cwd: plain, env: {} });
    assert.equal(buildInformation.commits!.length, 100);
    assert.equal(buildInformation.commits![0]!.comment, 'Commit 101');
    assert.equal(buildInformation.branch, 'trunk');
    assert.equal(buildInformation.vcsRoot, undefined);
    assert.ok(warnings.some((warning) => /More than 100 commits in the history/.test(warning)));
    assert.ok(warnings.some((warning) => /No remote URL/.test(warning)));
  });

  it('in a shallow clone, says so instead of inventing history', async () => {
    const clone = path.join(tmp.path, 'clone');
    git(tmp.path, 'clone', '-q', '--depth', '2', `file://${repo.dir}`, clone);
    const { buildInformation, shallow, warnings } = await detectBuildInformation({ cwd: clone, env: {} });
    assert.equal(shallow, true);
    assert.ok(buildInformation.commits!.length <= 3, 'only what the clone has');
    assert.equal(buildInformation.commits![0]!.id, repo.sha.last);
    assert.ok(!buildInformation.commits!.some((entry) => entry.id === repo.sha.tagged || entry.id === repo.sha.initial));
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /shallow clone and no earlier tag is in it/);
    assert.equal(buildInformation.vcsRoot, undefined, 'a file:// remote is no VCS root');
    assert.match(warnings[1]!, /No remote URL/);

    const since = await detectBuildInformation({ cwd: clone, env: {}, since: repo.sha.initial });
    assert.match(since.warnings[0]!, /is not in this shallow clone/);
  });

  it('for TFVC (Azure DevOps), sends what the CI says, without git and without commits, and says so', async () => {
    const elsewhere = path.join(tmp.path, 'tfvc');
    mkdirSync(elsewhere);
    const env = {
      TF_BUILD: 'True',
      BUILD_BUILDNUMBER: '7',
      BUILD_SOURCEBRANCH: '$/Project/Main',
      BUILD_SOURCEVERSION: 'C123',
      BUILD_REPOSITORY_PROVIDER: 'TfsVersionControl',
      BUILD_REPOSITORY_URI: 'https://dev.azure.com/acme/Project',
    };
    const { buildInformation, ci, warnings } = await detectBuildInformation({ cwd: elsewhere, env });
    assert.equal(ci, 'Azure DevOps');
    assert.deepEqual(buildInformation, {
      buildEnvironment: 'Azure DevOps',
      buildNumber: '7',
      branch: '$/Project/Main',
      vcsType: 'TFVC',
      vcsRoot: 'https://dev.azure.com/acme/Project',
      vcsCommitNumber: 'C123',
      commits: [],
    });
    assert.match(warnings[0]!, /TFVC: the changesets of this build are not listed/);
  });

  it('outside a git repository, fails with ERR_OCTO_NOT_GIT and a hint', async () => {
    const empty = path.join(tmp.path, 'not-git');
    mkdirSync(empty);
    await assert.rejects(
      detectBuildInformation({ cwd: empty, env: { GIT_CEILING_DIRECTORIES: tmp.path } }),
      (error: Error & { code?: string; hint?: string }) => {
        assert.equal(error.code, 'ERR_OCTO_NOT_GIT');
        assert.match(error.message, /is not inside a git repository/);
        assert.match(error.hint!, /--file/);
        return true;
      },
    );
  });
});

/** Each CI's documented variables, and what detection must make of them. */
function ciCases(fixture: Fixture): { name: string; env: NodeJS.ProcessEnv; expected: Partial<Resource> }[] {
  const sha = fixture.sha.last;
  return [
    {
      name: 'GitHub Actions',
      env: {
        GITHUB_ACTIONS: 'true',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'acme/web',
        GITHUB_RUN_ID: '9876543210',
        GITHUB_RUN_NUMBER: '42',
        GITHUB_REF: 'refs/heads/release/2.0',
        GITHUB_SHA: sha,
      },
      expected: {
        BuildEnvironment: 'GitHub Actions',
        BuildNumber: '42',
        BuildUrl: 'https://github.com/acme/web/actions/runs/9876543210',
        Branch: 'release/2.0',
        VcsRoot: 'https://github.com/acme/web',
        VcsCommitNumber: sha,
      },
    },
    {
      name: 'GitLab CI',
      env: {
        GITLAB_CI: 'true',
        CI_PIPELINE_IID: '17',
        CI_PIPELINE_ID: '123456',
        CI_PIPELINE_URL: 'https://gitlab.com/acme/web/-/pipelines/123456',
        CI_COMMIT_REF_NAME: 'main',
        CI_COMMIT_SHA: sha,
        CI_PROJECT_URL: 'https://gitlab.com/acme/web',
      },
      expected: {
        BuildEnvironment: 'GitLab CI',
        BuildNumber: '17',
        BuildUrl: 'https://gitlab.com/acme/web/-/pipelines/123456',
        Branch: 'main',
        VcsRoot: 'https://gitlab.com/acme/web',
        VcsCommitNumber: sha,
      },
    },
    {
      name: 'Azure DevOps',
      env: {
        TF_BUILD: 'True',
        BUILD_BUILDNUMBER: '20240101.3',
        BUILD_BUILDID: '555',
        SYSTEM_TEAMFOUNDATIONCOLLECTIONURI: 'https://dev.azure.com/acme/',
        SYSTEM_TEAMPROJECT: 'Web Team',
        BUILD_SOURCEBRANCH: 'refs/heads/main',
        BUILD_SOURCEVERSION: sha,
        BUILD_REPOSITORY_PROVIDER: 'TfsGit',
        BUILD_REPOSITORY_URI: 'https://acme@dev.azure.com/acme/Web%20Team/_git/web',
      },
      expected: {
        BuildEnvironment: 'Azure DevOps',
        BuildNumber: '20240101.3',
        BuildUrl: 'https://dev.azure.com/acme/Web%20Team/_build/results?buildId=555',
        Branch: 'main',
        VcsRoot: 'https://dev.azure.com/acme/Web%20Team/_git/web',
        VcsCommitNumber: sha,
      },
    },
    {
      name: 'TeamCity',
      env: { TEAMCITY_VERSION: '2024.03', BUILD_NUMBER: '311', BUILD_VCS_NUMBER: sha },
      expected: {
        BuildEnvironment: 'TeamCity',
        BuildNumber: '311',
        BuildUrl: 'https://teamcity.example.com/viewLog.html?buildId=9001',
        Branch: 'main',
        VcsRoot: 'https://git.example.com/acme/teamcity-root',
        VcsCommitNumber: sha,
      },
    },
    {
      name: 'Jenkins',
      env: {
        JENKINS_URL: 'https://jenkins.example.com/',
        BUILD_NUMBER: '88',
        BUILD_URL: 'https://jenkins.example.com/job/web/88/',
        GIT_BRANCH: 'origin/develop',
        GIT_COMMIT: sha,
        GIT_URL: 'https://jenkins-bot:hunter2@git.example.com/acme/web.git',
      },
      expected: {
        BuildEnvironment: 'Jenkins',
        BuildNumber: '88',
        BuildUrl: 'https://jenkins.example.com/job/web/88/',
        Branch: 'develop',
        VcsRoot: 'https://git.example.com/acme/web',
        VcsCommitNumber: sha,
      },
    },
    {
      name: 'Bitbucket Pipelines',
      env: {
        BITBUCKET_BUILD_NUMBER: '64',
        BITBUCKET_COMMIT: sha,
        BITBUCKET_BRANCH: 'feature/x',
        BITBUCKET_GIT_HTTP_ORIGIN: 'http://bitbucket.org/acme/web',
        BITBUCKET_REPO_FULL_NAME: 'acme/web',
      },
      expected: {
        BuildEnvironment: 'Bitbucket Pipelines',
        BuildNumber: '64',
        BuildUrl: 'http://bitbucket.org/acme/web/addon/pipelines/home#!/results/64',
        Branch: 'feature/x',
        VcsRoot: 'http://bitbucket.org/acme/web',
        VcsCommitNumber: sha,
      },
    },
    {
      name: 'CircleCI',
      env: {
        CIRCLECI: 'true',
        CIRCLE_BUILD_NUM: '1234',
        CIRCLE_BUILD_URL: 'https://circleci.com/gh/acme/web/1234',
        CIRCLE_BRANCH: 'main',
        CIRCLE_SHA1: sha,
        CIRCLE_REPOSITORY_URL: 'git@github.com:acme/web.git',
      },
      expected: {
        BuildEnvironment: 'CircleCI',
        BuildNumber: '1234',
        BuildUrl: 'https://circleci.com/gh/acme/web/1234',
        Branch: 'main',
        VcsRoot: 'https://github.com/acme/web',
        VcsCommitNumber: sha,
      },
    },
  ];
}

describe('pushBuildInformation()', () => {
  const tmp = useTempDir();
  let feed: Feed;
  let repo: Fixture;

  const start = async (): Promise<Feed> => {
    feed = await startFeed({
      dataDir: path.join(tmp.path, 'feed'),
      apiKeys: {
        [PUSH_KEY]: ['BuildInformationPush'],
        [ADMIN_KEY]: ['BuildInformationPush', 'BuildInformationAdminister', 'FeedView'],
        [VIEW_KEY]: ['FeedView', 'BuiltInFeedPush'],
      },
      spaces: [
        { id: 'Spaces-1', name: 'Default', isDefault: true },
        { id: 'Spaces-2', name: 'Team Two' },
      ],
    });
    return feed;
  };
  const options = (extra: Partial<PushBuildInformationOptions> = {}): PushBuildInformationOptions => ({
    server: feed.url,
    apiKey: PUSH_KEY,
    packageIds: ['Acme.Web'],
    version: '1.2.3',
    cwd: repo.dir,
    retryDelay: 5,
    env: {},
    ...extra,
  });
  const stored = async (packageId = 'Acme.Web', space = 'Spaces-1'): Promise<Resource[]> =>
    (await getJson<{ Items: Resource[] }>(`${feed.url}/api/${space}/build-information?packageId=${packageId}`)).body.Items;

  beforeEach(async () => {
    repo = makeRepository(path.join(tmp.path, 'repo'));
    await start();
  });
  afterEach(async () => {
    await feed?.close();
  });

  for (const index of [0, 1, 2, 3, 4, 5, 6]) {
    it(`detects ${['GitHub Actions', 'GitLab CI', 'Azure DevOps', 'TeamCity', 'Jenkins', 'Bitbucket Pipelines', 'CircleCI'][index]} from its variables and reads the commits from git; given build information goes as it is`, async () => {
      const testCase = ciCases(repo)[index]!;
      const env = { ...testCase.env };
      if (testCase.name === 'TeamCity') {
        // TeamCity hands the build's parameters over in property files.
        const configuration = path.join(tmp.path, 'teamcity-config.properties');
        writeFileSync(
          configuration,
          [
            '#TeamCity configuration parameters',
            'teamcity.serverUrl=https\\://teamcity.example.com',
            'teamcity.build.branch=refs/heads/main',
            'vcsroot.url=https\\://tc\\:pa55@git.example.com/acme/teamcity-root.git',
          ].join('\n'),
        );
        const build = path.join(tmp.path, 'teamcity-build.properties');
        writeFileSync(
          build,
          `teamcity.build.id=9001\nteamcity.configuration.properties.file=${configuration.replace(/\\/g, '\\\\').replace(/:/g, '\\:')}\n`,
        );
        env.TEAMCITY_BUILD_PROPERTIES_FILE = build;
      }
      const result = await pushBuildInformation(options({ env }));
      assert.equal(result.ci, testCase.name);
      assert.deepEqual(
        result.packages.map((entry) => entry.outcome),
        ['created'],
      );
      const [record] = await stored();
      assert.ok(record);
      for (const [field, value] of Object.entries(testCase.expected)) assert.equal(record[field as keyof Resource], value, field);
      assert.equal(record.VcsType, 'Git');
      assert.deepEqual(
        record.Commits.map((entry) => entry.Comment),
        ['Update readme', "Merge branch 'feature/login'", 'Fix typo (#12)', 'Add login page'],
      );
      assert.equal(record.Commits[0]!.LinkUrl, `${testCase.expected.VcsRoot}/commit/${repo.sha.last}`);
      // Given build information is sent as it is, whatever the CI says.
      const explicit = await pushBuildInformation(
        options({ env, packageIds: 'Acme.Given', buildInformation: { buildEnvironment: 'Given', branch: 'given', commits: [] } }),
      );
      assert.equal(explicit.ci, undefined);
      const [given] = await stored('Acme.Given');
      assert.deepEqual([given!.BuildEnvironment, given!.Branch, given!.BuildNumber, given!.Commits], ['Given', 'given', null, []]);
      const everything = JSON.stringify(await stored());
      for (const secret of ['s3cr3t', 'hunter2', 'pa55', 'acme@']) assert.ok(!everything.includes(secret), secret);
    });
  }

  it('sends explicit build information as given, one POST per package id, the overwrite mode in query and body', async () => {
    const given: BuildInformation = {
      buildEnvironment: 'Octo.exe style',
      buildNumber: '7',
      buildUrl: 'https://ci.example.com/7',
      branch: 'main',
      vcsType: 'Git',
      vcsRoot: 'https://token:xyz@git.example.com/acme/web.git',
      vcsCommitNumber: 'abc123',
      commits: [{ id: 'abc123', comment: 'One\nTwo' }],
    };
    const result = await pushBuildInformation(options({ packageIds: ['Acme.Web', 'Acme.Api', 'Acme.Web'], buildInformation: given }));
    assert.equal(result.ci, undefined);
    assert.deepEqual(
      result.packages.map((entry) => [entry.packageId, entry.outcome, entry.ok && entry.attempts]),
      [
        ['Acme.Web', 'created', 1],
        ['Acme.Api', 'created', 1],
      ],
    );
    const posts = feed.requests.filter((request) => request.method === 'POST');
    assert.deepEqual(
      posts.map((request) => [request.path, request.query, request.status]),
      [
        ['/api/build-information', '?overwriteMode=FailIfExists', 201],
        ['/api/build-information', '?overwriteMode=FailIfExists', 201],
      ].map(([, query, status]) => ['/api/Spaces-1/build-information', query, status]),
    );
    const [api] = await stored('Acme.Api');
    assert.equal(api!.VcsRoot, 'https://git.example.com/acme/web');
    assert.deepEqual(api!.Commits, [{ Id: 'abc123', Comment: 'One', LinkUrl: 'https://git.example.com/acme/web/commit/abc123' }]);
    assert.equal(api!.BuildEnvironment, 'Octo.exe style');
  });

  it('FailIfExists conflicts (409), IgnoreIfExists keeps, OverwriteExisting replaces (with the administer permission only)', async () => {
    await pushBuildInformation(options({ buildInformation: { buildNumber: '1' } }));
    await assert.rejects(
      pushBuildInformation(options({ buildInformation: { buildNumber: '2' } })),
      (error: Error & { code?: string; hint?: string; status?: number }) => {
        assert.equal(error.code, 'ERR_OCTO_CONFLICT');
        assert.equal(error.status, 409);
        assert.match(error.message, /Build information for Acme\.Web 1\.2\.3 already exists on the server \(409\)/);
        assert.match(error.hint!, /OverwriteExisting/);
        return true;
      },
    );
    const ignored = await pushBuildInformation(options({ buildInformation: { buildNumber: '3' }, overwriteMode: 'ignore' }));
    assert.equal(ignored.packages[0]!.outcome, 'ignored');
    assert.equal((await stored())[0]!.BuildNumber, '1');
    await assert.rejects(pushBuildInformation(options({ buildInformation: { buildNumber: '4' }, overwriteMode: 'OverwriteExisting' })), {
      code: 'ERR_OCTO_PERMISSION',
      hint: /BuildInformationAdminister/,
    });
    const overwritten = await pushBuildInformation(
      options({ apiKey: ADMIN_KEY, buildInformation: { buildNumber: '5' }, overwriteMode: 'overwrite' }),
    );
    assert.equal(overwritten.packages[0]!.outcome, 'overwritten');
    const records = await stored();
    assert.equal(records.length, 1);
    assert.equal(records[0]!.BuildNumber, '5');
    assert.equal(feed.requests.filter((request) => request.method === 'POST').at(-1)!.query, '?overwriteMode=OverwriteExisting');
  });

  it('the feed honours OverwriteMode in the body when the query has none (as the Go CLI sends it)', async () => {
    const url = `${feed.url}/api/Spaces-1/build-information`;
    const body = (mode: string, number: string) => ({
      PackageId: 'Go.App',
      Version: '1.0.0',
      OverwriteMode: mode,
      OctopusBuildInformation: { BuildNumber: number },
    });
    assert.equal((await postJson(url, body('FailIfExists', '1'))).status, 201);
    assert.equal((await postJson(url, body('FailIfExists', '2'))).status, 409);
    assert.equal((await postJson(url, body('OverwriteExisting', '3'))).status, 200);
    assert.equal((await stored('Go.App'))[0]!.BuildNumber, '3');
    // The query wins over the body.
    assert.equal((await postJson(`${url}?overwriteMode=FailIfExists`, body('OverwriteExisting', '4'))).status, 409);
  });

  it('the feed validates as Octopus does: VcsType Git or TFVC, required fields, ids and versions', async () => {
    const url = `${feed.url}/api/Spaces-1/build-information`;
    const svn = await postJson(url, { PackageId: 'A', Version: '1.0.0', OctopusBuildInformation: { VcsType: 'SVN' } });
    assert.equal(svn.status, 400);
    assert.deepEqual(svn.body.Errors, ["VcsType 'SVN' is not supported. Supported values are Git and TFVC."]);
    assert.equal((await postJson(url, { PackageId: 'A', Version: '1.0.0', OctopusBuildInformation: { VcsType: 'TFVC' } })).status, 201);
    assert.deepEqual((await postJson(url, { Version: '1.0.0', OctopusBuildInformation: {} })).body.Errors, ['PackageId is required.']);
    assert.deepEqual((await postJson(url, { PackageId: 'A', Version: '2.0.0' })).body.Errors, ['OctopusBuildInformation is required.']);
    assert.match(
      String((await postJson(url, { PackageId: 'bad id!', Version: '1.0.0', OctopusBuildInformation: {} })).body.ErrorMessage),
      /invalid characters/,
    );
    assert.match(
      String((await postJson(url, { PackageId: 'A', Version: 'one', OctopusBuildInformation: {} })).body.ErrorMessage),
      /version is invalid/,
    );
    const commits = await postJson(url, { PackageId: 'A', Version: '3.0.0', OctopusBuildInformation: { Commits: [{ Comment: 'no id' }] } });
    assert.deepEqual(commits.body.Errors, ['Commits[0].Id is required.']);
    // The client refuses SVN before sending anything.
    const before = feed.requests.length;
    await assert.rejects(pushBuildInformation(options({ buildInformation: { vcsType: 'SVN' as never } })), {
      code: 'ERR_OCTO_INVALID_OPTION',
      option: 'vcsType',
    });
    assert.equal(feed.requests.length, before);
  });

  it('shows on the package resource, in the paged list filtered by package id, and by id; per space', async () => {
    const zip = path.join(tmp.path, 'Acme.Web.1.2.3.zip');
    writeFileSync(zip, Buffer.from('PK\u0005\u0006' + '\u0000'.repeat(18), 'binary'));
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('PK\u0005\u0006' + '\u0000'.repeat(18), 'binary')]), 'Acme.Web.1.2.3.zip');
    const uploaded = await fetch(`${feed.url}/api/Spaces-1/packages/raw`, {
      method: 'POST',
      headers: { 'x-octopus-apikey': VIEW_KEY },
      body: form,
    });
    assert.equal(uploaded.status, 201);
    for (const version of ['1.2.3', '1.2.4', '1.10.0'])
      await pushBuildInformation(options({ version, buildInformation: { buildNumber: version } }));
    await pushBuildInformation(options({ packageIds: 'Other.App', buildInformation: { buildNumber: 'other' } }));
    await pushBuildInformation(options({ space: 'Team Two', buildInformation: { buildNumber: 'two' } }));

    const pkg = await getJson<{ PackageVersionBuildInformation: Resource | null }>(
      `${feed.url}/api/Spaces-1/packages/packages-Acme.Web.1.2.3`,
    );
    assert.equal(pkg.body.PackageVersionBuildInformation!.BuildNumber, '1.2.3');
    const first = await getJson<{ Items: Resource[]; TotalResults: number; Links: Record<string, string> }>(
      `${feed.url}/api/Spaces-1/build-information?packageId=acme.web&take=2`,
    );
    assert.equal(first.body.TotalResults, 3);
    assert.deepEqual(
      first.body.Items.map((item) => item.Version),
      ['1.10.0', '1.2.4'],
    );
    const next = await getJson<{ Items: Resource[] }>(`${feed.url}${first.body.Links['Page.Next']!}`);
    assert.deepEqual(
      next.body.Items.map((item) => item.Version),
      ['1.2.3'],
    );
    const all = await getJson<{ Items: Resource[] }>(`${feed.url}/api/Spaces-1/build-information`);
    assert.equal(all.body.Items.length, 4);
    const one = await getJson<Resource>(`${feed.url}/api/Spaces-1/build-information/${next.body.Items[0]!.Id}`);
    assert.equal(one.body.Version, '1.2.3');
    assert.deepEqual(
      (await stored('Acme.Web', 'Spaces-2')).map((item) => item.BuildNumber),
      ['two'],
    );
    assert.equal((await getJson(`${feed.url}/api/Spaces-1/build-information/BuildInformation-999`)).status, 404);
  });

  it('keeps build information across a feed restart', async () => {
    await pushBuildInformation(options({ buildInformation: { buildNumber: 'kept' } }));
    await feed.close();
    await start();
    assert.equal((await stored())[0]!.BuildNumber, 'kept');
  });

  it('retries a 503 like a package push, and reports the attempts', async () => {
    feed.faults.failNext(1, 503, { method: 'POST', path: /build-information/ });
    const result = await pushBuildInformation(options({ buildInformation: { buildNumber: '1' } }));
    assert.deepEqual(
      result.packages.map((entry) => entry.ok && entry.attempts),
      [2],
    );
  });

  it('with continueOnError, reports each package id; without it, rejects at the first failure', async () => {
    await pushBuildInformation(options({ packageIds: 'Acme.Api', buildInformation: {} }));
    const result = await pushBuildInformation(
      options({ packageIds: ['Acme.Api', 'Acme.Web'], buildInformation: {}, continueOnError: true }),
    );
    assert.deepEqual(
      result.packages.map((entry) => [entry.packageId, entry.outcome, entry.ok ? undefined : entry.error.code]),
      [
        ['Acme.Api', 'failed', 'ERR_OCTO_CONFLICT'],
        ['Acme.Web', 'created', undefined],
      ],
    );
  });

  it('checks its options before any request: unknown keys with the near miss, ids, versions', async () => {
    await assert.rejects(pushBuildInformation({ ...options(), maxCommit: 3 } as never), {
      code: 'ERR_OCTO_INVALID_OPTION',
      option: 'maxCommit',
      hint: /maxCommits/,
    });
    await assert.rejects(pushBuildInformation(options({ packageIds: [] })), { code: 'ERR_OCTO_INVALID_OPTION', option: 'packageIds' });
    await assert.rejects(pushBuildInformation(options({ version: 'not a version' })), { code: 'ERR_OCTO_INVALID_VERSION' });
    await assert.rejects(pushBuildInformation(options({ buildInformation: { bulidNumber: '1' } as never })), {
      code: 'ERR_OCTO_INVALID_OPTION',
      option: 'bulidNumber',
      hint: /buildNumber/,
    });
    assert.equal(feed.requests.length, 0);
  });

  it('never sends a key to a server that is not Octopus, and its errors carry no key', async () => {
    const server = http.createServer((_request, response) =>
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      await assert.rejects(
        pushBuildInformation(options({ server: `http://127.0.0.1:${port}`, buildInformation: {} })),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'ERR_OCTO_NOT_OCTOPUS');
          assert.ok(!JSON.stringify(error).includes(PUSH_KEY) && !error.message.includes(PUSH_KEY));
          return true;
        },
      );
    } finally {
      server.close();
    }
  });
});

describe('readBuildInformationFile()', () => {
  const tmp = useTempDir();
  it("reads Octo.exe's JSON format (PascalCase OctopusBuildInformation) and checks it", async () => {
    const file = path.join(tmp.path, 'buildinfo.json');
    writeFileSync(
      file,
      JSON.stringify({
        BuildEnvironment: 'Jenkins',
        BuildNumber: 12,
        BuildUrl: 'https://jenkins.example.com/job/x/12/',
        Branch: 'main',
        VcsType: 'Git',
        VcsRoot: 'https://u:p@git.example.com/a/b.git',
        VcsCommitNumber: 'abc',
        Commits: [{ Id: 'abc', Comment: 'Did it\nmore' }],
      }),
    );
    assert.deepEqual(await readBuildInformationFile(file), {
      buildEnvironment: 'Jenkins',
      buildNumber: '12',
      buildUrl: 'https://jenkins.example.com/job/x/12/',
      branch: 'main',
      vcsType: 'Git',
      vcsRoot: 'https://git.example.com/a/b',
      vcsCommitNumber: 'abc',
      commits: [{ id: 'abc', comment: 'Did it' }],
    });
    writeFileSync(file, JSON.stringify({ VcsType: 'SVN' }));
    await assert.rejects(readBuildInformationFile(file), { code: 'ERR_OCTO_INVALID_OPTION', path: file });
    writeFileSync(file, '{ nope');
    await assert.rejects(readBuildInformationFile(file), { code: 'ERR_OCTO_INVALID_OPTION', message: /is not valid JSON/ });
  });
});

describe('pushBuildInformationAfterPush()', () => {
  const tmp = useTempDir();
  let feed: Feed;
  afterEach(async () => {
    await feed?.close();
  });

  it('pushes detected build information for the packages a push created, per version, with the push options as they are', async () => {
    const repo = makeRepository(path.join(tmp.path, 'repo'));
    feed = await startFeed({ dataDir: path.join(tmp.path, 'feed'), apiKeys: { [VIEW_KEY]: ['BuildInformationPush', 'FeedView'] } });
    const pushOptions = {
      server: feed.url,
      apiKey: VIEW_KEY,
      env: {},
      cwd: repo.dir,
      overwriteMode: 'ignore',
      replace: false,
      onProgress: () => {},
    };
    const results = await pushBuildInformationAfterPush(
      [
        { ok: true, packageId: 'Acme.Web', version: '1.0.0' },
        { ok: true, packageId: 'Acme.Api', version: '1.0.0' },
        { ok: false, packageId: 'Acme.Broken', version: '1.0.0' },
        { ok: true, packageId: 'Acme.Web', version: '2.0.0' },
      ],
      true,
      pushOptions,
    );
    assert.deepEqual(
      results.map((result) => result.packages.map((entry) => `${entry.packageId} ${entry.version} ${entry.outcome}`)),
      [['Acme.Web 1.0.0 created', 'Acme.Api 1.0.0 created'], ['Acme.Web 2.0.0 created']],
    );
    assert.equal(results[0]!.buildInformation.commits!.length, 4);
    assert.ok(
      feed.requests.filter((request) => request.method === 'POST').every((request) => request.query === '?overwriteMode=IgnoreIfExists'),
    );
  });
});
