import type { OptionSchema } from '../options/check-options.js';
import type { ConnectionOptions, OverwriteModeInput } from '../push/push-options.js';
import { type PushBuildInformationResult, pushBuildInformation } from './push-build-information.js';
import type { BuildInformation } from './types.js';

export interface BuildInformationAfterPushOptions extends ConnectionOptions {
  /** Use the push's overwrite mode, so that a re-run that ignores existing packages ignores their build information too. */
  overwriteMode?: OverwriteModeInput;
  cwd?: string;
  since?: string;
  maxCommits?: number;
}

/** The options an adapter's push takes for build information (`buildInformation`, `cwd`), for its option check. */
export const AFTER_PUSH_SCHEMA: OptionSchema = {
  buildInformation: [{ type: 'literal', value: true }, { type: 'object' }],
  cwd: { type: 'string', nonEmpty: true },
};

const PASSED_ON = new Set([
  'server',
  'apiKey',
  'accessToken',
  'serviceAccountId',
  'space',
  'timeout',
  'retries',
  'retryDelay',
  'ca',
  'caFile',
  'insecure',
  'proxy',
  'onWarning',
  'userAgent',
  'env',
  'overwriteMode',
  'cwd',
  'since',
  'maxCommits',
]);

/**
 * What `buildInformation: true | object` on a push means (gulp `push`, grunt `octo-push`, CLI
 * `--build-information`): after the packages are pushed, their build information is pushed too,
 * detected (`true`) or as given, one call per version with every package id of that version.
 * Packages that failed are left out.
 */
export async function pushBuildInformationAfterPush(
  pushed: readonly { packageId?: string; version?: string; ok?: boolean }[],
  buildInformation: true | BuildInformation,
  options: BuildInformationAfterPushOptions,
): Promise<PushBuildInformationResult[]> {
  const byVersion = new Map<string, string[]>();
  for (const entry of pushed) {
    if (entry.ok === false || !entry.packageId || !entry.version) continue;
    byVersion.set(entry.version, [...(byVersion.get(entry.version) ?? []), entry.packageId]);
  }
  // Adapters pass their whole push options; only what build information takes goes on.
  const known = Object.fromEntries(Object.entries(options).filter(([key]) => PASSED_ON.has(key))) as BuildInformationAfterPushOptions;
  const results: PushBuildInformationResult[] = [];
  for (const [version, packageIds] of byVersion) {
    results.push(
      await pushBuildInformation({
        ...known,
        packageIds,
        version,
        ...(buildInformation !== true && { buildInformation }),
        continueOnError: true,
      }),
    );
  }
  return results;
}
