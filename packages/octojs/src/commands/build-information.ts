import {
  type BuildInformation,
  type BuildInformationEntry,
  type CiReportEntry,
  type PushBuildInformationOptions,
  type PushBuildInformationResult,
  detectBuildInformation,
  pushBuildInformation,
  readBuildInformationFile,
  reportToCi,
} from '@octojs/core';
import type { Settings } from '../config/settings.js';
import { type Failure, inFlagTerms, toFailure } from '../errors.js';
import type { Console } from '../output/console.js';

/** One package id's build information in the CLI's JSON: core's vocabulary (`packageId`, `version`, `outcome`). */
export interface BuildInformationReportEntry {
  packageId: string;
  version: string;
  outcome: string;
  spaceId?: string | undefined;
  attempts?: number;
  error?: Failure;
}

/** `octojs build-information --json`: what was sent (or, with --dry-run, would be), and each package id's result. */
export interface BuildInformationReport {
  command: 'build-information';
  dryRun: boolean;
  ci: string | undefined;
  packageIds?: string[];
  version?: string;
  buildInformation: BuildInformation;
  packages: BuildInformationReportEntry[];
  warnings: string[];
  summary: { total: number; failed: number; exitCode: number };
}

/**
 * Core's option names in this command's terms: the build information given is `--file` here, and
 * detection reads the current folder; the rest are the flag table's.
 */
export function inInfoTerms(text: string): string {
  return inFlagTerms(text.replace(/`buildInformation`/g, '`file`').replace(/\(or give `cwd`\)/g, '(or run from the checkout)'))!;
}

export function infoFailure(error: unknown): Failure {
  const failure = toFailure(error);
  return { ...failure, message: inInfoTerms(failure.message), ...(failure.hint !== undefined && { hint: inInfoTerms(failure.hint) }) };
}

export function reportEntry(entry: BuildInformationEntry): BuildInformationReportEntry {
  return entry.ok
    ? { packageId: entry.packageId, version: entry.version, outcome: entry.outcome, spaceId: entry.spaceId, attempts: entry.attempts }
    : { packageId: entry.packageId, version: entry.version, outcome: 'failed', error: infoFailure(entry.error) };
}

export function ciEntry(entry: BuildInformationReportEntry): CiReportEntry {
  return { packageId: entry.packageId, version: entry.version, outcome: entry.outcome, spaceId: entry.spaceId, error: entry.error };
}

/** One line per package id on stderr (none with --json or basic); failures always. */
export function printEntries(result: PushBuildInformationResult, output: Console): void {
  if (output.format !== 'table') return;
  for (const entry of result.packages.map(reportEntry)) {
    if (entry.error) {
      const { code, message, hint } = entry.error;
      output.line(`failed build information ${entry.packageId} ${entry.version}: ${code} ${message}${hint ? `\n  hint: ${hint}` : ''}`);
    } else {
      output.note(`${entry.outcome} build information ${entry.packageId} ${entry.version}${result.ci ? ` (${result.ci})` : ''}`);
    }
  }
}

/** In GitHub Actions: the job summary table and `::error::` annotations (on stderr with --json, so stdout stays the document). */
export async function reportToGitHub(entries: readonly CiReportEntry[], title: string, settings: Settings, output: Console): Promise<void> {
  const env = settings.push.env ?? process.env;
  if (!settings.ciSummary || env.GITHUB_ACTIONS !== 'true' || entries.length === 0) return;
  const server = settings.push.server ?? env.OCTOPUS_URL;
  await reportToCi(entries, {
    title,
    ...(server && { server }),
    env,
    write: (line) => (output.format === 'json' ? output.line(line) : output.stdout(line)),
  });
}

function coreOptions(settings: Settings, output: Console, cwd: string): PushBuildInformationOptions {
  const { info } = settings;
  return {
    ...settings.push,
    packageIds: info.packageIds,
    version: info.version!,
    cwd,
    continueOnError: true,
    onWarning: (message) => output.warn(inInfoTerms(message)),
    ...(info.since !== undefined && { since: info.since }),
    ...(info.maxCommits !== undefined && { maxCommits: info.maxCommits }),
  };
}

/** --dry-run: the build information that would be sent, detected or from --file, as JSON on stdout; nothing is sent. */
async function dryRun(options: PushBuildInformationOptions, settings: Settings, output: Console): Promise<BuildInformationReport> {
  let info = options.buildInformation;
  let ci: string | undefined;
  const warnings: string[] = [];
  if (!info) {
    const detected = await detectBuildInformation({
      ...(options.cwd !== undefined && { cwd: options.cwd }),
      ...(options.env !== undefined && { env: options.env }),
      ...(options.since !== undefined && { since: options.since }),
      ...(options.maxCommits !== undefined && { maxCommits: options.maxCommits }),
    });
    for (const message of detected.warnings) {
      warnings.push(inInfoTerms(message));
      output.warn(inInfoTerms(message));
    }
    info = detected.buildInformation;
    ci = detected.ci;
  }
  const { packageIds, version } = settings.info;
  const report: BuildInformationReport = {
    command: 'build-information',
    dryRun: true,
    ci,
    packageIds,
    version: version!,
    buildInformation: info,
    packages: [],
    warnings,
    summary: { total: 0, failed: 0, exitCode: 0 },
  };
  // The document is the point of a dry run: on stdout with or without --json (--json prints it as the result).
  if (output.format !== 'json') output.stdout(JSON.stringify(report, null, 2));
  output.note(`would push build information for ${packageIds.join(', ')} ${version} (nothing sent)`);
  return report;
}

/** `octojs build-information [upload|push] …`: one request per package id, then the CI report. */
export async function runBuildInformation(settings: Settings, output: Console, cwd: string): Promise<BuildInformationReport> {
  const options = coreOptions(settings, output, cwd);
  if (settings.info.file !== undefined) options.buildInformation = await readBuildInformationFile(settings.info.file);
  if (settings.dryRun) return dryRun(options, settings, output);
  const result = await pushBuildInformation(options);
  printEntries(result, output);
  const packages = result.packages.map(reportEntry);
  await reportToGitHub(packages.map(ciEntry), 'Build information pushed to Octopus', settings, output);
  const failed = packages.filter((entry) => entry.error).length;
  return {
    command: 'build-information',
    dryRun: false,
    ci: result.ci,
    buildInformation: result.buildInformation,
    packages,
    warnings: result.warnings.map(inInfoTerms),
    summary: { total: packages.length, failed, exitCode: failed > 0 ? 1 : 0 },
  };
}
