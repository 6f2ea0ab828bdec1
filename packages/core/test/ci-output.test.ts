import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type CiReportEntry, jobSummaryMarkdown, reportToCi } from '../src/index.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';

const ENTRIES: CiReportEntry[] = [
  { packageId: 'Acme.Web', version: '1.2.3', size: 2048, outcome: 'created', method: 'full', spaceId: 'Spaces-2' },
  { packageId: 'Acme.Api', version: '1.2.3', size: 10, outcome: 'ignored' },
  {
    file: '/build/Acme.Bad.1.2.3.zip',
    outcome: 'failed',
    error: {
      code: 'ERR_OCTO_CONFLICT',
      message: 'Acme.Bad 1.2.3 already exists | 100%\nsecond line',
      hint: 'Bump the version, or ignore: it.',
    },
  },
];

describe('reportToCi()', () => {
  const tmp = useTempDir();

  it('in GitHub Actions, appends a job summary table with links and writes ::error:: annotations, escaped', async () => {
    const summary = path.join(tmp.path, 'step-summary.md');
    writeFileSync(summary, 'earlier step\n');
    const lines: string[] = [];
    const report = await reportToCi(ENTRIES, {
      server: 'https://user:pw@octopus.example.com/octopus/api',
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
      write: (line) => lines.push(line),
    });
    assert.deepEqual(report, { style: 'github', summaryFile: summary });
    assert.equal(
      readFileSync(summary, 'utf8'),
      [
        'earlier step',
        '### Octopus packages',
        '',
        '| Package | Version | Size | Outcome | Method | On the server |',
        '| --- | --- | --- | --- | --- | --- |',
        '| Acme.Web | 1.2.3 | 2.0 KB | created | full | [open](https://octopus.example.com/octopus/app#/Spaces-2/library/packages/Acme.Web/overview) |',
        '| Acme.Api | 1.2.3 | 10 B | ignored |  | [open](https://octopus.example.com/octopus/app#/Spaces-1/library/packages/Acme.Api/overview) |',
        '| /build/Acme.Bad.1.2.3.zip |  |  | ❌ failed: ERR\\_OCTO\\_CONFLICT |  |  |',
        '',
        '- **/build/Acme.Bad.1.2.3.zip**: Acme.Bad 1.2.3 already exists \\| 100% second line',
        '',
        '',
      ].join('\n'),
    );
    assert.deepEqual(lines, [
      '::error title=/build/Acme.Bad.1.2.3.zip%3A ERR_OCTO_CONFLICT::Acme.Bad 1.2.3 already exists | 100%25%0Asecond line%0ABump the version, or ignore: it.',
    ]);
  });

  it('in GitHub Actions without a summary file, still annotates failures', async () => {
    const lines: string[] = [];
    const report = await reportToCi(ENTRIES, { env: { GITHUB_ACTIONS: 'true' }, write: (line) => lines.push(line) });
    assert.deepEqual(report, { style: 'github', summaryFile: undefined });
    assert.equal(lines.length, 1);
  });

  it('elsewhere, writes one plain line per package', async () => {
    const lines: string[] = [];
    const report = await reportToCi(ENTRIES, { env: { GITLAB_CI: 'true', CI: 'true' }, write: (line) => lines.push(line) });
    assert.equal(report.style, 'plain');
    assert.deepEqual(lines, [
      'octojs: Acme.Web 1.2.3 created (2.0 KB) [full]',
      'octojs: Acme.Api 1.2.3 ignored (10 B)',
      'octojs: /build/Acme.Bad.1.2.3.zip failed: ERR_OCTO_CONFLICT Acme.Bad 1.2.3 already exists | 100%\nsecond line',
    ]);
  });

  it('titles the summary, and leaves links out without a server', () => {
    const markdown = jobSummaryMarkdown(ENTRIES.slice(0, 1), { title: 'Build information pushed to Octopus' });
    assert.match(markdown, /^### Build information pushed to Octopus\n/);
    assert.match(markdown, /\| Acme\.Web \| 1\.2\.3 \| 2\.0 KB \| created \| full \| {2}\|/);
  });
});
