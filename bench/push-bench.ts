import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type Measurement, hasCommand, measure, summarize } from './measure.js';

export interface PushRow extends Measurement {
  tool: string;
  receiver: Receiver;
  sizeGb: number;
  /** Package bytes per second of the whole process. */
  mbPerSecond: number;
  reference?: boolean;
}

const ROOT = path.resolve(import.meta.dirname, '..');
const KEY = 'API-BENCHPUSH000000000000000000';
const node = process.execPath;
const peers = path.join(ROOT, 'bench/peers');

/** A zip's local-header magic: push checks a `.zip` starts with it before sending anything. */
const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');

function startsAsZip(file: string): boolean {
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return head.equals(ZIP_MAGIC);
}

/** A package-sized file of random bytes after a zip's magic (the rest does not matter to an upload), and its SHA-1. */
function makePackage(folder: string, gib: number): { file: string; sha1: string } {
  const file = path.join(folder, `source-${gib}g.bin`);
  const fresh = existsSync(file) && statSync(file).size === gib * 1024 ** 3 && existsSync(`${file}.sha1`) && startsAsZip(file);
  if (!fresh) writePackage(file, gib);
  return { file, sha1: readFileSync(`${file}.sha1`, 'utf8') };
}

function writePackage(file: string, gib: number): void {
  const folder = path.dirname(file);
  const hash = createHash('sha1');
  mkdirSync(folder, { recursive: true });
  const fd = openSync(file, 'w');
  const block = randomBytes(64 * 1024 * 1024);
  try {
    for (let written = 0; written < gib * 1024 ** 3; written += block.length) {
      ZIP_MAGIC.copy(block, 0);
      block.writeUInt32LE(written / block.length, 4); // no two blocks alike
      writeSync(fd, block);
      hash.update(block);
    }
  } finally {
    closeSync(fd);
  }
  writeFileSync(`${file}.sha1`, hash.digest('hex'));
}

/** A sink that counts the body's bytes, one that parses it as multipart (and keeps nothing), or @octojs/feed. */
export type Receiver = 'byte sink' | 'multipart sink' | 'feed';

/** Reads a file once, so that it is in the page cache for every tool alike, the first one too. */
function warm(file: string): void {
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(16 * 1024 * 1024);
  try {
    while (readSync(fd, buffer) > 0);
  } finally {
    closeSync(fd);
  }
}

/**
 * The receiving server, in its own process as a real server would be: a streaming sink that counts bytes (the
 * network alone sets the pace) or @octojs/feed (which parses the multipart body, hashes and stores it).
 */
