import { type PushPreview, planPackage, push } from '@octojs/core';
import type { Settings } from '../config/settings.js';
import { inFlagTerms, toFailure } from '../errors.js';
import type { Console } from '../output/console.js';
import { pushSha1, pushTransfer } from '../output/core-fields.js';
import { type PackageReport, type Report, summarize, withoutPlan } from '../output/report.js';
import { afterPush } from './build-information-push.js';
import { packPlanned, planEntry, printPlan, sayWarnings } from './pack.js';
import { conflict, describeExpected, expectedOutcome, onceWarner, preflight, uploadOptions } from './push-checks.js';

/**
 * Pack, then push what was packed. Everything that can be checked is checked first, writing and
 * sending nothing: the package's identity and contents, the output file, the push settings, the
 * server and space, and whether the version is already there.
 */
export async function runPublish(settings: Settings, output: Console, cwd: string): Promise<Report> {
  const base = { command: 'publish' as const, dryRun: settings.dryRun };
  const plan = await planPackage(settings.pack);
  const entry: PackageReport = planEntry(plan, settings.pack.overwrite === true);
  const warn = onceWarner(output);
  sayWarnings(plan, warn);
  let preview: PushPreview;
  try {
    preview = await preflight([{ fileName: entry.fileName }], settings, output, warn);
  } catch (error) {
    const failure = toFailure(error);
    if (settings.dryRun) printPlan(output, entry);
    output.failure(failure, error);
    // The whole command failed: the package was not attempted, whatever else a run would have met.
    const { error: _notReached, ...skipped } = withoutPlan(entry);
    return { ...base, packages: [skipped], summary: summarize([skipped], failure), error: failure };
  }
  const where = { server: preview.server, spaceId: preview.spaceId ?? null, overwriteMode: preview.overwriteMode };
  const checked = preview.packages[0]!;
  entry.exists = checked.exists ?? null;
  entry.spaceId = preview.spaceId ?? null;
  const packFailure = entry.error;
  const pushExpected = expectedOutcome(checked.exists, preview.overwriteMode);
  if (!packFailure && pushExpected === 'failed') entry.error = conflict(entry, true);
  const expected = entry.error ? 'failed' : pushExpected;

  if (settings.dryRun) {
    printPlan(output, entry);
    entry.expectedOutcome = expected;
    output.note(describeExpected(entry, preview));
    output.note('dry run: nothing written, nothing uploaded');
    return { ...base, ...where, packages: [entry], summary: summarize([entry]) };
  }
  const report = (done: PackageReport): Report => ({ ...base, ...where, packages: [done], summary: summarize([done]) });
  delete entry.expectedOutcome;
  if (entry.error) {
    entry.outcome = 'failed';
    output.result(withoutPlan(entry));
    return report(withoutPlan(entry));
  }

  const started = Date.now();
  let packed: PackageReport;
  try {
    packed = await packPlanned(settings, output, plan);
  } catch (error) {
    const failed = { ...withoutPlan(entry), outcome: 'failed' as const, error: toFailure(error) };
    output.result(failed);
    return report(failed);
  }
  const result: PackageReport = { ...packed, exists: entry.exists, spaceId: entry.spaceId };
  try {
    const pushed = await push(packed.file, {
      ...uploadOptions(settings, warn),
      onProgress: (progress) => output.uploadProgress(packed.fileName, progress.transferred, progress.total, progress.method),
    });
    Object.assign(result, {
      outcome: pushed.outcome,
      sha1: pushSha1(pushed) ?? packed.sha1,
      attempts: pushed.attempts,
      ...pushTransfer(pushed),
      warnings: [...new Set([...packed.warnings, ...pushed.warnings.map((warning) => inFlagTerms(warning)!)])],
    });
  } catch (error) {
    Object.assign(result, { outcome: 'failed', error: toFailure(error) });
  } finally {
    output.uploadDone(packed.fileName);
  }
  result.seconds = (Date.now() - started) / 1000;
  output.result(result);
  const done = report(result);
  const after = await afterPush([result], settings, output, cwd);
  if (after.failed) done.summary.exitCode = 1;
  return { ...done, ...(after.buildInformation && { buildInformation: after.buildInformation }) };
}
