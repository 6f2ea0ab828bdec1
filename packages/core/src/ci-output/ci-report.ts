import { appendFile } from 'node:fs/promises';
import { formatBytes } from '../format-bytes.js';

/** One line of the report: a pushed package (or its build information), or a failure. */
export interface CiReportEntry {
  packageId?: string | undefined;
  version?: string | undefined;
  /** The file, for failures that have no id yet. */
  file?: string | undefined;
  size?: number | undefined;
  /** `created` | `overwritten` | `ignored` | `failed` | `skipped`. */
  outcome: string;
  /** `full` | `delta`, when known. */
  method?: string | undefined;
  /** The space pushed to (for the link); undefined is the default space. */
  spaceId?: string | undefined;
  error?: { code: string; message: string; hint?: string | undefined } | undefined;
}

export interface CiReportOptions {
  /** A title for the summary, e.g. `Packages pushed to Octopus`. */
  title?: string;
  /** The Octopus Server URL, for links to the packages (credentials are never part of it). */
  server?: string;
  /** Where CI variables come from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Receives each plain line or `::error::` command (the CLI writes them to stdout). */
  write: (line: string) => void;
}

export interface CiReport {
  /** `github` (job summary and annotations) or `plain`. */
  style: 'github' | 'plain';
  /** The job summary file written to, in GitHub Actions. */
  summaryFile: string | undefined;
}

/** A workflow command's message: GitHub's escaping of %, CR and LF. */
function commandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value: also `:` and `,`. */
function commandProperty(text: string): string {
  return commandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Table cell text: no line breaks, and pipes and markup characters escaped. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/([\\|*_`<>[\]])/g, '\\$1');
}

function packageLink(server: string | undefined, entry: CiReportEntry): string | undefined {
  if (!server || !entry.packageId) return undefined;
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    return undefined;
  }
  base.username = '';
  base.password = '';
  base.search = '';
  base.hash = '';
  const root = base
    .toString()
    .replace(/\/+$/, '')
    .replace(/\/api$/i, '');
  return `${root}/app#/${encodeURIComponent(entry.spaceId ?? 'Spaces-1')}/library/packages/${encodeURIComponent(entry.packageId)}/overview`;
}

/** The job summary's markdown: a table of the packages with id, version, size, outcome, method and a link. */
export function jobSummaryMarkdown(entries: readonly CiReportEntry[], options: Omit<CiReportOptions, 'write'> = {}): string {
  const lines = [
    `### ${options.title ?? 'Octopus packages'}`,
    '',
    '| Package | Version | Size | Outcome | Method | On the server |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const entry of entries) {
    const link = packageLink(options.server, entry);
    const outcome = entry.error ? `❌ ${entry.outcome}: ${entry.error.code}` : entry.outcome;
    lines.push(
      `| ${cell(entry.packageId ?? entry.file ?? '')} | ${cell(entry.version ?? '')} | ${entry.size !== undefined ? formatBytes(entry.size) : ''} | ${cell(outcome)} | ${cell(entry.method ?? '')} | ${link && !entry.error ? `[open](${link})` : ''} |`,
    );
  }
  const failures = entries.filter((entry) => entry.error);
  if (failures.length > 0) {
    lines.push('');
    for (const entry of failures) lines.push(`- **${cell(entry.packageId ?? entry.file ?? 'package')}**: ${cell(entry.error!.message)}`);
  }
  return `${lines.join('\n')}\n\n`;
}

/**
 * Reports push results to the CI: in GitHub Actions a job summary (GITHUB_STEP_SUMMARY) with a table
 * of the packages and an `::error::` annotation per failure; in other CIs, one plain line per package.
 * Messages are the errors' own, which never carry secrets.
 */
export async function reportToCi(entries: readonly CiReportEntry[], options: CiReportOptions): Promise<CiReport> {
  const env = options.env ?? process.env;
  if (env.GITHUB_ACTIONS === 'true') {
    const summaryFile = env.GITHUB_STEP_SUMMARY?.trim() || undefined;
    if (summaryFile) await appendFile(summaryFile, jobSummaryMarkdown(entries, options));
    for (const entry of entries) {
      if (!entry.error) continue;
      const title = `${entry.packageId ?? entry.file ?? 'package'}${entry.version ? ` ${entry.version}` : ''}: ${entry.error.code}`;
      const hint = entry.error.hint ? `\n${entry.error.hint}` : '';
      options.write(`::error title=${commandProperty(title)}::${commandData(`${entry.error.message}${hint}`)}`);
    }
    return { style: 'github', summaryFile };
  }
  for (const entry of entries) {
    const name = `${entry.packageId ?? entry.file ?? 'package'}${entry.version ? ` ${entry.version}` : ''}`;
    if (entry.error) options.write(`octojs: ${name} failed: ${entry.error.code} ${entry.error.message}`);
    else
      options.write(
        `octojs: ${name} ${entry.outcome}${entry.size !== undefined ? ` (${formatBytes(entry.size)})` : ''}${entry.method ? ` [${entry.method}]` : ''}`,
      );
  }
  return { style: 'plain', summaryFile: undefined };
}

/** Push results (pushAll's entries) as report entries. */
export function ciReportEntries(
  entries: readonly (
    | { ok: true; packageId: string; version: string; size: number; outcome: string; spaceId?: string | undefined; method?: string }
    | { ok: false; file: string; error: { code: string; message: string; hint: string } }
  )[],
): CiReportEntry[] {
  return entries.map((entry) =>
    entry.ok
      ? {
          packageId: entry.packageId,
          version: entry.version,
          size: entry.size,
          outcome: entry.outcome,
          spaceId: entry.spaceId,
          ...(entry.method !== undefined && { method: entry.method }),
        }
      : { file: entry.file, outcome: 'failed', error: { code: entry.error.code, message: entry.error.message, hint: entry.error.hint } },
  );
}
