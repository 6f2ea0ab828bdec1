import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  type PackPlan,
  findProjectPackageJson,
  formatBytes,
  normalizeFormat,
  pack,
  planPackage,
  resolveIdentity,
  validateIdentity,
} from '@octojs/core';
import type { CliPackOptions, Settings } from '../config/settings.js';
import { exitCodeOf, inFlagTerms, toFailure } from '../errors.js';
import type { Console } from '../output/console.js';
import { type PackFields, packFields, planReasons } from '../output/core-fields.js';
import { type PackageReport, type Report, packageEntry, summarize, withoutPlan } from '../output/report.js';
import { onceWarner } from './push-checks.js';

/** Core's warnings in the CLI's terms (flags for option names), as the JSON lists them. */
export function cliWarnings(warnings: readonly string[] | undefined): string[] {
  return (warnings ?? []).map((warning) => inFlagTerms(warning)!);
}

/** Prints each of a plan's warnings once on stderr (secrets about to be packed, names Windows cannot extract). */
export function sayWarnings(plan: PackPlan, warn: (message: string) => void): void {
  for (const warning of plan.warnings ?? []) warn(warning);
}

/** The dry-run view of a plan: what would go in, and (when core says) why, and what stays out. */
export function planEntry(plan: PackPlan, overwrite: boolean): PackageReport {
  const fields = packFields(plan);
  const { reasons, excluded } = planReasons(plan);
  const exists = existsSync(fields.file);
  const entry: PackageReport = {
    ...fields,
    size: null,
    sha1: null,
    entries: plan.entries.length,
    outcome: 'skipped',
    expectedOutcome: exists ? (overwrite ? 'overwritten' : 'failed') : 'created',
    seconds: 0,
    warnings: cliWarnings(plan.warnings),
    contents: plan.entries.map((item, index) => ({
      name: item.name,
      type: item.type,
      size: item.type === 'file' && item.source.kind === 'path' ? item.source.size : null,
      ...(reasons[index] !== undefined && { reason: reasons[index] }),
    })),
    ...(excluded && { excluded }),
  };
  if (exists && !overwrite) {
    entry.error = {
      code: 'ERR_OCTO_OUTPUT_EXISTS',
      message: `${fields.file} already exists.`,
      hint: 'Bump the version, remove the file, or give --overwrite to replace it.',
    };
  }
  return entry;
}

/** Prints a dry run's plan: entries on stdout (one a line), the verdict on stderr. */
export function printPlan(output: Console, entry: PackageReport): void {
  const contents = entry.contents ?? [];
  if (output.format === 'table') {
    for (const item of contents) {
      const name = item.type === 'directory' ? `${item.name}/` : item.name;
      output.stdout(output.verbosity === 'verbose' && item.reason ? `${name}  (${item.reason})` : name);
    }
    if (output.verbosity === 'verbose' && entry.excluded) {
      for (const item of entry.excluded) output.detail(`excluded ${item.path}  (${item.reason})`);
    }
  }
  const files = contents.filter((item) => item.type === 'file');
  const bytes = files.reduce((sum, item) => sum + (item.size ?? 0), 0);
  const verdict =
    entry.expectedOutcome === 'failed'
      ? `would fail: ${entry.error?.message}`
      : entry.expectedOutcome === 'overwritten'
        ? `would replace ${entry.file}`
        : `would write ${entry.file}`;
  output.note(
    `would pack ${entry.fileName}: ${files.length} files, ${contents.length} entries, ${formatBytes(bytes)} before compression; ${verdict}`,
  );
}

export async function runPack(settings: Settings, output: Console): Promise<Report> {
  let plan: PackPlan;
  try {
    plan = await planPackage(settings.pack);
  } catch (error) {
    return planFailed(settings, output, error);
  }
  sayWarnings(plan, onceWarner(output));
  if (settings.dryRun) {
    const entry = planEntry(plan, settings.pack.overwrite === true);
    printPlan(output, entry);
    output.note('dry run: nothing written');
    const packages = [entry];
    return { command: 'pack', dryRun: true, packages, summary: summarize(packages) };
  }
  let entry: PackageReport;
  try {
    entry = await packPlanned(settings, output, plan);
  } catch (error) {
    entry = { ...withoutPlan(planEntry(plan, settings.pack.overwrite === true)), outcome: 'failed', error: toFailure(error) };
    output.result(entry);
  }
  const packages = [entry];
  return { command: 'pack', dryRun: false, packages, summary: summarize(packages) };
}

/** Packs (after planPackage has checked everything it can); the entry carries the pack's own fields. */
export async function packPlanned(settings: Settings, output: Console, plan: PackPlan): Promise<PackageReport> {
  const started = Date.now();
  const replaced = existsSync(packFields(plan).file);
  const result = await pack({
    ...settings.pack,
    ...(output.progress && { onEntry: (_entry, index, total) => output.packProgress(index + 1, total) }),
  });
  const entry: PackageReport = {
    ...packFields(result),
    size: result.size,
    sha1: result.sha1,
    entries: result.entries,
    outcome: replaced ? 'overwritten' : 'created',
    seconds: (Date.now() - started) / 1000,
    warnings: cliWarnings(result.warnings),
  };
  if (settings.command === 'pack') output.result(entry, replaced ? 'packed (replaced)' : 'packed');
  else
    output.note(
      `${output.paint(32, 'packed')} ${entry.fileName}  ${formatBytes(result.size)}  ${result.entries} entries  ${entry.seconds.toFixed(1)}s`,
    );
  if (settings.command !== 'pack') output.detail(`${entry.file}  sha1 ${entry.sha1}`);
  return entry;
}

/**
 * The package could not be planned (nothing matched, a bad entry name, …): when its id and version are
 * known it is listed as failed, so --json says which package failed; otherwise the command failed as a whole.
 */
async function planFailed(settings: Settings, output: Console, error: unknown): Promise<Report> {
  const fields = await knownPackage(settings.pack);
  if (fields === undefined) throw error;
  const failure = toFailure(error);
  const entry = packageEntry(fields.file, fields.fileName, 'failed', { ...fields, error: failure });
  output.result(entry);
  const packages = [entry];
  // A setup problem (exit 2) stays one: nothing was written.
  const whole = exitCodeOf(failure) === 2 ? failure : undefined;
  return {
    command: 'pack',
    dryRun: settings.dryRun,
    packages,
    summary: summarize(packages, whole),
    ...(whole && { error: whole }),
  };
}

/** The package's id, version and file as pack() would name it, if they can be known. */
async function knownPackage(options: CliPackOptions): Promise<PackFields | undefined> {
  try {
    const basePath = path.resolve(options.basePath ?? '.');
    const format = normalizeFormat(options.format);
    const packageJson = options.packageJson ?? (await findProjectPackageJson(basePath));
    const identity = await resolveIdentity({
      basePath,
      ...(options.id !== undefined && { id: options.id }),
      ...(options.version !== undefined && { version: options.version }),
      ...(packageJson !== undefined && { packageJson }),
    });
    const fileName = validateIdentity(identity, format);
    const file = path.join(path.resolve(options.outFolder ?? 'bin'), fileName);
    return { file, fileName, packageId: identity.id, version: identity.version, format };
  } catch {
    return undefined;
  }
}
