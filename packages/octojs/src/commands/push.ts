import path from 'node:path';
import { type PushPreview, push } from '@octojs/core';
import { expandPackageGlobs } from '../args/package-globs.js';
import type { Settings } from '../config/settings.js';
import { UsageError, inFlagTerms, toFailure } from '../errors.js';
import type { Console } from '../output/console.js';
import { pushFileName, pushSha1, pushTransfer } from '../output/core-fields.js';
import { type PackageReport, type Report, type Summary, packageEntry, summarize } from '../output/report.js';
import { afterPush } from './build-information-push.js';
import { conflict, describeExpected, expectedOutcome, onceWarner, preflight, uploadOptions } from './push-checks.js';

export async function runPush(settings: Settings, output: Console, cwd: string): Promise<Report> {
  if (settings.packages.length === 0) {
    throw new UsageError('octojs push needs at least one package: a path or a quoted glob.', {
      hint: 'For example `octojs push bin/MyApp.1.0.0.zip` or `octojs push "bin/*.zip"` (--package works too).',
    });
  }
  const { entries, files } = await givenPackages(settings.packages, cwd);
  const warn = onceWarner(output);
  const base = { command: 'push' as const, dryRun: settings.dryRun };
  let preview: PushPreview;
  try {
    preview = await preflight(
      files.map((item) => item.file),
      settings,
      output,
      warn,
    );
  } catch (error) {
    const failure = toFailure(error);
    output.failure(failure, error);
    return { ...base, packages: entries, summary: summarize(entries, failure), error: failure };
  }
  const where = { server: preview.server, spaceId: preview.spaceId ?? null, overwriteMode: preview.overwriteMode };
  applyPreview(entries, files, preview, settings.dryRun);

  if (settings.dryRun) {
    for (const entry of entries) {
      if (entry.expectedOutcome === undefined) output.failure(entry.error!, undefined, entry.file);
      else output.note(describeExpected(entry, preview));
    }
    output.note('dry run: nothing uploaded');
    return { ...base, ...where, packages: entries, summary: summarize(entries) };
  }

  for (const entry of entries) if (entry.outcome === 'failed') output.result(entry);
  const failedEarly = entries.some((entry) => entry.outcome === 'failed');
  if (!failedEarly || settings.continueOnError) await upload(entries, settings, output, warn);
  const summary = summarize(entries);
  printSummary(output, summary);
  const after = await afterPush(entries, settings, output, cwd);
  if (after.failed) summary.exitCode = 1;
  return { ...base, ...where, packages: entries, ...(after.buildInformation && { buildInformation: after.buildInformation }), summary };
}

/** An entry for each package given, in order: a glob that matched nothing is a failure of its own. */
async function givenPackages(
  patterns: readonly string[],
  cwd: string,
): Promise<{ entries: PackageReport[]; files: { index: number; file: string }[] }> {
  const entries: PackageReport[] = [];
  const files: { index: number; file: string }[] = [];
  for (const expansion of await expandPackageGlobs(patterns, cwd)) {
    if (expansion.isGlob && expansion.matched === 0) {
      entries.push(
        packageEntry(expansion.pattern, expansion.pattern, 'failed', {
          error: {
            code: 'ERR_OCTO_PACKAGE_NOT_FOUND',
            message: `No package file matched ${expansion.pattern}.`,
            hint: 'Check the glob and the current folder; quote globs so the shell leaves them to octojs.',
          },
        }),
      );
    }
    for (const file of expansion.files) {
      files.push({ index: entries.length, file });
      entries.push(packageEntry(file, path.basename(file), 'skipped'));
    }
  }
  return { entries, files };
}

/** What the pre-flight learnt about each package; a package that cannot be pushed fails before any upload. */
function applyPreview(entries: PackageReport[], files: { index: number }[], preview: PushPreview, dryRun: boolean): void {
  preview.packages.forEach((checked, position) => {
    const entry = entries[files[position]!.index]!;
    Object.assign(entry, {
      packageId: checked.packageId || null,
      version: checked.version || null,
      size: checked.size ?? null,
      exists: checked.exists ?? null,
      spaceId: preview.spaceId ?? null,
    });
    const expected = checked.error ? 'failed' : expectedOutcome(checked.exists, preview.overwriteMode);
    if (checked.error) entry.error = toFailure(checked.error);
    else if (expected === 'failed') entry.error = conflict(entry, false);
    if (dryRun) entry.expectedOutcome = expected;
    else if (expected === 'failed') entry.outcome = 'failed';
  });
}

function printSummary(output: Console, summary: Summary): void {
  if (summary.skipped > 0) {
    output.note(
      `skipped ${summary.skipped} package${summary.skipped === 1 ? '' : 's'} after the first failure; --continue-on-error pushes the rest`,
    );
  }
  if (summary.total > 1) {
    const counts = (['created', 'overwritten', 'ignored', 'failed', 'skipped'] as const)
      .filter((key) => summary[key] > 0)
      .map((key) => `${summary[key]} ${key}`);
    output.note(`${summary.total} packages: ${counts.join(', ')}`);
  }
}

/** Uploads the packages still `skipped`, a few at a time; without --continue-on-error the first failure stops new uploads. */
async function upload(entries: PackageReport[], settings: Settings, output: Console, warn: (message: string) => void): Promise<void> {
  const queue = entries.filter((entry) => entry.outcome === 'skipped');
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped) {
      const entry = queue.shift();
      if (entry === undefined) return;
      const started = Date.now();
      let cause: unknown;
      try {
        const result = await push(entry.file, {
          ...uploadOptions(settings, warn),
          onProgress: (progress) => output.uploadProgress(entry.fileName, progress.transferred, progress.total, progress.method),
        });
        Object.assign(entry, {
          fileName: pushFileName(result),
          packageId: result.packageId,
          version: result.version,
          size: result.size,
          sha1: pushSha1(result),
          outcome: result.outcome,
          spaceId: result.spaceId ?? null,
          attempts: result.attempts,
          ...pushTransfer(result),
          warnings: result.warnings.map((warning) => inFlagTerms(warning)!),
        });
      } catch (error) {
        Object.assign(entry, { outcome: 'failed', error: toFailure(error) });
        cause = error;
        if (!settings.continueOnError) stopped = true;
      } finally {
        output.uploadDone(entry.fileName);
      }
      entry.seconds = (Date.now() - started) / 1000;
      output.result(entry);
      if (cause instanceof Error && cause.stack) output.detail(cause.stack);
      if (entry.outcome !== 'failed')
        output.detail(
          `${entry.fileName}: ${entry.outcome} after ${entry.attempts} upload attempt${entry.attempts === 1 ? '' : 's'}, space ${entry.spaceId ?? 'default'}`,
        );
    }
  };
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, queue.length) }, worker));
}
