// The delta push end to end: an app-shaped tree's 1.0.0 pushed, then 1.0.1 (one source file changed, one small
// dependency added, files keeping their own mtimes) pushed in full and as a delta through a throttling proxy, each
// push in its own process; the delta build against the SHA-1 of the same package; peak RSS of a delta push of 1 GiB.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pack } from '@octojs/core';
import { type Feed, startFeed } from '@octojs/feed';
import { median } from './measure.js';
import { makeAppTree } from './trees.js';

const STEP = path.join(import.meta.dirname, 'push-delta-step.mjs');
const KEY = 'API-BENCHDELTA0000000000000000000';

interface StepOutput {
  /** Wall time of the whole process, start-up included. */
  wall: number;
  seconds: number;
  rssMb: number;
  result: Record<string, unknown>;
}

function step(args: string[]): Promise<StepOutput> {
  // Asynchronous: the feed and the proxy live in this process and must keep answering meanwhile.
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [STEP, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`step ${args.join(' ')} failed (${code}): ${err}`));
      resolve({ wall, ...(JSON.parse(out.trim().split('\n').at(-1)!) as Omit<StepOutput, 'wall'>) });
    });
  });
}

/** One direction of a link: bytes leave no faster than `bitsPerSecond`, whatever the number of connections. */
class Link {
  #free = 0;
  constructor(readonly bitsPerSecond: number) {}
  /** When `bytes` queued now will have left the link (ms since the epoch). */
  take(bytes: number): number {
    const now = Date.now();
    this.#free = Math.max(this.#free, now) + (bytes * 8 * 1000) / this.bitsPerSecond;
    return this.#free;
  }
}

/** Pipes `from` into `to` through `link`, pausing `from` while the link is busy (so memory stays bounded). */
function throttle(from: net.Socket, to: net.Socket, link: Link): void {
  // 'end' may come while the last chunk is still waiting for the link: end only after it went out.
  let pending: Promise<void> = Promise.resolve();
  from.on('data', (chunk: Buffer) => {
    from.pause();
    const send = async (): Promise<void> => {
      for (let offset = 0; offset < chunk.byteLength; offset += 16 * 1024) {
        const piece = chunk.subarray(offset, offset + 16 * 1024);
        const wait = link.take(piece.byteLength) - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (!to.write(piece)) await new Promise((resolve) => to.once('drain', resolve));
      }
    };
    pending = send().then(
      () => void from.resume(),
      () => void from.destroy(),
    );
  });
  from.on('end', () => void pending.then(() => to.end()));
  from.on('error', () => to.destroy());
}

