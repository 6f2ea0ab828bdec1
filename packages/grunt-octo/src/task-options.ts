/// <reference types="grunt" />
import { safeUrl } from '@octojs/core';

const SECRETS = ['apiKey', 'apikey', 'accessToken'];

// What grunt has and its typings lack: config lookup by path segments (safe for dotted target names), and writeflags' prefix.
type ConfigByPath = (path: string[]) => unknown;
type FlagWriter = { writeflags(flags: object, prefix: string): void };

/**
 * A multi-task's options, merged as grunt's `this.options()` merges them (task level, then target
 * level), but without its `--verbose` echo of every value: that would print the API key. The
 * options are echoed here instead, with secrets and proxy passwords masked.
 */
export function taskOptions<T extends object>(grunt: IGrunt, task: grunt.task.IMultiTask<unknown>): T {
  const config = grunt.config as unknown as ConfigByPath;
  const target = config([task.name, task.target]);
  const options = {
    ...(config([task.name, 'options']) as object | undefined),
    ...(target !== null && typeof target === 'object' && 'options' in target ? (target.options as object) : {}),
  } as T;
  const shown: Record<string, unknown> = { ...(options as Record<string, unknown>) };
  for (const key of SECRETS) if (shown[key] !== undefined) shown[key] = '***';
  // A server URL may carry the key in its query (`?apikey=API-…`, as Octopus accepts it).
  for (const key of ['server', 'host']) if (typeof shown[key] === 'string') shown[key] = safeUrl(shown[key]);
  if (typeof shown.proxy === 'string') shown.proxy = shown.proxy.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  (grunt.log.verbose as unknown as FlagWriter).writeflags(shown, 'Options');
  return options;
}