async function startReceiver(receiver: Receiver, dataDir: string, sha1: string): Promise<{ url: string; stop(): void }> {
  rmSync(dataDir, { recursive: true, force: true });
  const args =
    receiver === 'byte sink'
      ? [path.join(ROOT, 'bench/sink-server.mjs')]
      : receiver === 'multipart sink'
        ? [path.join(ROOT, 'bench/sink-server.mjs'), '--multipart']
        : [path.join(ROOT, 'packages/feed/bin/octojs-feed.js'), '--port', '0', '--data', dataDir, '--api-key', KEY];
  const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SINK_HASH: sha1 } });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the feed exited with ${code}`)));
  });
  return { url: /listening on (\S+)/.exec(line)![1]!, stop: () => child.kill() };
}

interface PushTool {
  name: string;
  reference?: boolean;
  needs?: string;
  /**
   * Measured on the small package only: octopackjs buffers a stream whole (past 2 GiB it cannot), and
   * the floor and HTTP-client rows explain the table rather than add to it.
   */
  smallOnly?: boolean;
  args(file: string, url: string): { command: string; args: string[] };
}

/** bench/peers/octojs-push.mjs, handing the package over as `kind` (see that file). */
function octojs(name: string, kind: string, ...extra: string[]): PushTool {
  return { name, args: (file) => ({ command: node, args: [path.join(peers, 'octojs-push.mjs'), file, kind, ...extra] }) };
}

function octopackjs(name: string, kind: 'path' | 'stream'): PushTool {
  return { name, args: (file, url) => ({ command: node, args: [path.join(peers, 'octopackjs-push.cjs'), file, kind, url] }) };
}

const TOOLS: PushTool[] = [
  {
    name: 'curl -F file=@…',
    reference: true,
    needs: 'curl',
    args: (file, url) => ({
      command: 'curl',
      args: [
        '-sS',
        '-f',
        '-o',
        '/dev/null',
        '-H',
        `X-Octopus-ApiKey: ${KEY}`,
        '-F',
        `file=@${file}`,
        `${url}/api/packages/raw?overwriteMode=FailIfExists`,
      ],
    }),
  },
  octojs('octojs push(path)', 'path'),
  octojs('octojs push({ stream: createReadStream(file) })', 'fs-stream'),
  octojs('octojs push({ stream }), any other stream', 'stream'),
  octojs('octojs push({ stream }, { retries: 0 }): sent once, no copy', 'stream-once'),
  { ...octojs('floor: only reading that stream in Node, no upload', 'stream', 'read-only'), smallOnly: true },
  ...(['file', 'stream'] as const).flatMap((source) =>
    (['got', 'node'] as const).map((client): PushTool => ({
      name: `HTTP client choice: ${client === 'got' ? 'got 14' : 'node:http'}, ${source}`,
      smallOnly: true,
      args: (file) => ({ command: node, args: [path.join(peers, 'http-client-upload.mjs'), file, client, source] }),
    })),
  ),
  octopackjs('octopackjs 0.2.4 push(path)', 'path'),
  { ...octopackjs('octopackjs 0.2.4 push(stream)', 'stream'), smallOnly: true },
];

/** Pushes a package of `gib` GiB with each tool, `runs` times, each run under a new version so nothing conflicts. */
export async function benchPush(receiver: Receiver, gib: number, runs: number): Promise<PushRow[]> {
  const folder = path.join(ROOT, '.bench', 'push');
  const { file: source, sha1 } = makePackage(folder, gib);
  warm(source);
  const dataDir = path.join(folder, 'feed');
  const feed = await startReceiver(receiver, dataDir, sha1);
  const tools = TOOLS.filter((tool) => (!tool.needs || hasCommand(tool.needs)) && (gib <= 1 || !tool.smallOnly));
  const results = new Map<PushTool, Measurement[]>();
  let version = 0;
  try {
    for (let run = 0; run < runs; run++) {
      for (const tool of tools) {
        // A hard link per run: a fresh <id>.<version>.zip without copying gigabytes.
        const file = path.join(folder, `Bench.Push.${gib}.0.${++version}.zip`);
        rmSync(file, { force: true });
        linkSync(source, file);
        const { command, args } = tool.args(file, feed.url);
        // Dirty pages of the last run (the feed's stored copy, a spool file) are flushed first, so no tool pays for another's writes.
        spawnSync('sync');
        const measurement = measure(command, args, { cwd: ROOT, env: { ...process.env, OCTOPUS_URL: feed.url, OCTOPUS_API_KEY: KEY } });
        results.set(tool, [...(results.get(tool) ?? []), measurement]);
        rmSync(file, { force: true });
        // The feed keeps what it stored; drop it so that gigabytes do not pile up on disk.
        rmSync(path.join(dataDir, 'spaces'), { recursive: true, force: true });
      }
    }
  } finally {
    feed.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const bytes = gib * 1024 ** 3;
  return tools.map((tool) => {
    const summary = summarize(results.get(tool)!);
    return {
      tool: tool.name,
      receiver,
      ...(tool.reference && { reference: true }),
      ...summary,
      sizeGb: gib,
      mbPerSecond: bytes / 1e6 / summary.seconds,
    };
  });
}

export function pushTable(rows: PushRow[]): string {
  const lines = [
    '| receiver | tool | package | wall s (median) | MB/s | vs curl throughput | peak RSS MB |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    const curl = rows.find((other) => other.reference && other.sizeGb === row.sizeGb && other.receiver === row.receiver);
    const ratio = curl ? (row.mbPerSecond / curl.mbPerSecond).toFixed(2) : 'n/a';
    lines.push(
      `| ${row.receiver} | ${row.tool} | ${row.sizeGb} GiB | ${row.seconds.toFixed(2)} | ${row.mbPerSecond.toFixed(0)} | ${ratio} | ${row.rssMb.toFixed(0)} |`,
    );
  }
  return lines.join('\n');
}
