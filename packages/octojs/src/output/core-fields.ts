import type { PackPlan, PackResult, PushResult } from '@octojs/core';
import type { PackageReport } from './report.js';

/**
 * Core's results in the shared vocabulary. Core is moving from `path`/`name`/`id`/`hash` to
 * `file`/`fileName`/`packageId`/`sha1` (the old names stay as deprecated aliases); read either.
 */
type Loose = Record<string, unknown>;

function first(value: Loose, ...keys: string[]): unknown {
  for (const key of keys) if (value[key] !== undefined) return value[key];
  return undefined;
}

export interface PackFields {
  file: string;
  fileName: string;
  packageId: string;
  version: string;
  format: string;
}

export function packFields(result: PackResult | PackPlan): PackFields {
  const loose = result as unknown as Loose;
  return {
    file: String(first(loose, 'file', 'path')),
    fileName: String(first(loose, 'fileName', 'name')),
    packageId: String(first(loose, 'packageId', 'id')),
    version: String(result.version),
    format: String(result.format),
  };
}

export function pushSha1(result: PushResult): string | null {
  const sha1 = first(result as unknown as Loose, 'sha1', 'hash');
  return typeof sha1 === 'string' ? sha1 : null;
}

/** How a push went: `method`, `bytesSent`, and (when core says) `baseVersion` and `fullUploadReason`. */
export function pushTransfer(result: PushResult): Pick<PackageReport, 'method' | 'bytesSent' | 'baseVersion' | 'fullUploadReason'> {
  return {
    method: result.method,
    bytesSent: result.bytesSent,
    ...(result.baseVersion !== undefined && { baseVersion: result.baseVersion }),
    ...(result.fullUploadReason !== undefined && { fullUploadReason: result.fullUploadReason }),
  };
}

export function pushFileName(result: PushResult): string {
  return String(first(result as unknown as Loose, 'fileName', 'name'));
}

/** Why an entry is in the package, and what stays out, when core's planPackage says (issue 13). */
export function planReasons(plan: PackPlan): {
  reasons: (string | undefined)[];
  excluded: { path: string; reason: string }[] | undefined;
} {
  const loose = plan as unknown as Loose;
  const excluded = Array.isArray(loose.excluded) ? (loose.excluded as { path: string; reason: string }[]) : undefined;
  return { reasons: plan.entries.map((entry) => (entry as unknown as Loose).reason as string | undefined), excluded };
}
