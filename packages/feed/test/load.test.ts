import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startFeed } from '../src/index.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';
import { ADMIN_KEY, KEYS, filesUnder, get, readBytes, sha1, upload } from './helpers/upload.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const UPLOADS = Number(process.env.FEED_LOAD_UPLOADS ?? 200);
const CLIENTS = 20;
const VERSIONS = 12;

/** A seeded generator, so that a failing run can be repeated (FEED_LOAD_SEED). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

type Mode = 'FailIfExists' | 'OverwriteExisting' | 'IgnoreIfExists';
interface Sent {
  version: string;
  fileName: string;
  mode: Mode;
  sha1: string;
  size: number;
  fault: 'none' | 'abort' | 'slow';
  status: number | 'aborted';
  answerHash?: string;
  answerSize?: number;
}

/** Bytes that differ per upload and are cheap to make: a header and a counter pattern. */
function content(label: string, size: number): Buffer {
  const data = Buffer.alloc(size);
  data.write(label);
  for (let offset = label.length; offset < size; offset += 4) data.writeUInt32LE(offset ^ size, Math.min(offset, size - 4));
  return data;
}

describe('feed under load', () => {
  const tmp = useTempDir('octojs-feed-load-');

  it(`${UPLOADS} uploads from ${CLIENTS} clients with aborts, slow bodies, conflicts and overwrites: every answer matches the disk`, async function () {
    this.timeout(120_000);
    const seed = Number(process.env.FEED_LOAD_SEED ?? 20261201);
    const random = lcg(seed);
    const dataDir = path.join(tmp.path, 'data');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures', 'pausing-feed.ts'), dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const lines = createInterface({ input: child.stdout });
      const url = await new Promise<string>((resolve) => lines.once('line', resolve));
      const loopLine = new Promise<string>((resolve) => lines.once('line', resolve));
      // The plan is drawn up front so that the seed alone decides it.
      const plan = Array.from({ length: UPLOADS }, (_, index): { sent: Sent; body: Buffer; chunk?: number; abortAfter?: number } => {
        const version = `1.0.${Math.floor(random() * VERSIONS)}`;
        const roll = random();
        const mode: Mode = roll < 0.45 ? 'FailIfExists' : roll < 0.9 ? 'OverwriteExisting' : 'IgnoreIfExists';
        const fileName = `Load.App.${version}${random() < 0.5 ? '.zip' : '.tar.gz'}`;
        const body = content(`upload ${index} of ${fileName} `, 1024 + Math.floor(random() * 200_000));
        const faultRoll = random();
        const fault = faultRoll < 0.15 ? 'abort' : faultRoll < 0.3 ? 'slow' : 'none';
        return {
          sent: { version, fileName, mode, sha1: sha1(body), size: body.length, fault, status: 'aborted' },
          body,
          ...(fault === 'slow' && { chunk: 8 * 1024 }),
          ...(fault === 'abort' && { abortAfter: Math.floor(random() * (body.length - 64)) }),
        };
      });
      let next = 0;
      let done = false;
      const latencies: number[] = [];
      const health = (async () => {
        while (!done) {
          const started = performance.now();
          assert.equal((await get(url, '/api')).status, 200);
          latencies.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          for (let index = next++; index < plan.length; index = next++) {
            const { sent, body, chunk, abortAfter } = plan[index]!;
            const answer = await upload(url, {
              fileName: sent.fileName,
              content: body,
              key: ADMIN_KEY,
              query: `overwriteMode=${sent.mode}`,
              ...(chunk && { chunk, pauseMs: 2 }),
              ...(abortAfter !== undefined && { abortAfter }),
            });
            if (answer === 'aborted') continue;
            sent.status = answer.status;
            if (answer.status === 200 || answer.status === 201) {
              const resource = answer.json<{ Hash: string; PackageSizeBytes: number }>();
              sent.answerHash = resource.Hash;
              sent.answerSize = resource.PackageSizeBytes;
            }
          }
        }),
      );
      const elapsed = performance.now() - started;
      done = true;
      await health;
      child.kill('SIGTERM');
      const loop = await loopLine;
      await exited;

      const sent = plan.map((entry) => entry.sent);
      const count = (test: (one: Sent) => boolean): number => sent.filter(test).length;
      const feed = await startFeed({ dataDir, apiKeys: KEYS });
      try {
        const stored = feed.packages();
        for (const record of stored) {
          const bytes = readBytes(feed.packagePath(record));
          assert.equal(sha1(bytes), record.hash, `${record.version}: the record describes the bytes on disk`);
          const created = sent.filter((one) => one.version === record.version && one.status === 201);
          assert.ok(
            created.some((one) => one.sha1 === record.hash && one.size === bytes.length),
            `${record.version}: the stored file is one upload that was answered 201`,
          );
        }
        for (const one of sent) {
          if (one.status === 201) {
            assert.equal(one.answerHash, one.sha1, 'a 201 describes the bytes that were sent');
            assert.equal(one.answerSize, one.size);
            assert.ok(
              stored.some((record) => record.version === one.version),
              'a version answered 201 is stored',
            );
          }
          if (one.status === 200) {
            assert.ok(
              sent.some((other) => other.version === one.version && other.status === 201 && other.sha1 === one.answerHash),
              'a 200 describes a stored upload',
            );
          }
          if (one.fault === 'abort') assert.equal(one.status, 'aborted');
          else assert.ok([200, 201, 409].includes(one.status as number), `answered ${one.status}`);
        }
        for (let minor = 0; minor < VERSIONS; minor++) {
          const version = `1.0.${minor}`;
          const failCreated = count((one) => one.version === version && one.mode === 'FailIfExists' && one.status === 201);
          assert.ok(failCreated <= 1, `${version}: at most one FailIfExists upload creates it`);
        }
        assert.deepEqual(filesUnder(path.join(dataDir, 'uploads')), [], 'nothing partial is left in the spool');
        assert.equal(filesUnder(path.join(dataDir, 'spaces')).length, stored.length * 2, 'each version: one record, one file');
        const max = Math.max(...latencies);
        const sorted = [...latencies].sort((a, b) => a - b);
        console.log(
          `      ${UPLOADS} uploads (seed ${seed}) in ${Math.round(elapsed)} ms: ${count((one) => one.status === 201)} created/overwritten, ` +
            `${count((one) => one.status === 200)} ignored, ${count((one) => one.status === 409)} conflicts, ${count((one) => one.fault === 'abort')} aborted, ` +
            `${count((one) => one.fault === 'slow')} slow; ${stored.length} versions stored; health: ${latencies.length} requests, ` +
            `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, p99 ${sorted[Math.floor(sorted.length * 0.99)]!.toFixed(1)} ms, max ${max.toFixed(1)} ms; ` +
            `feed's own event ${loop} ms`,
        );
        // The 100 ms goal is measured and reported above; the assertion only catches a feed that froze.
        assert.ok(max < 2000, `the feed stopped answering for ${max.toFixed(0)} ms`);
        assert.ok(count((one) => one.status === 201) > 0 && count((one) => one.status === 409) > 0);
      } finally {
        await feed.close();
      }
    } finally {
      child.kill('SIGKILL');
    }
  });
});
