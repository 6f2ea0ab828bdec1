import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultDataDir } from '../src/index.js';
import { isInside } from '../src/data-dir.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli.ts');

/** Starts `octojs-feed` from source with `args` in `cwd`; resolves with its first stdout line and its stderr so far. */
async function startCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ line: string; stderr: string }> {
  const script = `import(${JSON.stringify(cli)}).then((m) => m.runFeedCli(${JSON.stringify(args)}))`;
  // Resolved here: the child runs in a folder outside the repository, where `tsx` is not installed.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
    });
    return { line, stderr };
  } finally {
    child.kill('SIGTERM');
  }
}

describe('octojs-feed data folder', () => {
  const tmp = useTempDir('octojs-feed-cli-');

  it('defaults to a per-user folder outside the project, on every platform', () => {
    const home = os.homedir();
    assert.equal(defaultDataDir({}, 'linux'), path.join(home, '.local', 'share', 'octojs-feed'));
    assert.equal(defaultDataDir({ XDG_DATA_HOME: '/data' }, 'linux'), path.join('/data', 'octojs-feed'));
    assert.equal(defaultDataDir({}, 'darwin'), path.join(home, 'Library', 'Application Support', 'octojs-feed'));
    assert.equal(
      defaultDataDir({ LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' }, 'win32'),
      path.join('C:\\Users\\me\\AppData\\Local', 'octojs-feed'),
    );
    assert.equal(defaultDataDir({ OCTOJS_FEED_DATA: '/srv/feed' }, 'linux'), path.resolve('/srv/feed'));
    assert.ok(!isInside(defaultDataDir(), process.cwd()), 'not inside this repository');
    assert.ok(isInside('./feed-data', process.cwd()));
  });

  it('the command keeps packages outside the current folder by default, and warns about a --data inside it', async function () {
    this.timeout(30_000);
    const outside = path.join(tmp.path, 'xdg');
    const project = path.join(tmp.path, 'project');
    await import('node:fs/promises').then((fs) => fs.mkdir(project, { recursive: true }));
    const byDefault = await startCli(['--port', '0', '--api-key', 'API-X'], project, { XDG_DATA_HOME: outside, OCTOJS_FEED_DATA: '' });
    assert.match(byDefault.line, new RegExp(`data in ${path.join(outside, 'octojs-feed').replace(/[\\/.]/g, '\\$&')}\\)`));
    assert.equal(byDefault.stderr, '');
    const inside = await startCli(['--port', '0', '--api-key', 'API-X', '--data', './feed-data'], project);
    assert.match(inside.stderr, /is inside the current folder; a later pack or publish of it may include the stored packages/);
  });
});
