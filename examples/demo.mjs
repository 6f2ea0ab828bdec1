// The main job, end to end on this machine: start a local feed, pack the example app with the
// octojs command line, push it, list what the feed holds, stop the feed.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFeed } from '@octojs/feed';

const root = path.dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(path.join(os.tmpdir(), 'octojs-demo-'));
const apiKey = 'API-DEMO0000000000000000000000000';
const feed = await startFeed({ dataDir: path.join(work, 'feed-data'), apiKeys: { [apiKey]: ['BuiltInFeedPush', 'FeedView'] } });
console.log(`local feed on ${feed.url}`);
try {
  const octojs = path.join(root, '..', 'packages', 'octojs', 'bin', 'octojs.js');
  const env = { ...process.env, OCTOPUS_URL: feed.url, OCTOPUS_API_KEY: apiKey };
  // Spawned, not run synchronously: the feed answers from this very process.
  const child = spawn(
    process.execPath,
    [octojs, 'publish', path.join(root, 'app'), '--dependencies', 'prod', '--out-folder', path.join(work, 'bin')],
    { stdio: 'inherit', env },
  );
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`octojs publish exited with ${code}`);
  const response = await fetch(`${feed.url}/api/Spaces-1/packages`, { headers: { 'X-Octopus-ApiKey': apiKey } });
  const { Items } = await response.json();
  console.log('\nPackages on the feed:');
  for (const item of Items) console.log(`  ${item.PackageId} ${item.Version}  ${item.PackageSizeBytes} bytes  sha1 ${item.Hash}`);
} finally {
  await feed.close();
  rmSync(work, { recursive: true, force: true });
}