/** A TCP proxy on 127.0.0.1 in front of `target`, as a link of `mbit` Mbit/s each way. */
export async function throttlingProxy(targetPort: number, mbit: number): Promise<{ url: string; close: () => Promise<void> }> {
  const up = new Link(mbit * 1e6);
  const down = new Link(mbit * 1e6);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    throttle(client, upstream, up);
    throttle(upstream, client, down);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Packs 1.0.0 of the tree, then 1.0.1 as a user's next release: package.json's version bumped, one source file
 * changed and one small dependency added (these get new mtimes; every other file keeps its own). The tree is put
 * back afterwards (it is cached under .bench).
 */
async function packReleases(tree: string, out: string): Promise<{ v1: string; v2: string }> {
  const packageJson = path.join(tree, 'package.json');
  const source = path.join(tree, 'server.js');
  const dependency = path.join(tree, 'node_modules', 'tiny-dep');
  const saved = { packageJson: readFileSync(packageJson), source: readFileSync(source), times: statSync(source) };
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  try {
    writeFileSync(packageJson, JSON.stringify({ name: 'bench-app', version: '1.0.0' }));
    const v1 = await pack({ basePath: tree, outFolder: out });
    writeFileSync(packageJson, JSON.stringify({ name: 'bench-app', version: '1.0.1' }));
    writeFileSync(
      source,
      Buffer.concat([saved.source, Buffer.from('\n// 1.0.1: fixed the greeting\nmodule.exports.greeting = "hello";\n')]),
    );
    mkdirSync(dependency, { recursive: true });
    writeFileSync(path.join(dependency, 'package.json'), JSON.stringify({ name: 'tiny-dep', version: '1.0.0', main: 'index.js' }));
    writeFileSync(path.join(dependency, 'index.js'), 'module.exports = (a, b) => a + b;\n');
    const v2 = await pack({ basePath: tree, outFolder: out });
    return { v1: v1.path, v2: v2.path }; // `path`: PackResult's name for the file on this branch
  } finally {
    writeFileSync(packageJson, saved.packageJson);
    writeFileSync(source, saved.source);
    utimesSync(source, saved.times.atime, saved.times.mtime);
    rmSync(dependency, { recursive: true, force: true });
  }
}

/** A zip-looking 1 GiB package and its next version with a few scattered edits (for the RSS bound). */
function makeLargePair(folder: string, mib: number): { v1: string; v2: string } {
  mkdirSync(folder, { recursive: true });
  const v1 = path.join(folder, `bench-large.1.0.0.zip`);
  const v2 = path.join(folder, `bench-large.1.0.1.zip`);
  if (existsSync(v1) && existsSync(v2) && statSync(v1).size === mib * 1024 * 1024) return { v1, v2 };
  const block = 8 * 1024 * 1024;
  const fd1 = openSync(v1, 'w');
  const fd2 = openSync(v2, 'w');
  try {
    for (let written = 0; written < mib * 1024 * 1024; written += block) {
      const bytes = randomBytes(block);
      if (written === 0) bytes.write('PK\x03\x04', 0, 'latin1');
      writeSync(fd1, bytes);
      if ((written / block) % 16 === 5) bytes.write('an edit of 1.0.1', 4096 + ((written / block) % 7) * 1000);
      writeSync(fd2, bytes);
    }
  } finally {
    closeSync(fd1);
    closeSync(fd2);
  }
  return { v1, v2 };
}

export interface DeltaPushReport {
  tree: { files: number; bytes: number };
  packageBytes: number;
  signatureBytes: number;
  bytesSent: number;
  links: { mbit: number; full: number; delta: number }[];
  sha1Seconds: number;
  deltaSeconds: number;
  /** The delta build given the SHA-1, as push does it (having hashed the package while the signature downloaded). */
  knownSha1Seconds: number;
  large: { mib: number; deltaRssMb: number; fullRssMb: number; bytesSent: number; seconds: number } | undefined;
}

async function withFeed<T>(dataDir: string, task: (feed: Feed) => Promise<T>): Promise<T> {
  rmSync(dataDir, { recursive: true, force: true });
  const feed = await startFeed({ dataDir, apiKeys: { [KEY]: ['BuiltInFeedPush', 'BuiltInFeedAdminister', 'FeedView'] } });
  try {
    return await task(feed);
  } finally {
    await feed.close();
  }
}

async function signatureOf(feed: Feed, packageId: string, version: string, file: string): Promise<number> {
  const answer = await fetch(`${feed.url}/api/Spaces-1/packages/${packageId}/${version}/delta-signature`, {
    headers: { 'x-octopus-apikey': KEY },
  });
  const body = (await answer.json()) as { Signature: string };
  const bytes = Buffer.from(body.Signature, 'base64');
  writeFileSync(file, bytes);
  return bytes.byteLength;
}

export async function benchDeltaPush(
  root: string,
  options: { modules: number; links: number[]; largeMib: number; runs: number },
): Promise<DeltaPushReport> {
  const tree = makeAppTree(path.join(root, 'app'), options.modules);
  const out = path.join(root, 'delta-push');
  const { v1, v2 } = await packReleases(tree.root, path.join(out, 'packages'));
  const report = await withFeed(path.join(out, 'feed'), async (feed) => {
    const seeded = await step(['push', v1, feed.url, KEY, 'full']);
    if (seeded.result.outcome !== 'created') throw new Error('1.0.0 was not stored');
    const signatureFile = path.join(out, 'signature');
    const signatureBytes = await signatureOf(feed, 'bench-app', '1.0.1', signatureFile);
    // The delta build against the SHA-1 of the same package, in one process, one after the other (medians of the runs).
    const builds: { sha1Seconds: number; deltaSeconds: number; knownSha1Seconds: number }[] = [];
    for (let run = 0; run < options.runs; run++) {
      builds.push((await step(['build', v2, signatureFile])).result as (typeof builds)[number]);
    }
    const links: DeltaPushReport['links'] = [];
    let bytesSent = 0;
    for (const mbit of options.links) {
      const proxy = await throttlingProxy(feed.port, mbit);
      try {
        const fulls: number[] = [];
        const deltas: number[] = [];
        for (let run = 0; run < options.runs; run++) {
          // Each push starts with the disk flushed, so that neither pays for the other's writes.
          spawnSync('sync');
          fulls.push((await step(['push', v2, proxy.url, KEY, 'full'])).wall);
          spawnSync('sync');
          const delta = await step(['push', v2, proxy.url, KEY, 'delta']);
          if (delta.result.method !== 'delta')
            throw new Error(`the delta push sent the whole package: ${String(delta.result.fullUploadReason)}`);
          bytesSent = delta.result.bytesSent as number;
          deltas.push(delta.wall);
        }
        links.push({ mbit, full: median(fulls), delta: median(deltas) });
      } finally {
        await proxy.close();
      }
    }
    if (links.length === 0) bytesSent = (await step(['push', v2, feed.url, KEY, 'delta'])).result.bytesSent as number;
    return {
      tree: { files: tree.files, bytes: tree.bytes },
      packageBytes: statSync(v2).size,
      signatureBytes,
      bytesSent,
      links,
      sha1Seconds: median(builds.map((build) => build.sha1Seconds)),
      deltaSeconds: median(builds.map((build) => build.deltaSeconds)),
      knownSha1Seconds: median(builds.map((build) => build.knownSha1Seconds)),
    };
  });
  let large: DeltaPushReport['large'];
  if (options.largeMib > 0) {
    const pair = makeLargePair(path.join(root, 'delta-push-large'), options.largeMib);
    large = await withFeed(path.join(out, 'feed-large'), async (feed) => {
      const full = await step(['push', pair.v1, feed.url, KEY, 'full']);
      const delta = await step(['push', pair.v2, feed.url, KEY, 'delta']);
      if (delta.result.method !== 'delta')
        throw new Error(`the 1 GiB delta push sent the whole package: ${String(delta.result.fullUploadReason)}`);
      return {
        mib: options.largeMib,
        deltaRssMb: delta.rssMb,
        fullRssMb: full.rssMb,
        bytesSent: delta.result.bytesSent as number,
        seconds: delta.wall,
      };
    });
  }
  return { ...report, large };
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;

export function deltaPushTable(report: DeltaPushReport): string {
  const rows: [string, string, string, string][] = [
    ['Measure', 'Value', 'Goal', 'Met'],
    ['Package 1.0.1 (zip)', mb(report.packageBytes), '', ''],
    [
      'Signature of 1.0.0 (downloaded)',
      `${mb(report.signatureBytes)} (${((100 * report.signatureBytes) / report.packageBytes).toFixed(2)}%)`,
      '',
      '',
    ],
    [
      'Bytes sent (delta) / full package',
      `${mb(report.bytesSent)} = ${((100 * report.bytesSent) / report.packageBytes).toFixed(2)}%`,
      '≤ 3%',
      report.bytesSent / report.packageBytes <= 0.03 ? 'yes' : 'no',
    ],
  ];
  for (const link of report.links) {
    const ratio = link.delta / link.full;
    rows.push([
      `Whole push at ${link.mbit} Mbit/s: delta / full`,
      `${link.delta.toFixed(2)} s / ${link.full.toFixed(2)} s = ${ratio.toFixed(3)}`,
      '≤ 0.1',
      ratio <= 0.1 ? 'yes' : 'no',
    ]);
  }
  const buildRatio = report.deltaSeconds / report.sha1Seconds;
  rows.push([
    'Delta build (createDelta hashing too) / SHA-1 of the new package',
    `${report.deltaSeconds.toFixed(2)} s / ${report.sha1Seconds.toFixed(2)} s = ${buildRatio.toFixed(2)}`,
    '≤ 2 (stretch 1.2)',
    buildRatio <= 2 ? 'yes' : 'no',
  ]);
  const pushRatio = report.knownSha1Seconds / report.sha1Seconds;
  rows.push([
    'Delta build as push does it (SHA-1 hashed during the signature download) / SHA-1',
    `${report.knownSha1Seconds.toFixed(2)} s / ${report.sha1Seconds.toFixed(2)} s = ${pushRatio.toFixed(2)}`,
    '≤ 2 (stretch 1.2)',
    pushRatio <= 2 ? 'yes' : 'no',
  ]);
  if (report.large) {
    rows.push([
      `Peak RSS, delta push of ${report.large.mib} MiB`,
      `${report.large.deltaRssMb.toFixed(0)} MB (full push: ${report.large.fullRssMb.toFixed(0)} MB; ${mb(report.large.bytesSent)} sent in ${report.large.seconds.toFixed(1)} s)`,
      '≤ 150 MB',
      report.large.deltaRssMb <= 150 ? 'yes' : 'no',
    ]);
  }
  return rows.map((row, index) => `| ${row.join(' | ')} |${index === 0 ? '\n| --- | --- | --- | --- |' : ''}`).join('\n');
}
