// npm run bench [-- --files N]: packs a generated app-shaped tree with octojs and with its peers, one after another in
// this run, each in its own process, and prints whole-process wall time and peak RSS (from /usr/bin/time when present).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

const root = path.resolve('.bench');
const tree = path.join(root, 'tree');
const out = path.join(root, 'out');
const fileCount = Number(process.argv[process.argv.indexOf('--files') + 1]) || 6000;

function makeTree(): void {
  if (existsSync(path.join(tree, '.done'))) return;
  rmSync(tree, { recursive: true, force: true });
  let seed = 1;
  const text = (size: number): string => {
    const words = ['const', 'function', 'return', 'module', 'exports', 'require', 'value', 'data', 'index', 'ünï'];
    let result = '';
    while (result.length < size) result += `${words[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % words.length]} `;
    return result;
  };
  for (let index = 0; index < fileCount; index++) {
    const folder = path.join(tree, 'node_modules', `pkg${index % 400}`, 'lib', `d${index % 7}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `file${index}.js`), text(200 + ((index * 997) % 20000)));
  }
  mkdirSync(path.join(tree, 'assets'), { recursive: true });
  for (let index = 0; index < 6; index++) writeFileSync(path.join(tree, 'assets', `blob${index}.bin`), randomBytes(4 * 1024 * 1024));
  for (let index = 0; index < 4; index++) writeFileSync(path.join(tree, 'assets', `big${index}.txt`), text(6 * 1024 * 1024));
  mkdirSync(path.join(tree, 'empty/dir'), { recursive: true });
  mkdirSync(path.join(tree, 'node_modules/.bin'), { recursive: true });
  symlinkSync('../pkg1/lib/d1/file1.js', path.join(tree, 'node_modules/.bin/tool'));
  writeFileSync(path.join(tree, 'package.json'), JSON.stringify({ name: 'bench-app', version: '1.0.0' }));
  writeFileSync(path.join(tree, '.done'), '');
}

const hasTime = existsSync('/usr/bin/time');
function measure(
  label: string,
  command: string,
  args: string[],
  output: string,
): { label: string; seconds: number; rssMb: number; size: number } {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const started = process.hrtime.bigint();
  const run = hasTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { cwd: tree, encoding: 'utf8' })
    : spawnSync(command, args, { cwd: tree, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`${label} failed: ${run.stderr}`);
  const rssKb = hasTime ? Number(run.stderr.trim().split('\n').at(-1)) : NaN;
  return { label, seconds, rssMb: rssKb / 1024, size: statSync(output).size };
}

makeTree();
const octojs = path.resolve('packages/octojs/bin/octojs.js');
const node = process.execPath;
const rows = [
  measure('zip -r -q (Info-ZIP, level 6)', 'zip', ['-r', '-q', '-6', path.join(out, 'a.zip'), '.', '-x', '.done'], path.join(out, 'a.zip')),
  measure(
    'octojs pack --format zip',
    node,
    [octojs, 'pack', '.', '-O', out, '--quiet', '--exclude', '.done'],
    path.join(out, 'bench-app.1.0.0.zip'),
  ),
  measure('tar -czf', 'tar', ['-czf', path.join(out, 'a.tar.gz'), '--exclude', '.done', '.'], path.join(out, 'a.tar.gz')),
  measure(
    'octojs pack --format tar.gz',
    node,
    [octojs, 'pack', '.', '-O', out, '--quiet', '--format', 'tar.gz', '--exclude', '.done'],
    path.join(out, 'bench-app.1.0.0.tar.gz'),
  ),
  measure('archiver 8 (zip, level 6)', node, [path.resolve('bench/archiver-zip.mjs'), path.join(out, 'b.zip')], path.join(out, 'b.zip')),
];
const reference: Record<string, number> = { zip: rows[0]!.seconds, tar: rows[2]!.seconds };
console.log(
  `tree: ${fileCount} source files + 10 MB-sized files (${execFileSync('du', ['-sh', tree]).toString().split('\t')[0]}), node ${process.version}, ${process.platform}`,
);
console.log('| tool | wall s | vs Info-ZIP / tar | peak RSS MB | size MB |');
console.log('| --- | --- | --- | --- | --- |');
for (const row of rows) {
  const base = row.label.includes('tar') ? reference.tar! : reference.zip!;
  console.log(
    `| ${row.label} | ${row.seconds.toFixed(2)} | ${(row.seconds / base).toFixed(2)} | ${row.rssMb.toFixed(0)} | ${(row.size / 1e6).toFixed(1)} |`,
  );
}
