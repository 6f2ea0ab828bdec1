import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Feed, startFeed } from '@octojs/feed';
import { readArchive } from './helpers/archive-reader.js';
import { BINS, type CommandResult, runNode } from './helpers/run-command.js';
import { useTempDir } from './helpers/temp-dir.js';

/** The CLI's warnings, its config files and its wording, end to end through the binary (hostile-tester findings). */

const KEY = 'API-WARNTEST0000000000000000000';

function octojs(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CommandResult> {
  return runNode(BINS.octojs, args, options);
}

interface Doc {
  packages: {
    fileName: string;
    packageId: string | null;
    version: string | null;
    outcome: string;
    warnings: string[];
    error?: { code: string };
  }[];
  summary: { exitCode: number };
  error?: { code: string; message: string };
}

function json(result: CommandResult): Doc {
  try {
    return JSON.parse(result.stdout) as Doc;
  } catch {
    throw new Error(`not JSON on stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

const count = (haystack: string, text: string): number => haystack.split(text).length - 1;

describe('octojs warnings, config files and flag wording', () => {
  const tmp = useTempDir();
  let feed: Feed;
  let app: string;
  let feedData: string;
  before(async () => {
    feedData = mkdtempSync(path.join(os.tmpdir(), 'octojs-warn-feed-'));
    feed = await startFeed({
      dataDir: feedData,
      apiKeys: { [KEY]: ['BuiltInFeedPush', 'BuiltInFeedAdminister', 'FeedView'] },
    });
  });
  after(async () => {
    await feed.close();
    rmSync(feedData, { recursive: true, force: true });
  });
  beforeEach(() => {
    app = path.join(tmp.path, 'app');
    mkdirSync(app, { recursive: true });
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'warn-app', version: '1.0.0' }));
    writeFileSync(path.join(app, 'index.js'), 'x');
  });

  it("pack prints each of core's warnings once on stderr, in flag terms, and lists them in --json", async () => {
    writeFileSync(path.join(app, '.env'), 'DB_PASSWORD=hunter2\n');
    writeFileSync(path.join(app, 'CON'), 'x');
    const result = await octojs(['pack', '--json'], { cwd: app });
    assert.equal(result.code, 0, result.stderr);
    const warnings = json(result).packages[0]!.warnings;
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0]!, /^\.env is about to be packed, .*Leave it out with `--exclude`/);
    assert.match(warnings[1]!, /The entry CON cannot be extracted on Windows/);
    for (const warning of warnings) assert.equal(count(result.stderr, `warning ${warning}\n`), 1, result.stderr);
    assert.ok(!result.stderr.includes('hunter2'));
    // A dry run says them too; publish once, though it plans and packs.
    const dry = await octojs(['pack', '--dry-run', '--json'], { cwd: app });
    assert.deepEqual(json(dry).packages[0]!.warnings, warnings);
    const env = { OCTOPUS_URL: feed.url, OCTOPUS_API_KEY: KEY };
    const published = await octojs(['publish', '--json', '--out-folder', path.join(tmp.path, 'out')], { cwd: app, env });
    assert.equal(published.code, 0, published.stderr);
    assert.equal(count(published.stderr, 'warning .env is about to be packed'), 1, published.stderr);
    assert.deepEqual(json(published).packages[0]!.warnings, warnings);
  });

  it('never packs .octojsrc.json, warns for a key in it or in package.json, and suggests OCTOPUS_API_KEY', async () => {
    const env = { OCTOPUS_URL: feed.url };
    writeFileSync(path.join(app, '.octojsrc.json'), JSON.stringify({ apiKey: KEY, overwriteMode: 'ignore' }));
    const published = await octojs(['publish', '--json'], { cwd: app, env });
    assert.equal(published.code, 0, published.stderr);
    const file = path.join(app, 'bin', 'warn-app.1.0.0.zip');
    assert.deepEqual(
      (await readArchive(file)).map((entry) => entry.name),
      ['index.js', 'package.json'],
    );
    assert.match(published.stderr, /warning \.octojsrc\.json holds an API key \("apiKey"\).*Set OCTOPUS_API_KEY in the environment/);
    assert.ok(!published.stderr.includes(KEY) && !published.stdout.includes(KEY));

    // In package.json's "octojs" section: the CLI warns, and so does core, as package.json is packed.
    rmSync(path.join(app, '.octojsrc.json'));
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'warn-app', version: '1.0.1', octojs: { apiKey: KEY } }));
    const packed = await octojs(['pack', '--json'], { cwd: app });
    assert.equal(packed.code, 0, packed.stderr);
    assert.match(packed.stderr, /warning package\.json \("octojs"\) holds an API key \("apiKey"\).*OCTOPUS_API_KEY/);
    const [warning] = json(packed).packages[0]!.warnings;
    assert.match(warning!, /^package\.json is about to be packed, and it holds an Octopus API key or access token.*OCTOPUS_API_KEY/);
    assert.ok(!packed.stderr.includes(KEY) && !packed.stdout.includes(KEY));
  });

  it('a config value of the wrong type that looks like a key, or of a secret setting, is never echoed', async () => {
    for (const retries of [KEY, { nested: KEY }]) {
      writeFileSync(path.join(app, '.octojsrc.json'), JSON.stringify({ retries }));
      const result = await octojs(['push', 'x.zip', '--server', feed.url], { cwd: app });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /"retries".*"…"/);
      assert.ok(!result.stderr.includes(KEY.slice(4)), result.stderr);
    }
    writeFileSync(path.join(app, '.octojsrc.json'), JSON.stringify({ apiKey: 12345678 }));
    const secret = await octojs(['push', 'x.zip'], { cwd: app });
    assert.equal(secret.code, 2);
    assert.ok(!secret.stderr.includes('12345678'), secret.stderr);
    const flag = await octojs(['push', 'x.zip', '--concurrency', KEY], { cwd: app });
    assert.equal(flag.code, 2);
    assert.ok(!flag.stderr.includes(KEY.slice(4)), flag.stderr);
  });

  it('an empty --exclude or --include is a usage error (exit 2), and a failed pack lists its package', async () => {
    for (const args of [['--exclude', ''], ['--include='], ['--include', './']]) {
      const result = await octojs(['pack', '--json', ...args], { cwd: app });
      assert.equal(result.code, 2, result.stderr);
      const doc = json(result);
      assert.equal(doc.error?.code, 'ERR_OCTO_USAGE');
      assert.match(doc.error!.message, /^--(exclude|include) takes a glob relative to the base path/);
    }
    writeFileSync(path.join(app, 'a:b'), 'x');
    const failed = await octojs(['pack', '--json'], { cwd: app });
    assert.equal(failed.code, 1, failed.stderr);
    const [entry] = json(failed).packages;
    assert.deepEqual(
      {
        fileName: entry?.fileName,
        packageId: entry?.packageId,
        version: entry?.version,
        outcome: entry?.outcome,
        code: entry?.error?.code,
      },
      { fileName: 'warn-app.1.0.0.zip', packageId: 'warn-app', version: '1.0.0', outcome: 'failed', code: 'ERR_OCTO_INVALID_ENTRY' },
    );
  });

  it('--timeout is checked in seconds in flag terms, --concurrency 0 is a usage error, the TLS warning names flags', async () => {
    const env = { OCTOPUS_URL: feed.url, OCTOPUS_API_KEY: KEY };
    for (const timeout of ['0', '99999999999', '0.0001']) {
      const result = await octojs(['push', 'x.zip', '--timeout', timeout], { cwd: app, env });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`--timeout takes seconds above 0, at most 2147483 .*not "${timeout.replace('.', '\\.')}"`));
      assert.ok(!/previewPush|ms\b|milli/.test(result.stderr), result.stderr);
    }
    const concurrency = await octojs(['push', 'x.zip', '--concurrency', '0'], { cwd: app, env });
    assert.equal(concurrency.code, 2, concurrency.stderr);
    assert.match(concurrency.stderr, /--concurrency takes a whole number of 1 or more, not "0"/);
    const packed = await octojs(['pack'], { cwd: app });
    assert.equal(packed.code, 0, packed.stderr);
    const insecure = await octojs(['push', 'bin/warn-app.1.0.0.zip', '--ignoreSslErrors', '--overwrite-mode', 'ignore'], { cwd: app, env });
    assert.equal(insecure.code, 0, insecure.stderr);
    assert.match(insecure.stderr, /warning TLS certificate verification is OFF \(`--insecure`\).*`--ca-file`/);
    assert.ok(!insecure.stderr.includes('`insecure`') && !insecure.stderr.includes('`caFile`'));
  });
});
