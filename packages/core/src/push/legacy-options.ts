import type { PushOptions } from './push-options.js';

/** The names octopackjs, gulp-octo and grunt-octo used, accepted so that migrating means renaming the package only. */
export interface LegacyPushOptions {
  /** `server`. */
  host?: string;
  /** `apiKey`, as octopackjs spelled it. */
  apikey?: string;
  /** `space`, which takes an id as well as a name. */
  spaceId?: string;
}

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
