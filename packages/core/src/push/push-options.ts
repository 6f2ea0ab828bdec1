import { OctoError } from '../errors.js';
import { CONNECTION_SCHEMA, type ConnectionOptions } from '../octopus/connection.js';
import { type OptionSchema, checkOptions } from '../options/check-options.js';
import type { PushAllEntry } from './push-all.js';

export type { ConnectionOptions, ResolvedConnection } from '../octopus/connection.js';
export { resolveConnection } from '../octopus/connection.js';

export type OverwriteMode = 'FailIfExists' | 'OverwriteExisting' | 'IgnoreIfExists';
export type OverwriteModeInput = OverwriteMode | 'fail' | 'overwrite' | 'ignore' | (string & {});

/** How a package went to the server: the whole file, or an Octodiff delta against a version the server has. */
export type TransferMethod = 'full' | 'delta';

export interface PushProgress {
  /** Bytes of the upload (the package, or its delta) sent so far. */
  transferred: number;
  /** Bytes of the upload: the package's size, or the delta's. */
  total: number;
  percent: number;
  /** What is being sent: the whole package or a delta. */
  method: TransferMethod;
}

export interface PushOptions extends ConnectionOptions {
  /** What to do when the version already exists. Default: FailIfExists. */
  overwriteMode?: OverwriteModeInput;
  /** Legacy: `true` is OverwriteExisting. */
  replace?: boolean;
  /**
   * Send only what changed since a version the server has (an Octodiff delta, octopus-api.md §3), falling back to
   * the whole package where that cannot work or would not save much. For zip (and tar) packages; a tar.gz is
   * always sent whole. Default: false.
   */
  useDeltaCompression?: boolean;
  onProgress?: (progress: PushProgress) => void;
}

export interface PushAllOptions extends PushOptions {
  /** How many packages are uploaded at once. Default: 2. */
  concurrency?: number;
  /** Push the rest after a failure and report each; default false (reject at the first failure). */
  continueOnError?: boolean;
  /** Called as each package finishes, in completion order. */
  onResult?: (entry: PushAllEntry) => void;
}

const MODE_ALIASES: Record<string, OverwriteMode> = {
  fail: 'FailIfExists',
  failifexists: 'FailIfExists',
  overwrite: 'OverwriteExisting',
  overwriteexisting: 'OverwriteExisting',
  replace: 'OverwriteExisting',
  ignore: 'IgnoreIfExists',
  ignoreifexists: 'IgnoreIfExists',
};

export function normalizeOverwriteMode(mode: string | undefined, replace?: boolean): OverwriteMode {
  if (mode === undefined || mode === '') return replace ? 'OverwriteExisting' : 'FailIfExists';
  const normalized = typeof mode === 'string' ? MODE_ALIASES[mode.toLowerCase()] : undefined;
  if (!normalized) {
    throw new OctoError('ERR_OCTO_INVALID_OPTION', `Unknown overwrite mode "${String(mode)}".`, {
      hint: 'Give `overwriteMode` as FailIfExists (fail), OverwriteExisting (overwrite) or IgnoreIfExists (ignore).',
      option: 'overwriteMode',
    });
  }
  return normalized;
}

export const PUSH_SCHEMA: OptionSchema = {
  ...CONNECTION_SCHEMA,
  overwriteMode: { type: 'string' },
  replace: { type: 'boolean' },
  useDeltaCompression: { type: 'boolean' },
  onProgress: { type: 'function' },
};

export const PUSH_ALL_SCHEMA: OptionSchema = {
  ...PUSH_SCHEMA,
  concurrency: { type: 'number', min: 1, max: 64, integer: true },
  continueOnError: { type: 'boolean' },
  onResult: { type: 'function' },
};

/**
 * Checks push (or pushAll) options before anything is read or sent: types, ranges and unknown
 * keys (ERR_OCTO_INVALID_OPTION naming the key and the near miss) and the overwrite mode. `extra`: keys an adapter adds of its own (checked by it).
 */
export function checkPushOptions(operation: string, options: unknown, schema: OptionSchema = PUSH_SCHEMA): void {
  const ca = (options as { ca?: unknown } | undefined)?.ca;
  // An array of PEM texts and Buffers mixed: checkOptions has no rule for it; resolveConnection checks its items.
  const checked = Array.isArray(ca) ? { ...(options as object), ca: undefined } : options;
  checkOptions(operation, checked, schema);
  const push = (options ?? {}) as PushOptions;
  normalizeOverwriteMode(push.overwriteMode, push.replace);
}
