import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Measurement, hasCommand, measure, summarize } from './measure.js';
import type { TreeSummary } from './trees.js';

export interface PackRow extends Measurement {
  tool: string;
  /** `zip` rows compare with Info-ZIP, `tar.gz` rows with tar -czf. */
  kind: 'zip' | 'tar.gz';
  reference?: boolean;
  sizeMb: number;
}

interface Tool {
  name: string;
  kind: 'zip' | 'tar.gz';
  reference?: boolean;
  /** Only on the app tree: the slow JS peers would take minutes on the large one. */
  appOnly?: boolean;
  needs?: string;
  /** The command, and the file it writes. */
  command(tree: string, out: string): { command: string; args: string[]; output: string; shell?: boolean };
}

const ROOT = path.resolve(import.meta.dirname, '..');
const node = process.execPath;
const octojs = path.join(ROOT, 'packages/octojs/bin/octojs.js');
const peers = path.join(ROOT, 'bench/peers');

export const PACK_TOOLS: Tool[] = [
  {
    name: 'zip -r -q -6 (Info-ZIP)',
    kind: 'zip',
    reference: true,
    needs: 'zip',
    command: (_tree, out) => ({
      command: 'zip',
      args: ['-r', '-q', '-y', '-6', path.join(out, 'a.zip'), '.', '-x', '.done'],
      output: path.join(out, 'a.zip'),
    }),
  },
  {
    name: 'octojs pack (zip, level 6)',
    kind: 'zip',
    command: (_tree, out) => ({
      command: node,
      args: [octojs, 'pack', '.', '-O', out, '--quiet', '--exclude', '.done'],
      output: path.join(out, 'PACKAGE.zip'),
    }),
  },
  {
    name: 'archiver 8 (zip, level 6)',
    kind: 'zip',
    appOnly: true,
    command: (tree, out) => ({
      command: node,
      args: [path.join(peers, 'archiver-zip.mjs'), tree, path.join(out, 'b.zip')],
      output: path.join(out, 'b.zip'),
    }),
  },
  {
    name: 'yazl 3 (zip, level 6)',
    kind: 'zip',
    appOnly: true,
    command: (tree, out) => ({
      command: node,
      args: [path.join(peers, 'yazl-zip.mjs'), tree, path.join(out, 'c.zip')],
      output: path.join(out, 'c.zip'),
    }),
  },
  {
    name: 'octopackjs 0.2.4 (zip, its level)',
    kind: 'zip',
    appOnly: true,
    command: (tree, out) => ({
      command: node,
      args: [path.join(peers, 'octopackjs-zip.cjs'), tree, out],
      output: path.join(out, 'bench.1.0.0.zip'),
    }),
  },
  {
    name: 'tar -czf',
    kind: 'tar.gz',
    reference: true,
    command: (_tree, out) => ({
      command: 'tar',
      args: ['-czf', path.join(out, 'a.tar.gz'), '--exclude', '.done', '.'],
      output: path.join(out, 'a.tar.gz'),
    }),
  },
  {
    name: 'tar -c \\| pigz -6 (2 threads)',
    kind: 'tar.gz',
    needs: 'pigz',
    command: (_tree, out) => ({
      command: 'sh',
      args: ['-c', `tar -c --exclude .done . | pigz -6 > ${JSON.stringify(path.join(out, 'p.tar.gz'))}`],
      output: path.join(out, 'p.tar.gz'),
    }),
  },
  {
    name: 'octojs pack (tar.gz, level 6)',
    kind: 'tar.gz',
    command: (_tree, out) => ({
      command: node,
      args: [octojs, 'pack', '.', '-O', out, '--quiet', '--format', 'tar.gz', '--exclude', '.done'],
      output: path.join(out, 'PACKAGE.tar.gz'),
    }),
  },
];

/** Packs `tree` with every tool, `runs` times each, interleaved so that no tool gets a warmer machine than another. */
export function benchPack(tree: TreeSummary, packageName: string, options: { runs: number; large: boolean }): PackRow[] {
  const out = path.join(ROOT, '.bench', 'out');
  const tools = PACK_TOOLS.filter((tool) => (!options.large || !tool.appOnly) && (!tool.needs || hasCommand(tool.needs)));
  const results = new Map<Tool, { runs: Measurement[]; size: number }>();
  for (let run = 0; run < options.runs; run++) {
    for (const tool of tools) {
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
      const { command, args, output } = tool.command(tree.root, out);
      const measurement = measure(command, args, { cwd: tree.root });
      const size = statSync(output.replace('PACKAGE', packageName)).size;
      const entry = results.get(tool) ?? { runs: [], size };
      entry.runs.push(measurement);
      results.set(tool, entry);
    }
  }
  rmSync(out, { recursive: true, force: true });
  return tools.map((tool) => {
    const { runs, size } = results.get(tool)!;
    return { tool: tool.name, kind: tool.kind, ...(tool.reference && { reference: true }), ...summarize(runs), sizeMb: size / 1e6 };
  });
}

export function packTable(rows: PackRow[]): string {
  const reference = (kind: string): PackRow => rows.find((row) => row.kind === kind && row.reference)!;
  const lines = [
    '| tool | wall s (median) | vs Info-ZIP / tar -czf | peak RSS MB | size MB | size vs reference |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    const base = reference(row.kind);
    lines.push(
      `| ${row.tool} | ${row.seconds.toFixed(2)} | ${(row.seconds / base.seconds).toFixed(2)} | ${row.rssMb.toFixed(0)} | ${row.sizeMb.toFixed(1)} | ${((row.sizeMb / base.sizeMb - 1) * 100).toFixed(1)}% |`,
    );
  }
  return lines.join('\n');
}
