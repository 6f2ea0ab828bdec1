import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, generateKeyPair } from 'jose';
import { type Feed, startFeed } from '@octojs/feed';
import { type Fixture, makeRepository } from './helpers/git-repo.js';
import { BINS, type CommandResult, runNode } from './helpers/run-command.js';
import { useTempDir } from './helpers/temp-dir.js';

const KEY = 'API-CLIBUILDINFO0000000000000000';

function octojs(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CommandResult> {
  return runNode(BINS.octojs, args, options);
}

interface Stored {
  PackageId: string;
  BuildEnvironment: string | null;
  BuildNumber: string | null;
  Branch: string | null;
  VcsRoot: string | null;
  Commits: { Id: string; Comment: string }[];
}

describe('octojs build-information', () => {
  const tmp = useTempDir();
  let feed: Feed;
  let repo: Fixture;

  beforeEach(async () => {
    feed = await startFeed({ dataDir: path.join(tmp.path, 'feed'), apiKeys: { [KEY]: ['BuildInformationPush', 'FeedView'] } });
    repo = makeRepository(path.join(tmp.path, 'repo'));
  });
  afterEach(() => feed.close());

  const stored = async (packageId: string): Promise<Stored[]> => {
    const response = await fetch(`${feed.url}/api/Spaces-1/build-information?packageId=${packageId}`, {
      headers: { 'x-octopus-apikey': KEY },
    });
    return ((await response.json()) as { Items: Stored[] }).Items;
  };
  const githubEnv = (summary: string): NodeJS.ProcessEnv => ({
    OCTOPUS_URL: feed.url,
    OCTOPUS_API_KEY: KEY,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/web',
    GITHUB_RUN_ID: '1001',
    GITHUB_RUN_NUMBER: '5',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: repo.sha.last,
    GITHUB_STEP_SUMMARY: summary,
  });

  it('detects GitHub Actions and git, pushes one record per --package-id, writes the job summary; --json is the only stdout', async () => {
    const summary = path.join(tmp.path, 'summary.md');
    writeFileSync(summary, '');
    const run = await octojs(['build-information', '--package-id', 'Acme.Web', '-p', 'Acme.Api', '--version', '1.0.0', '--json'], {
      cwd: repo.dir,
      env: githubEnv(summary),
    });
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as {
      ci: string;
      packages: { packageId: string; outcome: string }[];
      buildInformation: { commits: unknown[] };
    };
    assert.equal(doc.ci, 'GitHub Actions');
    assert.deepEqual(
      doc.packages.map((entry) => [entry.packageId, entry.outcome]),
      [
        ['Acme.Web', 'created'],
        ['Acme.Api', 'created'],
      ],
    );
    assert.equal(doc.buildInformation.commits.length, 4);
    const [web] = await stored('Acme.Web');
    assert.equal(web!.BuildEnvironment, 'GitHub Actions');
    assert.equal(web!.BuildNumber, '5');
    assert.equal(web!.VcsRoot, 'https://github.com/acme/web');
    assert.equal((await stored('Acme.Api')).length, 1);
    const markdown = readFileSync(summary, 'utf8');
    assert.match(markdown, /^### Build information pushed to Octopus\n/);
    assert.ok(markdown.includes('| Acme.Web | 1.0.0 |  | created |  | [open]('), markdown);
    assert.ok(!`${run.stdout}${run.stderr}${markdown}`.includes(KEY) && !`${run.stdout}${run.stderr}`.includes('s3cr3t'));
  });

  it('a second run conflicts: exit 1, an ::error:: annotation and a failed row; --overwrite-mode ignore passes', async () => {
    const summary = path.join(tmp.path, 'summary.md');
    writeFileSync(summary, '');
    const args = ['build-information', '--package-id', 'Acme.Web', '--version', '1.0.0'];
    assert.equal((await octojs(args, { cwd: repo.dir, env: githubEnv(summary) })).code, 0);
    const again = await octojs(args, { cwd: repo.dir, env: githubEnv(summary) });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /failed build information Acme\.Web 1\.0\.0: ERR_OCTO_CONFLICT/);
    assert.match(again.stderr, /hint: Push with `--overwrite-mode` OverwriteExisting \(overwrite\) to replace it/);
    assert.match(
      again.stdout,
      /^::error title=Acme\.Web 1\.0\.0%3A ERR_OCTO_CONFLICT::Build information for Acme\.Web 1\.0\.0 already exists/m,
    );
    assert.match(readFileSync(summary, 'utf8'), /\| Acme\.Web \| 1\.0\.0 \| {2}\| ❌ failed: ERR\\_OCTO\\_CONFLICT \|/);
    const ignored = await octojs([...args, '--overwrite-mode', 'ignore', '--no-ci-summary'], { cwd: repo.dir, env: githubEnv(summary) });
    assert.equal(ignored.code, 0, ignored.stderr);
    assert.match(ignored.stderr, /ignored build information Acme\.Web 1\.0\.0 \(GitHub Actions\)/);
  });

  it("upload --file takes Octo.exe's JSON format, outside CI", async () => {
    const file = path.join(tmp.path, 'buildinfo.json');
    writeFileSync(
      file,
      JSON.stringify({ BuildEnvironment: 'Hand made', Branch: 'release', VcsType: 'Git', Commits: [{ Id: 'abc', Comment: 'Done' }] }),
    );
    const run = await octojs(['build-information', 'upload', '-p', 'Acme.File', '--version', '2.0.0', '--file', file], {
      cwd: tmp.path,
      env: { OCTOPUS_URL: feed.url, OCTOPUS_API_KEY: KEY },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^created build information Acme\.File 2\.0\.0\n$/);
    const [record] = await stored('Acme.File');
    assert.equal(record!.BuildEnvironment, 'Hand made');
    assert.deepEqual(
      record!.Commits.map((commit) => commit.Comment),
      ['Done'],
    );
  });

  it('--dry-run prints what would be sent and sends nothing', async () => {
    const run = await octojs(['build-information', '-p', 'Acme.Web', '--version', '1.0.0', '--dry-run', '--max-commits', '1'], {
      cwd: repo.dir,
      env: {},
    });
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as { dryRun: boolean; buildInformation: { buildEnvironment: string; commits: unknown[] } };
    assert.equal(doc.dryRun, true);
    assert.equal(doc.buildInformation.buildEnvironment, 'Local');
    assert.equal(doc.buildInformation.commits.length, 1);
    assert.match(run.stderr, /More than 1 commits since v1\.0\.0: only the newest 1 are sent \(`--max-commits` raises the bound\)/);
    assert.equal(feed.requests.length, 0);
  });

  it('usage errors exit 2 and send nothing: no --package-id, no --version, an unknown flag, outside git', async () => {
    const env = { OCTOPUS_URL: feed.url, OCTOPUS_API_KEY: KEY };
    const noId = await octojs(['build-information', '--version', '1.0.0'], { cwd: repo.dir, env });
    assert.equal(noId.code, 2);
    assert.match(noId.stderr, /needs --package-id/);
    assert.equal((await octojs(['build-information', '-p', 'A'], { cwd: repo.dir, env })).code, 2);
    assert.equal((await octojs(['build-information', '-p', 'A', '--version', '1.0.0', '--commits', '3'], { cwd: repo.dir, env })).code, 2);
    const outside = path.join(tmp.path, 'plain');
    mkdirSync(outside);
    const notGit = await octojs(['build-information', '-p', 'A', '--version', '1.0.0'], {
      cwd: outside,
      env: { ...env, GIT_CEILING_DIRECTORIES: tmp.path },
    });
    assert.equal(notGit.code, 2);
    assert.match(notGit.stderr, /ERR_OCTO_NOT_GIT: .* is not inside a git repository/);
    assert.match(notGit.stderr, /--file/);
    const help = await octojs(['build-information', '--help'], { cwd: repo.dir });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--service-account-id/);
    assert.equal(feed.requests.length, 0);
  });

  it('publish --build-information pushes the package, then its build information; the job summary lists both', async () => {
    writeFileSync(path.join(repo.dir, 'package.json'), JSON.stringify({ name: 'acme-web', version: '3.1.0' }));
    writeFileSync(path.join(repo.dir, 'server.js'), 'console.log(1)');
    const summary = path.join(tmp.path, 'summary.md');
    writeFileSync(summary, '');
    await feed.close();
    feed = await startFeed({
      dataDir: path.join(tmp.path, 'feed2'),
      apiKeys: { [KEY]: ['BuiltInFeedPush', 'FeedView', 'BuildInformationPush'] },
    });
    const run = await octojs(['publish', '--include', 'server.js', '--include', 'package.json', '--build-information', '--json'], {
      cwd: repo.dir,
      env: githubEnv(summary),
    });
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as {
      packages: { outcome: string }[];
      buildInformation: { packageId: string; version: string; outcome: string }[];
    };
    assert.equal(doc.packages[0]!.outcome, 'created');
    assert.deepEqual(doc.buildInformation, [{ packageId: 'acme-web', version: '3.1.0', outcome: 'created', attempts: 1 }]);
    const [record] = await stored('acme-web');
    assert.equal(record!.BuildEnvironment, 'GitHub Actions');
    const markdown = readFileSync(summary, 'utf8');
    assert.match(markdown, /### Packages pushed to Octopus\n[\s\S]*\| acme-web \| 3\.1\.0 \| [\d.]+ [KB ]+\| created \| full \|/);
    assert.match(markdown, /### Build information pushed to Octopus\n[\s\S]*\| acme-web \| 3\.1\.0 \| {2}\| created \|/);
  });

  it('--service-account-id signs in with the GitHub ID token; a refused token prints no secret, even with --verbose', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const stranger = await generateKeyPair('RS256');
    let signer = privateKey;
    const service = http.createServer((request, response) => {
      const audience = new URL(request.url ?? '/', 'http://localhost').searchParams.get('audience') ?? '';
      if (request.headers.authorization !== 'Bearer request-SECRET') return void response.writeHead(401).end();
      void new SignJWT({})
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuer('https://token.actions.githubusercontent.com')
        .setSubject('repo:acme/web:ref:refs/heads/main')
        .setAudience(audience)
        .setExpirationTime('5m')
        .sign(signer)
        .then((value) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value })));
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    await feed.close();
    feed = await startFeed({
      dataDir: path.join(tmp.path, 'feed-oidc'),
      oidc: {
        serviceAccounts: {
          'sa-cli': { issuer: 'https://token.actions.githubusercontent.com', publicKey, permissions: ['BuildInformationPush', 'FeedView'] },
        },
      },
    });
    const env = {
      ...githubEnv(path.join(tmp.path, 'summary.md')),
      OCTOPUS_API_KEY: '',
      ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${(service.address() as AddressInfo).port}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-SECRET',
    };
    try {
      const args = ['build-information', '-p', 'Acme.Oidc', '--version', '1.0.0', '--service-account-id', 'sa-cli', '--verbose'];
      const ok = await octojs(args, { cwd: repo.dir, env });
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stderr, /created build information Acme\.Oidc 1\.0\.0 \(GitHub Actions\)/);
      signer = stranger.privateKey;
      const refused = await octojs([...args, '--overwrite-mode', 'overwrite'], { cwd: repo.dir, env });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /ERR_OCTO_AUTH: The Octopus Server did not exchange the ID token/);
      for (const text of [ok.stdout, ok.stderr, refused.stdout, refused.stderr]) {
        assert.ok(!text.includes('request-SECRET'), 'the request token leaked');
        assert.ok(!/eyJ[\w-]+\.[\w-]+/.test(text), 'a JWT leaked');
        assert.ok(!/oidc-[\w-]{20,}/.test(text), 'an access token leaked');
      }
    } finally {
      service.close();
    }
  });
});
