import type { OptionSchema } from '../options/check-options.js';
import { PUSH_ALL_SCHEMA, PUSH_SCHEMA, type PushOptions, checkPushOptions } from './push-options.js';

/** The names octopackjs, gulp-octo and grunt-octo used, accepted so that migrating means renaming the package only. */
export interface LegacyPushOptions {
  /** `server`. */
  host?: string;
  /** `apiKey`, as octopackjs spelled it. */
  apikey?: string;
  /** `space`, which takes an id as well as a name. */
  spaceId?: string;
}

const LEGACY_SCHEMA: OptionSchema = { host: { type: 'string' }, apikey: { type: 'string' }, spaceId: { type: 'string' } };

/** Maps the originals' option names onto ours; where both are given, ours win. */
export function fromLegacyOptions<T extends PushOptions>(options: T & LegacyPushOptions): Omit<T, keyof LegacyPushOptions> {
  const { host, apikey, spaceId, ...rest } = options;
  const server = rest.server ?? host;
  const apiKey = rest.apiKey ?? apikey;
  const space = rest.space ?? spaceId;
  return {
    ...rest,
    ...(server !== undefined && { server }),
    ...(apiKey !== undefined && { apiKey }),
    ...(space !== undefined && { space }),
  };
}

/**
 * An adapter's push options, checked (types, ranges, unknown keys with the near miss, the
 * originals' names included) and mapped onto core's. `all`: the options of a pushAll
 * (`concurrency`, `continueOnError`). `extra`: the adapter's own keys, checked by it.
 */
export function adapterPushOptions<T extends PushOptions>(
  operation: string,
  options: unknown,
  { all = false, extra = {} }: { all?: boolean; extra?: OptionSchema } = {},
): Omit<T, keyof LegacyPushOptions> {
  checkPushOptions(operation, options, { ...(all ? PUSH_ALL_SCHEMA : PUSH_SCHEMA), ...LEGACY_SCHEMA, ...extra });
  return fromLegacyOptions((options ?? {}) as T & LegacyPushOptions);
}
