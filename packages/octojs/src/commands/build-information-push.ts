import { type CiReportEntry, pushBuildInformationAfterPush } from '@octojs/core';
import type { Settings } from '../config/settings.js';
import type { Console } from '../output/console.js';
import type { PackageReport } from '../output/report.js';
import {
  type BuildInformationReportEntry,
  ciEntry,
  inInfoTerms,
  infoFailure,
  printEntries,
  reportEntry,
  reportToGitHub,
} from './build-information.js';

export interface AfterPushReport {
  /** The build information pushed (`--build-information`), one entry per package id; undefined without the flag. */
  buildInformation: BuildInformationReportEntry[] | undefined;
  failed: boolean;
}

/** A package's result as a line of the CI report. */
function packageCiEntry(entry: PackageReport): CiReportEntry {
  const done = entry.outcome !== 'failed' && entry.outcome !== 'skipped';
  return {
    packageId: entry.packageId ?? undefined,
    version: entry.version ?? undefined,
    file: entry.fileName || entry.file,
    outcome: entry.outcome,
    spaceId: entry.spaceId ?? undefined,
    ...(done && entry.size !== null && { size: entry.size }),
    ...(done && entry.method !== undefined && { method: entry.method }),
    ...(entry.outcome === 'failed' && entry.error && { error: entry.error }),
  };
}

/**
 * After `push` / `publish`: `--build-information` pushes the pushed packages' build information
 * (detected, with the push's overwrite mode); in GitHub Actions the job summary gets a table of the
 * packages and each failure an `::error::` annotation, unless `--no-ci-summary`.
 */
export async function afterPush(
  entries: readonly PackageReport[],
  settings: Settings,
  output: Console,
  cwd: string,
): Promise<AfterPushReport> {
  const report: AfterPushReport = { buildInformation: undefined, failed: false };
  const sent: BuildInformationReportEntry[] = [];
  if (settings.buildInformation) {
    const pushed = entries.flatMap((entry) =>
      entry.outcome !== 'failed' && entry.outcome !== 'skipped' && entry.packageId && entry.version
        ? [{ packageId: entry.packageId, version: entry.version }]
        : [],
    );
    try {
      const options = { ...settings.push, cwd, onWarning: (message: string) => output.warn(inInfoTerms(message)) };
      for (const result of await pushBuildInformationAfterPush(pushed, true, options)) {
        printEntries(result, output);
        sent.push(...result.packages.map(reportEntry));
      }
    } catch (error) {
      // The packages are pushed; say why their build information is not, and fail the run.
      output.failure(infoFailure(error), error);
      report.failed = true;
    }
    report.buildInformation = sent;
    if (sent.some((entry) => entry.error)) report.failed = true;
  }
  await reportToGitHub(entries.map(packageCiEntry), 'Packages pushed to Octopus', settings, output);
  await reportToGitHub(sent.map(ciEntry), 'Build information pushed to Octopus', settings, output);
  return report;
}
