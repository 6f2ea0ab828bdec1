import { type OverwriteMode, type PushOptions, type PushPreview, previewPush } from '@octojs/core';
import type { Settings } from '../config/settings.js';
import { type Failure, inFlagTerms } from '../errors.js';
import type { Console } from '../output/console.js';
import type { Outcome, PackageReport } from '../output/report.js';

/** Warnings said once per run, however many packages (and sessions) repeat them, with core's option names as flags. */
export function onceWarner(output: Console): (message: string) => void {
  const said = new Set<string>();
  return (message) => {
    const text = inFlagTerms(message)!;
    if (said.has(text)) return;
    said.add(text);
    output.warn(text);
  };
}

/**
 * The read-only pre-flight of push and publish: settings, server, credentials, space and each
 * package's presence on the server, before anything is written or sent. --verbose shows each request.
 */
export async function preflight(
  inputs: Parameters<typeof previewPush>[0],
  settings: Settings,
  output: Console,
  warn: (message: string) => void,
): Promise<PushPreview> {
  const preview = await previewPush(inputs, { ...settings.push, onWarning: warn });
  const space = settings.push.space ?? settings.push.env?.OCTOPUS_SPACE;
  output.detail(
    `server ${preview.server}, space ${preview.spaceId ?? "the server's default"}${space && space !== preview.spaceId ? ` (${space})` : ''}, overwrite mode ${preview.overwriteMode}`,
  );
  return preview;
}

/** The push options of the real uploads: the same settings, warnings said once. */
export function uploadOptions(settings: Settings, warn: (message: string) => void): PushOptions {
  return { ...settings.push, onWarning: warn };
}

/** What a push would do with a package the server has (`true`), has not (`false`) or would not say about. */
export function expectedOutcome(exists: boolean | undefined, mode: OverwriteMode): Outcome | 'unknown' {
  if (exists === undefined) return 'unknown';
  if (!exists) return 'created';
  return mode === 'FailIfExists' ? 'failed' : mode === 'OverwriteExisting' ? 'overwritten' : 'ignored';
}

/** The conflict found before uploading, in the words core uses when it meets one. */
export function conflict(entry: PackageReport, packed: boolean): Failure {
  return {
    code: 'ERR_OCTO_CONFLICT',
    message: `${entry.packageId} ${entry.version} already exists on the server; nothing was ${packed ? 'packed or ' : ''}uploaded.`,
    hint: 'Bump the version, or give --overwrite-mode ignore to skip it or --overwrite-mode overwrite to replace it.',
  };
}

/** The human line of a dry run's push verdict. */
export function describeExpected(entry: PackageReport, preview: PushPreview): string {
  const where = `${preview.server}${preview.spaceId ? ` (${preview.spaceId})` : ''}`;
  const state = entry.exists == null ? 'the key may not look whether it exists' : entry.exists ? 'already there' : 'not there yet';
  const verdict =
    entry.expectedOutcome === 'failed'
      ? `would fail: ${entry.error?.code} ${entry.error?.message}`
      : `would be ${entry.expectedOutcome === 'unknown' ? 'created or handled by the overwrite mode' : entry.expectedOutcome}`;
  return `would push ${entry.fileName} to ${where} with ${preview.overwriteMode}: ${state}, ${verdict}`;
}
