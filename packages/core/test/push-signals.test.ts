import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { useTempDir } from '../../../test/helpers/temp-dir.js';
import { type TestServer, octopusHandler, startServer } from './hostile-server.js';

const CORE = pathToFileURL(fileURLToPath(new URL('../src/index.ts', import.meta.url))).href;

/** A child that pushes an endless package stream (so its retry copy grows) to `server`, or spools one as gulp-octo does. */
const CHILD = `
import { Readable } from 'node:stream';
import { push, spoolStream } from ${JSON.stringify(CORE)};
const [mode, server] = process.argv.slice(2);
async function* endless() {
  yield Buffer.concat([Buffer.from('PK\\x03\\x04', 'latin1'), Buffer.alloc(65532, 1)]);
  for (;;) {
    yield Buffer.alloc(64 * 1024, 2);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
const stream = Readable.from(endless());
if (mode === 'push') {
  await push({ stream, name: 'Acme.Endless.1.0.0.zip' }, { server, apiKey: 'API-SIGNAL000000000000000000', env: {}, timeout: 60000 });
} else {
  await spoolStream(stream, 'Acme.Endless.1.0.0.zip');
}
`;

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('push: SIGINT and SIGTERM leave nothing behind', () => {
  const tmp = useTempDir();
  let server: TestServer;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    // Reads the upload on and on, never answering: the push is mid-upload when the signal comes.
    server = await startServer(octopusHandler({ upload: () => {} }));
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await server.close();
  });

  for (const [mode, signal] of [
    ['push', 'SIGTERM'],
    ['push', 'SIGINT'],
    ['spool', 'SIGTERM'],
  ] as const) {
    it(`${mode}: ${signal} removes the ${mode === 'push' ? 'retry copy' : 'spool'} and ends the process with the signal`, async function () {
      this.timeout(20_000); // starting a child under tsx takes a few seconds on a busy machine
      const temp = path.join(tmp.path, 'tmp');
      mkdirSync(temp);
      const script = path.join(tmp.path, 'child.mts');
      writeFileSync(script, CHILD);
      child = spawn(process.execPath, ['--import', 'tsx', script, mode, server.url], {
        env: { ...process.env, TMPDIR: temp, TMP: temp, TEMP: temp },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = once(child, 'exit');
      const copies = (): string[] => readdirSync(temp).filter((name) => name.startsWith('octojs-push-'));
      await waitFor(() => copies().length > 0 || child!.exitCode !== null, 15_000);
      assert.equal(child.exitCode, null, `the child ended early: ${stderr}`);
      assert.equal(copies().length, 1);
      child.kill(signal);
      const [code, received] = (await exited) as [number | null, NodeJS.Signals | null];
      assert.equal(received, signal, `exit code ${code}: ${stderr}`);
      // (tsx keeps its cache there too.)
      assert.deepEqual(
        readdirSync(temp).filter((name) => name.startsWith('octojs-')),
        [],
        'nothing of ours left in the temporary folder',
      );
    });
  }
});
