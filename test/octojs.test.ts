import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Feed, startFeed } from '@octojs/feed';
import { readArchive } from './helpers/archive-reader.js';
import { BINS, type CommandResult, runNode } from './helpers/run-command.js';
import { useTempDir } from './helpers/temp-dir.js';

const KEY = 'API-CLITEST000000000000000000000';

/** Runs the built binary as a user would, in a child process. */
function octojs(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CommandResult> {
  return runNode(BINS.octojs, args, options);
}

describe('octojs command line', () => {
  const tmp = useTempDir();
  let feed: Feed;
  let app: string;

  beforeEach(async () => {
    feed = await startFeed({ dataDir: path.join(tmp.path, 'feed'), apiKeys: { [KEY]: ['BuiltInFeedPush', 'FeedView'] } });
    app = path.join(tmp.path, 'app');
    mkdirSync(path.join(app, 'bin'), { recursive: true });
    writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({ name: '@acme/cli-app', version: '2.0.0', octojs: { format: 'tar.gz' } }),
    );
    writeFileSync(path.join(app, 'server.js'), 'console.log(1)');
  });
  afterEach(() => feed.close());

  const env = (): NodeJS.ProcessEnv => ({ OCTOPUS_URL: feed.url, OCTOPUS_API_KEY: KEY });

  it('packs with config from package.json, then pushes with --json, field by field', async () => {
    const packed = await octojs(['pack', '--json', '--mtime', '1700000000'], { cwd: app });
    assert.equal(packed.code, 0, packed.stderr);
    const packDoc = JSON.parse(packed.stdout) as {
      packages: { file: string; packageId: string; version: string; sha1: string; size: number }[];
    };
    assert.equal(packDoc.packages[0]!.file, path.join(app, 'bin', 'acme.cli-app.2.0.0.tar.gz'));
    const entries = await readArchive(packDoc.packages[0]!.file);
    assert.ok(entries.some((entry) => entry.name === 'server.js' && entry.mtime === 1700000000));

    const pushed = await octojs(['push', 'bin/**/*.tar.gz', '--json'], { cwd: app, env: env() });
    assert.equal(pushed.code, 0, pushed.stderr);
    const doc = JSON.parse(pushed.stdout) as { packages: Record<string, unknown>[] };
    assert.equal(doc.packages.length, 1);
    const [result] = doc.packages;
    assert.equal(result!.file, packDoc.packages[0]!.file);
    assert.equal(result!.packageId, 'acme.cli-app');
    assert.equal(result!.version, '2.0.0');
    assert.equal(result!.outcome, 'created');
    assert.equal(result!.size, packDoc.packages[0]!.size);
    assert.equal(result!.sha1, packDoc.packages[0]!.sha1);
    assert.equal(feed.packages()[0]!.hash, packDoc.packages[0]!.sha1);
    assert.ok(!pushed.stdout.includes(KEY) && !pushed.stderr.includes(KEY));
    assert.ok(!pushed.stderr.includes('\r'), 'no progress bar without a TTY');
  });

  it('publish packs and pushes; a re-run conflicts with exit 1, and ignore makes it idempotent', async () => {
    const first = await octojs(['publish', '--api-key', KEY, '--server', feed.url], { cwd: app });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /created acme\.cli-app\.2\.0\.0\.tar\.gz/);
    const again = await octojs(['publish', '--api-key', KEY, '--server', feed.url, '--overwrite'], { cwd: app });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /ERR_OCTO_CONFLICT/);
    assert.match(again.stderr, /hint:/);
    assert.ok(!again.stderr.includes(KEY) && !again.stdout.includes(KEY), 'the key is never echoed');
    const ignored = await octojs(['publish', '--overwrite', '--overwrite-mode', 'ignore', '--json'], { cwd: app, env: env() });
    assert.equal(ignored.code, 0, ignored.stderr);
    assert.equal((JSON.parse(ignored.stdout) as { packages: { outcome: string }[] }).packages[0]!.outcome, 'ignored');
  });

  it('exit codes: 2 for usage errors, 1 for auth and network failures and bad packages', async () => {
    assert.equal((await octojs(['pack', '--no-such-flag'], { cwd: app })).code, 2);
    assert.equal((await octojs(['frobnicate'], { cwd: app })).code, 2);
    const noServer = await octojs(['push', 'x.1.0.0.zip'], { cwd: app });
    assert.equal(noServer.code, 2);
    assert.match(noServer.stderr, /ERR_OCTO_MISSING_SERVER/);
    await octojs(['pack'], { cwd: app });
    const auth = await octojs(['push', 'bin/acme.cli-app.2.0.0.tar.gz', '--json'], {
      cwd: app,
      env: { ...env(), OCTOPUS_API_KEY: 'API-WRONG0000000000' },
    });
    assert.equal(auth.code, 1);
    assert.equal((JSON.parse(auth.stdout) as { error: { code: string } }).error.code, 'ERR_OCTO_AUTH');
    const network = await octojs(['push', 'bin/acme.cli-app.2.0.0.tar.gz', '--retries', '0'], {
      cwd: app,
      env: { ...env(), OCTOPUS_URL: 'http://127.0.0.1:9' },
    });
    assert.equal(network.code, 1);
    assert.match(network.stderr, /ERR_OCTO_NETWORK/);
    writeFileSync(path.join(app, 'bin', 'Bad.1.0.0.7z'), 'x');
    const bad = await octojs(['push', 'bin/Bad.1.0.0.7z'], { cwd: app, env: env() });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /ERR_OCTO_UNSUPPORTED_FORMAT/);
  });

  it('--continue-on-error pushes the rest and exits 1', async () => {
    await octojs(['pack', '--id', 'First', '--version', '1.0.0'], { cwd: app });
    await octojs(['pack', '--id', 'Second', '--version', '1.0.0'], { cwd: app });
    await octojs(['push', 'bin/First.1.0.0.tar.gz'], { cwd: app, env: env() });
    const run = await octojs(['push', 'bin/*.tar.gz', '--continue-on-error', '--json'], { cwd: app, env: env() });
    assert.equal(run.code, 1);
    const doc = JSON.parse(run.stdout) as { packages: { outcome: string; error?: { code: string } }[] };
    assert.deepEqual(
      doc.packages.map((entry) => entry.error?.code ?? entry.outcome),
      ['ERR_OCTO_CONFLICT', 'created'],
    );
  });

  it('--dry-run lists what would go in and writes nothing; --help and --version answer', async () => {
    const dry = await octojs(['pack', '--dry-run'], { cwd: app });
    assert.equal(dry.code, 0);
    assert.match(dry.stdout, /server\.js/);
    assert.match(dry.stderr, /nothing written/);
    assert.equal((await octojs(['--version'], { cwd: app })).stdout.trim(), '0.1.0');
    assert.match((await octojs(['push', '--help'], { cwd: app })).stdout, /--overwrite-mode/);
  });
});
