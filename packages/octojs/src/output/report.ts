import type { FullUploadReason } from '@octojs/core';
import type { Command } from '../args/flags.js';
import { type Failure, exitCodeOf } from '../errors.js';

/** What happened to one package: core's push outcomes, `failed`, or `skipped` (not attempted). */
export type Outcome = 'created' | 'overwritten' | 'ignored' | 'failed' | 'skipped';

/**
 * One package in every command's JSON (pack, push, publish, dry runs): core's vocabulary (`file`,
 * `fileName`, `packageId`, `version`, `sha1`, `size`, `outcome`). Fields a command cannot know are null.
 */
export interface PackageReport {
  /** Absolute path of the package file (for a glob that matched nothing: the glob as given). */
  file: string;
  fileName: string;
  packageId: string | null;
  version: string | null;
  /** pack and publish: `zip`, `tar.gz`, `tgz` or `tar`. */
  format?: string;
  size: number | null;
  sha1: string | null;
  /** pack and publish: entries in the archive. */
  entries?: number;
  outcome: Outcome;
  /** Dry runs: what the real run would do. */
  expectedOutcome?: Outcome | 'unknown';
  /** push and publish: whether the server already had this version when asked (null: the key may not look). */
  exists?: boolean | null;
  /** push and publish: the space pushed to (null: the server's default). */
  spaceId?: string | null;
  /** push and publish: upload attempts (0: none needed, or none made). */
  attempts?: number;
  /** push and publish: how the package went, the whole file (`full`) or an Octodiff delta (`delta`). */
  method?: 'full' | 'delta';
  /** push and publish: bytes sent, of the package or its delta (`size - bytesSent` saved). */
  bytesSent?: number;
  /** push and publish: the version a delta was built against. */
  baseVersion?: string;
  /** push and publish: why a delta that was asked for was not used. */
  fullUploadReason?: FullUploadReason;
  seconds: number;
  warnings: string[];
  error?: Failure;
  /** pack dry runs: what would go in, and (when core says) why, and what stays out. */
  contents?: { name: string; type: string; size: number | null; reason?: string }[];
  excluded?: { path: string; reason: string }[];
}

export interface Summary {
  total: number;
  created: number;
  overwritten: number;
  ignored: number;
  failed: number;
  skipped: number;
  exitCode: number;
}

export interface Report {
  /** null when the command itself was not understood. */
  command: Command | null;
  dryRun: boolean;
  /** push and publish: where (no secrets), which space and overwrite mode. */
  server?: string;
  spaceId?: string | null;
  overwriteMode?: string;
  packages: PackageReport[];
  /** push and publish with `--build-information`: one entry per package id (`packageId`, `version`, `outcome`). */
  buildInformation?: unknown[];
  summary: Summary;
  /** Set when the command failed as a whole (usage, settings, the server unreachable): no package was attempted. */
  error?: Failure;
}

/** The exit code for a set of package results: 1 if any failed. A whole-command failure decides for itself. */
export function summarize(packages: readonly PackageReport[], error?: Failure): Summary {
  const count = (outcome: Outcome): number => packages.filter((entry) => entry.outcome === outcome).length;
  const failed = count('failed') + packages.filter((entry) => entry.outcome === 'skipped' && entry.expectedOutcome === 'failed').length;
  return {
    total: packages.length,
    created: count('created'),
    overwritten: count('overwritten'),
    ignored: count('ignored'),
    failed: count('failed'),
    skipped: count('skipped'),
    exitCode: error ? exitCodeOf(error) : failed > 0 ? 1 : 0,
  };
}

/** An entry for a package known only by its file (a pre-check failed, or it was never attempted). */
export function packageEntry(file: string, fileName: string, outcome: Outcome, fields: Partial<PackageReport> = {}): PackageReport {
  return { file, fileName, packageId: null, version: null, size: null, sha1: null, outcome, seconds: 0, warnings: [], ...fields };
}

/** An entry without what only a dry run reports (the contents, the excluded, the expected outcome). */
export function withoutPlan(entry: PackageReport): PackageReport {
  const { contents: _contents, excluded: _excluded, expectedOutcome: _expected, ...rest } = entry;
  return rest;
}
