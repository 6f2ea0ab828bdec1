import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
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

/** The CLI's --json document (one shape for every command). */
interface Doc {
  command: string | null;
  dryRun: boolean;
  server?: string;
  spaceId?: string | null;
  overwriteMode?: string;
  packages: Record<string, unknown>[];
  summary: { total: number; created: number; overwritten: number; ignored: number; failed: number; skipped: number; exitCode: number };
  error?: { code: string; message: string; hint?: string };
}

function json(result: CommandResult): Doc {
  try {
    return JSON.parse(result.stdout) as Doc;
  } catch {
    throw new Error(`not JSON on stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

/** How often `text` occurs in `haystack`. */
function count(haystack: string, text: string): number {
  return haystack.split(text).length - 1;
}

/** Files under a folder, recursively (to prove a dry run wrote nothing). */
function listFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** A project folder with a package.json and a few files. */
function makeApp(parent: string, manifest: Record<string, unknown>): string {
  const app = path.join(parent, 'app');
  mkdirSync(path.join(app, 'public', 'img'), { recursive: true });
  writeFileSync(path.join(app, 'package.json'), JSON.stringify(manifest));
  writeFileSync(path.join(app, 'server.js'), 'console.log(1)');
  writeFileSync(path.join(app, 'public', 'index.html'), '<p>hi</p>');
  writeFileSync(path.join(app, 'public', 'img', 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  return app;
}

/** One feed for a whole describe: package ids differ between tests, so they do not meet. */
function useFeed(): { readonly feed: Feed; env(): NodeJS.ProcessEnv } {
  const holder = {
    feed: undefined as unknown as Feed,
    env: (): NodeJS.ProcessEnv => ({ OCTOPUS_URL: holder.feed.url, OCTOPUS_API_KEY: KEY }),
  };
  const data = useTempDirOnce();
  before(async () => {
    holder.feed = await startFeed({
      dataDir: path.join(data(), 'feed'),
      apiKeys: { [KEY]: ['BuiltInFeedPush', 'BuiltInFeedAdminister', 'FeedView'] },
      spaces: [
        { id: 'Spaces-1', name: 'Default', isDefault: true },
        { id: 'Spaces-2', name: 'Team B' },
      ],
    });
  });
  after(() => holder.feed.close());
  return holder;
}

function useTempDirOnce(): () => string {
  let folder = '';
  before(async () => {
    const { mkdtempSync } = await import('node:fs');
    const os = await import('node:os');
    folder = mkdtempSync(path.join(os.tmpdir(), 'octojs-feed-'));
  });
  after(async () => {
    const { rmSync } = await import('node:fs');
    rmSync(folder, { recursive: true, force: true });
  });
  return () => folder;
}

describe('octojs command line', () => {
  const tmp = useTempDir();
  const feed = useFeed();
  let app: string;
  beforeEach(() => {
    app = makeApp(tmp.path, { name: '@acme/cli-app', version: '2.0.0', octojs: { format: 'tar.gz' } });
  });

  it('packs with config from package.json, then pushes with --json, field by field', async () => {
    const packed = await octojs(['pack', '--json', '--mtime', '1700000000'], { cwd: app });
    assert.equal(packed.code, 0, packed.stderr);
    const packDoc = json(packed);
    assert.equal(packDoc.command, 'pack');
    assert.equal(packDoc.dryRun, false);
    const [made] = packDoc.packages;
    assert.equal(made!.file, path.join(app, 'bin', 'acme.cli-app.2.0.0.tar.gz'));
    assert.equal(made!.fileName, 'acme.cli-app.2.0.0.tar.gz');
    assert.equal(made!.packageId, 'acme.cli-app');
    assert.equal(made!.version, '2.0.0');
    assert.equal(made!.format, 'tar.gz');
    assert.equal(made!.outcome, 'created');
    assert.equal(made!.entries, 6);
    assert.match(String(made!.sha1), /^[0-9a-f]{40}$/);
    assert.deepEqual(packDoc.summary, { total: 1, created: 1, overwritten: 0, ignored: 0, failed: 0, skipped: 0, exitCode: 0 });
    const entries = await readArchive(String(made!.file));
    assert.ok(entries.some((entry) => entry.name === 'server.js' && entry.mtime === 1700000000));

    const twice = await octojs(['pack', '--json'], { cwd: app });
    assert.equal(twice.code, 1);
    const twiceDoc = json(twice);
    assert.equal(twiceDoc.packages[0]!.fileName, 'acme.cli-app.2.0.0.tar.gz');
    assert.equal(twiceDoc.packages[0]!.outcome, 'failed');
    assert.equal((twiceDoc.packages[0]!.error as { code: string }).code, 'ERR_OCTO_OUTPUT_EXISTS');
    assert.equal(twiceDoc.summary.failed, 1);
    assert.equal(count(twice.stderr, 'ERR_OCTO_OUTPUT_EXISTS'), 1, 'printed once');

    const pushed = await octojs(['push', 'bin/**/*.tar.gz', '--json'], { cwd: app, env: feed.env() });
    assert.equal(pushed.code, 0, pushed.stderr);
    const doc = json(pushed);
    assert.equal(doc.command, 'push');
    assert.equal(doc.server, `${feed.feed.url}/`);
    assert.equal(doc.spaceId, null);
    assert.equal(doc.overwriteMode, 'FailIfExists');
    assert.equal(doc.packages.length, 1);
    const [result] = doc.packages;
    assert.equal(result!.file, made!.file);
    assert.equal(result!.fileName, 'acme.cli-app.2.0.0.tar.gz');
    assert.equal(result!.packageId, 'acme.cli-app');
    assert.equal(result!.version, '2.0.0');
    assert.equal(result!.outcome, 'created');
    assert.equal(result!.exists, false);
    assert.equal(result!.size, made!.size);
    assert.equal(result!.sha1, made!.sha1);
    assert.equal(result!.attempts, 1);
    assert.equal(result!.spaceId, null, "the server's default space");
    assert.deepEqual(result!.warnings, []);
    assert.equal(result!.error, undefined);
    assert.deepEqual(doc.summary, { total: 1, created: 1, overwritten: 0, ignored: 0, failed: 0, skipped: 0, exitCode: 0 });
    assert.equal(feed.feed.packages().find((stored) => stored.packageId === 'acme.cli-app')!.hash, made!.sha1);
    assert.ok(!pushed.stdout.includes(KEY) && !pushed.stderr.includes(KEY));
    assert.ok(!pushed.stderr.includes('\r'), 'no progress line without a TTY');
  });

  it('publish checks, packs and pushes; a re-run conflicts before packing (exit 1, one error line), and ignore makes it idempotent', async () => {
    const first = await octojs(['publish', '--api-key', KEY, '--server', feed.feed.url, '--id', 'Pub.First'], { cwd: app });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /^packed Pub\.First\.2\.0\.0\.tar\.gz/m);
    assert.match(first.stderr, /^created Pub\.First\.2\.0\.0\.tar\.gz/m);
    const again = await octojs(['publish', '--api-key', KEY, '--server', feed.feed.url, '--id', 'Pub.First', '--overwrite'], { cwd: app });
    assert.equal(again.code, 1);
    assert.equal(count(again.stderr, 'ERR_OCTO_CONFLICT'), 1, again.stderr);
    assert.match(again.stderr, /nothing was packed or uploaded/);
    assert.match(again.stderr, /hint: .*--overwrite-mode ignore/);
    assert.ok(!again.stderr.includes(KEY) && !again.stdout.includes(KEY), 'the key is never echoed');
    const ignored = await octojs(['publish', '--id', 'Pub.First', '--overwrite', '--overwrite-mode', 'IGNORE', '--json'], {
      cwd: app,
      env: feed.env(),
    });
    assert.equal(ignored.code, 0, ignored.stderr);
    const doc = json(ignored);
    assert.equal(doc.command, 'publish');
    assert.equal(doc.overwriteMode, 'IgnoreIfExists');
    const [entry] = doc.packages;
    assert.equal(entry!.outcome, 'ignored');
    assert.equal(entry!.exists, true);
    assert.equal(entry!.format, 'tar.gz');
    assert.equal(entry!.entries, 6);
    assert.equal(entry!.attempts, 0);
    assert.equal(entry!.contents, undefined, 'the contents list belongs to dry runs');
    assert.deepEqual(doc.summary, { total: 1, created: 0, overwritten: 0, ignored: 1, failed: 0, skipped: 0, exitCode: 0 });
  });

  it('publish --dry-run lists what would be packed and pushed where, writes nothing and uploads nothing', async () => {
    const before = feed.feed.requests.length;
    const dry = await octojs(['publish', '--dry-run', '--id', 'Dry.Run', '--space', 'Team B', '--verbose'], { cwd: app, env: feed.env() });
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(
      listFiles(app)
        .map((file) => path.relative(app, file))
        .sort(),
      ['package.json', 'public/img/logo.png', 'public/index.html', 'server.js'],
    );
    const requests = feed.feed.requests.slice(before);
    assert.ok(requests.length > 0 && requests.every((request) => request.method === 'GET'), JSON.stringify(requests));
    assert.match(dry.stdout, /^server\.js {2}\(everything under basePath/m);
    assert.match(dry.stderr, /would pack Dry\.Run\.2\.0\.0\.tar\.gz: 4 files, 6 entries/);
    assert.match(
      dry.stderr,
      new RegExp(
        `would push Dry\\.Run\\.2\\.0\\.0\\.tar\\.gz to ${feed.feed.url}/ \\(Spaces-2\\) with FailIfExists: not there yet, would be created`,
      ),
    );
    assert.match(dry.stderr, /server http:\/\/127\.0\.0\.1:\d+\/, space Spaces-2 \(Team B\), overwrite mode FailIfExists/);
    assert.match(dry.stderr, /GET http:\/\/127\.0\.0\.1:\d+\/api\/Spaces-2\/packages\/Dry\.Run\.2\.0\.0 -> 404/);
    assert.match(dry.stderr, /dry run: nothing written, nothing uploaded/);

    const published = await octojs(['publish', '--id', 'Dry.Exists', '--out-folder', path.join(tmp.path, 'elsewhere')], {
      cwd: app,
      env: feed.env(),
    });
    assert.equal(published.code, 0, published.stderr);
    const asJson = await octojs(['publish', '--dry-run', '--id', 'Dry.Exists', '--json'], { cwd: app, env: feed.env() });
    // A real run would conflict: the dry run says so, and exits 1.
    const doc = json(asJson);
    assert.equal(asJson.code, 1, asJson.stderr);
    assert.equal(doc.dryRun, true);
    const [entry] = doc.packages;
    assert.equal(entry!.outcome, 'skipped');
    assert.equal(entry!.expectedOutcome, 'failed');
    assert.equal(entry!.exists, true);
    assert.equal((entry!.error as { code: string }).code, 'ERR_OCTO_CONFLICT');
    assert.equal((entry!.contents as unknown[]).length, 6);
    assert.deepEqual(
      (entry!.contents as { name: string }[]).map((item) => item.name),
      ['package.json', 'public', 'public/img', 'public/img/logo.png', 'public/index.html', 'server.js'],
    );
    assert.equal(doc.summary.exitCode, 1);
    assert.ok(!existsSync(path.join(app, 'bin')));
  });

  it('publish checks the push settings before packing: exit 2 and nothing written', async () => {
    const noServer = await octojs(['publish', '--id', 'Never.Written', '--json'], { cwd: app });
    assert.equal(noServer.code, 2);
    const doc = json(noServer);
    assert.equal(doc.error!.code, 'ERR_OCTO_MISSING_SERVER');
    assert.match(doc.error!.hint!, /--server/);
    assert.equal(doc.packages[0]!.fileName, 'Never.Written.2.0.0.tar.gz');
    assert.equal(doc.packages[0]!.outcome, 'skipped');
    assert.equal(doc.summary.exitCode, 2);
    assert.equal(count(noServer.stderr, 'ERR_OCTO_MISSING_SERVER'), 1);
    const noKey = await octojs(['publish', '--id', 'Never.Written', '--server', feed.feed.url], { cwd: app });
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /ERR_OCTO_MISSING_CREDENTIALS/);
    const badMode = await octojs(['publish', '--id', 'Never.Written', '--overwrite-mode', 'sometimes'], { cwd: app, env: feed.env() });
    assert.equal(badMode.code, 2);
    assert.match(badMode.stderr, /ERR_OCTO_USAGE: --overwrite-mode takes fail, overwrite or ignore/);
    const badSpace = await octojs(['publish', '--id', 'Never.Written', '--space', 'Team C'], { cwd: app, env: feed.env() });
    assert.equal(badSpace.code, 2);
    assert.match(badSpace.stderr, /ERR_OCTO_SPACE_NOT_FOUND: The space "Team C" was not found/);
    assert.match(badSpace.stderr, /Team B \(Spaces-2\)/);
    const badId = await octojs(['publish', '--id', 'has space', '--json'], { cwd: app, env: feed.env() });
    assert.equal(badId.code, 2);
    assert.equal(json(badId).error!.code, 'ERR_OCTO_INVALID_ID');
    const badVersion = await octojs(['pack', '--version', 'one.two'], { cwd: app });
    assert.equal(badVersion.code, 2);
    assert.match(badVersion.stderr, /ERR_OCTO_INVALID_VERSION/);
    const emptyId = await octojs(['pack', '--id='], { cwd: app });
    assert.equal(emptyId.code, 2);
    assert.match(
      emptyId.stderr,
      /ERR_OCTO_INVALID_ID: The package id is empty\.\n {2}hint: .*with the `--id` option/,
      'core names `id`; the CLI says --id',
    );
    assert.ok(!existsSync(path.join(app, 'bin')), 'nothing was written');
    assert.ok(!feed.feed.packages().some((stored) => stored.packageId === 'Never.Written'), 'nothing was sent');
  });

  it('exit codes: 2 for usage errors in our words with a near miss, 1 for auth and network failures and bad packages', async () => {
    const unknown = await octojs(['pack', '--out-foldr', 'x'], { cwd: app });
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, 'error ERR_OCTO_USAGE: octojs pack has no flag --out-foldr.\n  hint: Did you mean --out-folder?\n');
    const elsewhere = await octojs(['pack', '--server', 'x'], { cwd: app });
    assert.equal(elsewhere.code, 2);
    assert.match(elsewhere.stderr, /--server is not a flag of octojs pack; push, publish and build-information take it/);
    const command = await octojs(['pubish'], { cwd: app });
    assert.equal(command.code, 2);
    assert.match(command.stderr, /Unknown command "pubish"\.\n {2}hint: Did you mean `octojs publish`\?/);
    const noValue = await octojs(['push', 'x.1.0.0.zip', '--server'], { cwd: app });
    assert.equal(noValue.code, 2);
    assert.match(noValue.stderr, /--server needs a value/);
    const noPackage = await octojs(['push', '--json'], { cwd: app, env: feed.env() });
    assert.equal(noPackage.code, 2);
    assert.equal(json(noPackage).error!.code, 'ERR_OCTO_USAGE');
    const noServer = await octojs(['push', 'x.1.0.0.zip'], { cwd: app });
    assert.equal(noServer.code, 2);
    assert.match(noServer.stderr, /ERR_OCTO_MISSING_SERVER/);

    await octojs(['pack', '--id', 'Exit.Codes'], { cwd: app });
    const auth = await octojs(['push', 'bin/Exit.Codes.2.0.0.tar.gz', '--json'], {
      cwd: app,
      env: { ...feed.env(), OCTOPUS_API_KEY: 'API-WRONG0000000000' },
    });
    assert.equal(auth.code, 1);
    const authDoc = json(auth);
    assert.equal(authDoc.error!.code, 'ERR_OCTO_AUTH');
    assert.equal(authDoc.packages[0]!.outcome, 'skipped');
    assert.equal(authDoc.packages[0]!.fileName, 'Exit.Codes.2.0.0.tar.gz');
    const network = await octojs(['push', 'bin/Exit.Codes.2.0.0.tar.gz', '--retries', '0'], {
      cwd: app,
      env: { ...feed.env(), OCTOPUS_URL: 'http://127.0.0.1:9' },
    });
    assert.equal(network.code, 1);
    assert.match(network.stderr, /ERR_OCTO_NETWORK/);
    writeFileSync(path.join(app, 'bin', 'Bad.1.0.0.7z'), 'x');
    const bad = await octojs(['push', 'bin/Bad.1.0.0.7z', '--json'], { cwd: app, env: feed.env() });
    assert.equal(bad.code, 1);
    const badEntry = json(bad).packages[0]!;
    assert.equal(badEntry.outcome, 'failed');
    assert.equal((badEntry.error as { code: string }).code, 'ERR_OCTO_UNSUPPORTED_FORMAT');
    assert.equal(count(bad.stderr, 'ERR_OCTO_UNSUPPORTED_FORMAT'), 1, 'a failure is printed once');
  });

  it('without --continue-on-error the first failure stops new uploads; with it the rest are pushed; --json reports every package', async () => {
    for (const id of ['Stop.A', 'Stop.B', 'Stop.C'])
      await octojs(['pack', '--id', id, '--version', '1.0.0', '--format', 'zip'], { cwd: app });
    feed.feed.faults.failNext(1, 400, { method: 'POST', body: JSON.stringify({ ErrorMessage: 'Broken on purpose', Errors: [] }) });
    const stopped = await octojs(['push', 'bin/Stop.*.zip', '--concurrency', '1', '--json'], { cwd: app, env: feed.env() });
    assert.equal(stopped.code, 1);
    const doc = json(stopped);
    assert.deepEqual(
      doc.packages.map((entry) => [entry.fileName, entry.outcome]),
      [
        ['Stop.A.1.0.0.zip', 'failed'],
        ['Stop.B.1.0.0.zip', 'skipped'],
        ['Stop.C.1.0.0.zip', 'skipped'],
      ],
    );
    const failed = doc.packages[0]!;
    assert.equal(failed.packageId, 'Stop.A');
    assert.equal(failed.version, '1.0.0');
    assert.equal(typeof failed.size, 'number');
    assert.ok((failed.size as number) > 0);
    const error = failed.error as { code: string; message: string; hint: string };
    assert.equal(error.code, 'ERR_OCTO_REJECTED');
    assert.match(error.message, /Broken on purpose/);
    assert.ok(error.hint.length > 0);
    assert.deepEqual(doc.summary, { total: 3, created: 0, overwritten: 0, ignored: 0, failed: 1, skipped: 2, exitCode: 1 });
    assert.equal(count(stopped.stderr, 'ERR_OCTO_REJECTED'), 1, stopped.stderr);
    assert.deepEqual(
      feed.feed.packages().filter((stored) => stored.packageId.startsWith('Stop.')),
      [],
      'nothing after the failure was uploaded',
    );

    feed.feed.faults.failNext(1, 400, { method: 'POST', body: JSON.stringify({ ErrorMessage: 'Broken on purpose', Errors: [] }) });
    const continued = await octojs(['push', 'bin/Stop.*.zip', '--concurrency', '1', '--continue-on-error'], { cwd: app, env: feed.env() });
    assert.equal(continued.code, 1);
    assert.match(continued.stderr, /^error Stop\.A\.1\.0\.0\.zip: ERR_OCTO_REJECTED/m);
    assert.match(continued.stderr, /^created Stop\.B\.1\.0\.0\.zip/m);
    assert.match(continued.stderr, /^created Stop\.C\.1\.0\.0\.zip/m);
    assert.match(continued.stderr, /^3 packages: 2 created, 1 failed$/m);
    assert.equal(count(continued.stderr, 'ERR_OCTO_REJECTED'), 1);

    // A conflict is known before any upload: without --continue-on-error nothing is sent at all.
    const conflicted = await octojs(['push', 'bin/Stop.*.zip', '--json'], { cwd: app, env: feed.env() });
    assert.equal(conflicted.code, 1);
    assert.deepEqual(
      json(conflicted).packages.map((entry) => [
        entry.fileName,
        entry.outcome,
        (entry.error as { code?: string } | undefined)?.code ?? null,
        entry.exists,
      ]),
      [
        ['Stop.A.1.0.0.zip', 'skipped', null, false],
        ['Stop.B.1.0.0.zip', 'failed', 'ERR_OCTO_CONFLICT', true],
        ['Stop.C.1.0.0.zip', 'failed', 'ERR_OCTO_CONFLICT', true],
      ],
    );
    const rest = await octojs(['push', 'bin/Stop.*.zip', '--continue-on-error', '--json'], { cwd: app, env: feed.env() });
    assert.deepEqual(
      json(rest).packages.map((entry) => entry.outcome),
      ['created', 'failed', 'failed'],
    );
    assert.equal(json(rest).summary.exitCode, 1);
  });

  it('Ctrl-C during an upload ends the line, says so, and ends the process by the signal', async () => {
    await octojs(['pack', '--id', 'Interrupted', '--version', '1.0.0'], { cwd: app });
    feed.feed.faults.delay(20_000, { method: 'POST' });
    const child = spawn(process.execPath, [BINS.octojs, 'push', 'bin/Interrupted.1.0.0.tar.gz'], {
      cwd: app,
      env: { PATH: process.env.PATH, NO_COLOR: '1', ...feed.env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    // The upload has started once push's own look-up of the package (after the pre-flight's) was answered.
    const lookups = (): number =>
      feed.feed.requests.filter((request) => request.method === 'GET' && /Interrupted\.1\.0\.0$/.test(request.path)).length;
    for (let waited = 0; lookups() < 2 && waited < 10_000; waited += 50) await sleep(50);
    await sleep(300);
    child.kill('SIGINT');
    const { signal } = await ended;
    feed.feed.faults.clear();
    assert.equal(signal, 'SIGINT');
    assert.equal(stderr, 'interrupted by SIGINT\n');
    assert.ok(!feed.feed.packages().some((stored) => stored.packageId === 'Interrupted'));
  });

  it('push --dry-run says what would happen to each package and sends no upload', async () => {
    await octojs(['pack', '--id', 'Dry.Push', '--version', '1.0.0'], { cwd: app });
    await octojs(['push', 'bin/Dry.Push.1.0.0.tar.gz'], { cwd: app, env: feed.env() });
    await octojs(['pack', '--id', 'Dry.Push', '--version', '1.0.1'], { cwd: app });
    const before = feed.feed.requests.length;
    const dry = await octojs(['push', 'bin/Dry.Push.*', '--dry-run', '--overwrite-mode', 'overwrite', '--json'], {
      cwd: app,
      env: feed.env(),
    });
    assert.equal(dry.code, 0, dry.stderr);
    assert.ok(feed.feed.requests.slice(before).every((request) => request.method === 'GET'));
    const doc = json(dry);
    assert.equal(doc.dryRun, true);
    assert.equal(doc.overwriteMode, 'OverwriteExisting');
    assert.deepEqual(
      doc.packages.map((entry) => [entry.fileName, entry.outcome, entry.expectedOutcome, entry.exists]),
      [
        ['Dry.Push.1.0.0.tar.gz', 'skipped', 'overwritten', true],
        ['Dry.Push.1.0.1.tar.gz', 'skipped', 'created', false],
      ],
    );
    assert.deepEqual(doc.summary, { total: 2, created: 0, overwritten: 0, ignored: 0, failed: 0, skipped: 2, exitCode: 0 });
  });

  it('config files: a syntax error names the file and position, unknown keys get a suggestion, every flag has a key', async () => {
    writeFileSync(path.join(app, '.octojsrc.json'), '{\n  "outFolder": "dist",\n}\n');
    const syntax = await octojs(['pack', '--json'], { cwd: app });
    assert.equal(syntax.code, 2);
    const error = json(syntax).error!;
    assert.equal(error.code, 'ERR_OCTO_CONFIG');
    assert.match(error.message, /\.octojsrc\.json:3:1: not valid JSON/);
    writeFileSync(path.join(app, '.octojsrc.json'), JSON.stringify({ outfolder: 'dist' }));
    const unknown = await octojs(['pack'], { cwd: app });
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /ERR_OCTO_CONFIG: \.octojsrc\.json has an unknown key "outfolder"\.\n {2}hint: Did you mean "outFolder"\?/,
    );
    writeFileSync(path.join(app, '.octojsrc.json'), JSON.stringify({ overwrite: 'yes' }));
    const wrongType = await octojs(['pack'], { cwd: app });
    assert.equal(wrongType.code, 2);
    assert.match(wrongType.stderr, /"overwrite" must be true or false/);

    mkdirSync(path.join(app, 'meta'));
    writeFileSync(path.join(app, 'meta', 'release.json'), JSON.stringify({ name: 'from-config', version: '3.1.4' }));
    writeFileSync(
      path.join(app, '.octojsrc.json'),
      JSON.stringify({
        packageJson: 'meta/release.json',
        basePath: 'public',
        outFolder: 'dist',
        format: 'Zip',
        compressionLevel: 'Fast',
        exclude: ['img\\**'],
        overwriteMode: 'ignore',
        timeout: '00:01:00',
        retries: 1,
        concurrency: 1,
        server: feed.feed.url,
        space: 'Team B',
      }),
    );
    const published = await octojs(['publish', '--json'], { cwd: app, env: { OCTOPUS_API_KEY: KEY } });
    assert.equal(published.code, 0, published.stderr);
    const entry = json(published).packages[0]!;
    assert.equal(entry.file, path.join(app, 'dist', 'from-config.3.1.4.zip'));
    assert.equal(entry.spaceId, 'Spaces-2');
    assert.deepEqual(
      (await readArchive(String(entry.file))).map((item) => item.name),
      ['index.html'],
    );
    assert.ok(feed.feed.packages('Spaces-2').some((stored) => stored.packageId === 'from-config'));

    writeFileSync(path.join(app, '.octojsrc.json'), '');
    writeFileSync(path.join(app, 'package.json'), '{ "name": "x", "octojs": { "format": "zip" ');
    const empty = await octojs(['pack'], { cwd: app });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /\.octojsrc\.json:1:1: not valid JSON/);
  });

  it('a broken package.json section is exit 2 naming the file and position', async () => {
    writeFileSync(path.join(app, 'package.json'), '{\n  "name": "x",\n  "octojs": { "format": "zip", }\n}\n');
    const broken = await octojs(['pack'], { cwd: app });
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /package\.json:3:32: not valid JSON/);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', octojs: { fromat: 'zip' } }));
    const typo = await octojs(['pack'], { cwd: app });
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /package\.json \("octojs"\) has an unknown key "fromat"\.\n {2}hint: Did you mean "format"\?/);
  });

  it('backslash paths and globs mean the same as with /', async () => {
    const packed = await octojs(['pack', '--id', 'Slash.App', '--exclude', 'public\\img\\**', '--json', '--out-folder', 'out\\pkgs'], {
      cwd: app,
    });
    assert.equal(packed.code, 0, packed.stderr);
    const file = String(json(packed).packages[0]!.file);
    assert.equal(file, path.join(app, 'out', 'pkgs', 'Slash.App.2.0.0.tar.gz'));
    assert.deepEqual((await readArchive(file)).map((entry) => entry.name).sort(), [
      'package.json',
      'public',
      'public/index.html',
      'server.js',
    ]);
    const pushed = await octojs(['push', 'out\\pkgs\\Slash.App.2.0.0.tar.gz'], { cwd: app, env: feed.env() });
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.match(pushed.stderr, /created Slash\.App\.2\.0\.0\.tar\.gz/);
    const globbed = await octojs(['push', 'out\\**\\Slash.*.tar.gz', '--dry-run', '--json'], { cwd: app, env: feed.env() });
    assert.equal(json(globbed).packages[0]!.file, file);
  });

  it('--dry-run on pack lists what would go in and writes nothing; --help and --version answer and agree with the flags', async () => {
    const dry = await octojs(['pack', '--dry-run'], { cwd: app });
    assert.equal(dry.code, 0);
    assert.match(dry.stdout, /^server\.js$/m);
    assert.match(dry.stderr, /dry run: nothing written/);
    assert.ok(!existsSync(path.join(app, 'bin')));
    assert.equal((await octojs(['--version'], { cwd: app })).stdout.trim(), '0.1.0');
    const help = (await octojs(['push', '--help'], { cwd: app })).stdout;
    for (const flag of [
      '--overwrite-mode',
      '--package',
      '-p',
      '--replace-existing',
      '--apiKey',
      '-s, --space',
      '--continue-on-error',
      '--use-delta-compression',
      '--timeout <seconds|hh:mm:ss>',
    ]) {
      assert.ok(help.includes(flag), `push --help mentions ${flag}`);
    }
    const packHelp = (await octojs(['help', 'pack'], { cwd: app })).stdout;
    for (const flag of ['--ignore-file', '--npm-files', '--compressionLevel', '--outFolder', '--basePath'])
      assert.ok(packHelp.includes(flag), flag);
    const none = await octojs([], { cwd: app });
    assert.equal(none.code, 2);
    assert.match(none.stdout, /octojs package upload/);
  });
});

describe('octojs with the command lines of Octo.exe and the Octopus CLI, verbatim', () => {
  const tmp = useTempDir();
  const feed = useFeed();
  let app: string;
  beforeEach(() => {
    app = makeApp(tmp.path, { name: 'my-app', version: '1.1.0' });
  });

  it("runs the seed's Octo.exe line: two --package, --replace-existing, --server, --apiKey", async () => {
    for (const id of ['MyApp.Website', 'MyApp.Database']) {
      const made = await octojs(['pack', '--id', id, '--version', '1.1.0', '--outFolder', '.', '--format', 'Zip'], { cwd: app });
      assert.equal(made.code, 0, made.stderr);
    }
    // octo push --package MyApp.Website.1.1.0.zip --package MyApp.Database.1.1.0.zip --replace-existing --server http://my.octopus.url --apiKey API-XXXX
    const line = [
      'push',
      '--package',
      'MyApp.Website.1.1.0.zip',
      '--package',
      'MyApp.Database.1.1.0.zip',
      '--replace-existing',
      '--server',
      feed.feed.url,
      '--apiKey',
      KEY,
    ];
    const first = await octojs(line, { cwd: app });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /^created MyApp\.Website\.1\.1\.0\.zip/m);
    assert.match(first.stderr, /^created MyApp\.Database\.1\.1\.0\.zip/m);
    const again = await octojs(line, { cwd: app });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /^overwritten MyApp\.Website\.1\.1\.0\.zip/m);
    assert.match(again.stderr, /^overwritten MyApp\.Database\.1\.1\.0\.zip/m);
    assert.ok(!again.stderr.includes(KEY));
  });

  it("runs Octo.exe's pack and push with = values, TimeSpan timeout, log level, env OCTOPUS_CLI_SERVER / OCTOPUS_CLI_API_KEY", async () => {
    // octo pack --id="OctoWeb" --version="1.0.0" --basePath="folder" --outFolder="destination" --format=Zip --compressionLevel=Optimal --include=... --overwrite
    const packed = await octojs(
      [
        'pack',
        '--id=OctoWeb',
        '--version=1.0.0',
        '--basePath=public',
        '--outFolder=destination',
        '--format=Zip',
        '--compressionLevel=None',
        '--include=**/*.html',
        '--overwrite',
      ],
      { cwd: app },
    );
    assert.equal(packed.code, 0, packed.stderr);
    const file = path.join(app, 'destination', 'OctoWeb.1.0.0.zip');
    assert.deepEqual(
      (await readArchive(file)).map((entry) => entry.name),
      ['index.html'],
    );
    const env = { OCTOPUS_CLI_SERVER: feed.feed.url, OCTOPUS_CLI_API_KEY: KEY };
    const pushed = await octojs(
      [
        'push',
        '--package=destination/OctoWeb.1.0.0.zip',
        '--overwrite-mode=IgnoreIfExists',
        '--space=Default',
        '--timeout=00:05:00',
        '--logLevel=verbose',
        '--outputFormat=Json',
      ],
      { cwd: app, env },
    );
    assert.equal(pushed.code, 0, pushed.stderr);
    const doc = json(pushed);
    assert.equal(doc.packages[0]!.outcome, 'created');
    assert.equal(doc.spaceId, 'Spaces-1');
    assert.match(pushed.stderr, /server http:\/\/127\.0\.0\.1:\d+\/, space Spaces-1 \(Default\), overwrite mode IgnoreIfExists/);
    assert.match(pushed.stderr, /OctoWeb\.1\.0\.0\.zip\s+sha1 [0-9a-f]{40}/);
    assert.match(
      pushed.stderr,
      /^ {2}GET http:\/\/127\.0\.0\.1:\d+\/api\/Spaces-1\/packages\/OctoWeb\.1\.0\.0 -> 404$/m,
      'each request and its outcome',
    );
    assert.match(pushed.stderr, /^ {2}POST http:\/\/127\.0\.0\.1:\d+\/api\/Spaces-1\/packages\/raw\?overwriteMode=IgnoreIfExists -> 201$/m);
    assert.ok(!pushed.stderr.includes(KEY) && !pushed.stdout.includes(KEY));
    const quiet = await octojs(
      ['push', 'destination/OctoWeb.1.0.0.zip', '--overwrite-mode', 'ignore', '--logLevel', 'Warning', '--ignoreSslErrors'],
      { cwd: app, env },
    );
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.match(quiet.stderr, /^warning TLS certificate verification is OFF/, 'warning level: warnings and errors');
    assert.doesNotMatch(quiet.stderr, /ignored/);
    const errorsOnly = await octojs(
      ['push', 'destination/OctoWeb.1.0.0.zip', '--overwrite-mode', 'ignore', '--logLevel', 'error', '--ignoreSslErrors'],
      { cwd: app, env },
    );
    assert.equal(errorsOnly.stderr, '');
    // Delta uploads exist now (issue 14): each spelling reaches core; test/delta.test.ts covers what they send.
    for (const flag of ['--use-delta-compression', '--delta', '-d']) {
      const delta = await octojs(['push', 'destination/OctoWeb.1.0.0.zip', flag, '--overwrite-mode', 'ignore', '--json'], {
        cwd: app,
        env,
      });
      assert.equal(delta.code, 0, delta.stderr);
      const entry = json(delta).packages[0] as unknown as Record<string, unknown>;
      assert.equal(entry.outcome, 'ignored', flag);
      assert.equal(entry.method, 'full', 'an ignored package sends nothing, delta or not');
    }
    const nupkg = await octojs(['pack', '--id=OctoWeb', '--version=1.0.1', '--format=NuPkg'], { cwd: app });
    assert.equal(nupkg.code, 2);
    assert.match(nupkg.stderr, /ERR_OCTO_NOT_SUPPORTED: --format NuPkg: NuGet packages are not supported yet/);
    const proxyUser = await octojs(['push', 'destination/OctoWeb.1.0.0.zip', '--proxyUser', 'me', '--proxyPass', 'secret-pass'], {
      cwd: app,
      env,
    });
    assert.equal(proxyUser.code, 2);
    assert.match(proxyUser.stderr, /--proxyUser was given, but no proxy/);
    assert.ok(!proxyUser.stderr.includes('secret-pass'));
  });

  it("runs the Octopus CLI's documented package upload and zip create examples", async () => {
    const env = feed.env();
    const made = await octojs(['package', 'zip', 'create', '--id', 'SomePackage', '--version', '1.0.0'], { cwd: app });
    assert.equal(made.code, 0, made.stderr);
    copyFileSync(path.join(app, 'bin', 'SomePackage.1.0.0.zip'), path.join(app, 'SomePackage.1.0.0.zip'));
    const tar = await octojs(['pack', '--id', 'SomePackage', '--version', '1.0.0', '--format', 'tar.gz', '--out-folder', '.'], {
      cwd: app,
    });
    assert.equal(tar.code, 0, tar.stderr);
    for (const [id, version, format] of [
      ['PkgA', '1.0.0', 'zip'],
      ['PkgB', '2.0.0', 'tar.gz'],
    ] as const) {
      await octojs(['pack', '--id', id, '--version', version, '--format', format, '--out-folder', '.'], { cwd: app });
    }
    // A .nupkg is a zip; the built-in feed takes it by its name.
    await octojs(['pack', '--id', 'PkgC', '--version', '1.0.0', '--format', 'zip', '--out-folder', 'nupkg'], { cwd: app });
    copyFileSync(path.join(app, 'nupkg', 'PkgC.1.0.0.zip'), path.join(app, 'PkgC.1.0.0.nupkg'));
    await octojs(['pack', '--id', 'Glob.One', '--version', '1.0.0'], { cwd: app });

    const upload = await octojs(['package', 'upload', '--package', 'SomePackage.1.0.0.zip'], { cwd: app, env });
    assert.equal(upload.code, 0, upload.stderr);
    assert.match(upload.stderr, /^created SomePackage\.1\.0\.0\.zip/m);
    const overwrite = await octojs(['package', 'upload', 'SomePackage.1.0.0.tar.gz', '--overwrite-mode', 'overwrite'], { cwd: app, env });
    assert.equal(overwrite.code, 0, overwrite.stderr);
    assert.match(overwrite.stderr, /^(created|overwritten) SomePackage\.1\.0\.0\.tar\.gz/m);
    const pushAlias = await octojs(['package', 'push', 'SomePackage.1.0.0.zip'], { cwd: app, env });
    assert.equal(pushAlias.code, 1, 'FailIfExists by default');
    assert.match(pushAlias.stderr, /ERR_OCTO_CONFLICT/);
    const globbed = await octojs(['package', 'upload', 'bin/**/*.zip', '--continue-on-error'], { cwd: app, env });
    assert.equal(globbed.code, 1, globbed.stderr);
    assert.match(globbed.stderr, /^error SomePackage\.1\.0\.0\.zip: ERR_OCTO_CONFLICT/m);
    assert.match(globbed.stderr, /^created Glob\.One\.1\.0\.0\.zip/m);
    const three = await octojs(['package', 'upload', 'PkgA.1.0.0.zip', 'PkgB.2.0.0.tar.gz', 'PkgC.1.0.0.nupkg'], { cwd: app, env });
    assert.equal(three.code, 0, three.stderr);
    assert.match(three.stderr, /^3 packages: 3 created$/m);
    const noPrompt = await octojs(['package', 'upload', 'PkgA.1.0.0.zip', '--no-prompt', '--overwrite', 'ignore', '-f', 'json'], {
      cwd: app,
      env,
    });
    assert.equal(noPrompt.code, 0, noPrompt.stderr);
    assert.equal(json(noPrompt).packages[0]!.outcome, 'ignored');
    const basic = await octojs(
      ['package', 'upload', '-p', 'PkgA.1.0.0.zip', '--overwritemode', 'ignore', '--output-format', 'basic', '-s', 'Default'],
      { cwd: app, env },
    );
    assert.equal(basic.code, 0, basic.stderr);
    assert.equal(basic.stdout, `${path.join(app, 'PkgA.1.0.0.zip')}\n`);
    const table = await octojs(['package', 'upload', 'PkgA.1.0.0.zip', '--overwrite-mode', 'IGNORE', '--output-format', 'table'], {
      cwd: app,
      env,
    });
    assert.equal(table.code, 0);
    assert.match(table.stderr, /^ignored PkgA\.1\.0\.0\.zip/m);
    assert.ok(feed.feed.packages().some((stored) => stored.packageId === 'PkgC' && stored.version === '1.0.0'));
  });
});
