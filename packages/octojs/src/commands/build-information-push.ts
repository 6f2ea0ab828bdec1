import {
  type BuildInformationEntry,
  type PushAllEntry,
  type PushOptions,
  ciReportEntries,
  isOctoError,
  pushBuildInformationAfterPush,
  reportToCi,
} from '@octojs/core';
import type { Output } from '../output.js';
import { type Values, inFlags, jsonDocument, printEntries, reportEntry } from './build-information.js';

/** The flags `push` and `publish` take for build information, OIDC and the CI report. */
export const PUSH_BUILD_INFORMATION_FLAGS = {
  'build-information': { type: 'boolean' },
  'service-account-id': { type: 'string' },
  'no-ci-summary': { type: 'boolean' },
} as const;

export interface AfterPushReport {
  /** The build information pushed (`--build-information`), one entry per package id. */
  buildInformation: unknown[] | undefined;
  failed: boolean;
}

/**
 * After `push` / `publish`: `--build-information` pushes the pushed packages' build information
 * (detected, same overwrite mode); in GitHub Actions the job summary gets a table of the packages
 * and each failure an `::error::` annotation, unless `--no-ci-summary`.
 */
export async function afterPush(
  results: readonly PushAllEntry[],
  flags: { 'build-information'?: unknown; 'no-ci-summary'?: unknown; json?: unknown; quiet?: unknown; verbose?: unknown },
  options: PushOptions,
  output: Output,
  cwd: string,
): Promise<AfterPushReport> {
  const env = options.env ?? process.env;
  const report: AfterPushReport = { buildInformation: undefined, failed: false };
  const sent: BuildInformationEntry[] = [];
  if (flags['build-information']) {
    try {
      const pushed = results.flatMap((entry) => (entry.ok ? [entry] : []));
      for (const result of await pushBuildInformationAfterPush(pushed, true, { ...options, cwd })) {
        result.warnings.forEach((message) => output.warn(inFlags(message)));
        printEntries(result, flags as Values);
        sent.push(...result.packages);
      }
    } catch (error) {
      if (!isOctoError(error)) throw error;
      // The packages are pushed; say why their build information is not, and fail the run.
      output.failure({ code: error.code, message: inFlags(error.message), hint: inFlags(error.hint) }, error);
      report.failed = true;
    }
    report.buildInformation = (
      jsonDocument({ ci: undefined, buildInformation: {}, packages: sent, warnings: [] }) as { packages: unknown[] }
    ).packages;
    if (sent.some((entry) => !entry.ok)) report.failed = true;
  }
  if (!flags['no-ci-summary'] && env.GITHUB_ACTIONS === 'true') {
    const server = options.server ?? env.OCTOPUS_URL;
    const write = (line: string): boolean => (flags.json ? process.stderr : process.stdout).write(`${line}\n`);
    await reportToCi(ciReportEntries(results), { title: 'Packages pushed to Octopus', ...(server && { server }), env, write });
    if (sent.length > 0) {
      await reportToCi(sent.map(reportEntry), { title: 'Build information pushed to Octopus', ...(server && { server }), env, write });
    }
  }
  return report;
}
