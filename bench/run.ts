// npm run bench [-- --only pack|push|delta|delta-push] [--quick] [--runs N] [--delta-mb N] [--delta-push-modules N] [--delta-push-large-mb N] [--links 100,20]
// Packs generated trees and pushes generated packages with octojs and with its peers, one after another in this
// run, each in its own process, and prints whole-process medians (wall time; peak RSS from GNU time) as tables.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchDelta, deltaTable } from './delta-bench.js';
import { benchDeltaPush, deltaPushTable } from './push-delta-bench.js';
import { benchPack, packTable } from './pack-bench.js';
import { benchPush, pushTable } from './push-bench.js';
import { makeAppTree, makeLargeTree } from './trees.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    'delta-mb': { type: 'string' },
    'delta-push-modules': { type: 'string' },
    'delta-push-large-mb': { type: 'string' },
    links: { type: 'string' },
  },
});
const quick = values.quick!;
const runs = Number(values.runs ?? (quick ? 1 : 3));
const root = path.resolve(import.meta.dirname, '..', '.bench');
console.log(`node ${process.version}, ${os.platform()}, ${os.availableParallelism()} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`);

if (!values.only || values.only === 'pack') {
  const app = makeAppTree(path.join(root, 'app'), quick ? 6000 : 28_000);
  console.log(`\n## Pack: app-shaped tree, ${app.files} files, ${(app.bytes / 1e6).toFixed(0)} MB (median of ${runs})\n`);
  console.log(packTable(benchPack(app, 'bench-app.1.0.0', { runs, large: false })));
  if (!quick) {
    const large = makeLargeTree(path.join(root, 'large'));
    console.log(`\n## Pack: large files, ${large.files} files, ${(large.bytes / 1e9).toFixed(2)} GB (1 run)\n`);
    console.log(packTable(benchPack(large, 'bench-large.1.0.0', { runs: 1, large: true })));
  }
}

if (!values.only || values.only === 'push') {
  const rows = [];
  for (const receiver of ['byte sink', 'multipart sink', 'feed'] as const) {
    rows.push(...(await benchPush(receiver, 1, runs)));
    if (!quick) rows.push(...(await benchPush(receiver, 5, 1)));
  }
  console.log(`\n## Push over loopback, the receiver in its own process (1 GiB: median of ${runs}${quick ? '' : '; 5 GiB: 1 run'})\n`);
  console.log(pushTable(rows));
}

if (!values.only || values.only === 'delta') {
  const sizeMb = Number(values['delta-mb'] ?? (quick ? 256 : 1024));
  const { rows, summary } = benchDelta(root, sizeMb, runs);
  console.log(`\n## Delta: ${summary} (median of ${runs}; each step in its own process)\n`);
  console.log(deltaTable(rows));
}

if (!values.only || values.only === 'delta-push') {
  const modules = Number(values['delta-push-modules'] ?? (quick ? 6000 : 28_000));
  const largeMib = Number(values['delta-push-large-mb'] ?? (quick ? 256 : 1024));
  const links = (values.links ?? '100,20')
    .split(',')
    .map(Number)
    .filter((mbit) => mbit > 0);
  const report = await benchDeltaPush(root, { modules, links, largeMib, runs });
  console.log(
    `\n## Delta push: app-shaped tree (${report.tree.files} files, ${(report.tree.bytes / 1e6).toFixed(0)} MB), 1.0.0 then 1.0.1 (one source file changed, one small dependency added), zip; each push in its own process, through a throttling proxy (median of ${runs})\n`,
  );
  console.log(deltaPushTable(report));
}
