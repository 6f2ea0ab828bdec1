import { readFileSync } from 'node:fs';
import { type PackOptions, type PushOptions, normalizeOverwriteMode } from '@octojs/core';
import type { Command } from '../args/flags.js';
import type { ParsedArgs } from '../args/parse-args.js';
import {
  type Verbosity,
  compressionLevel,
  localPath,
  oneOf,
  packGlob,
  shown,
  slashGlob,
  timeoutMs,
  verbosityOf,
  wholeNumber,
} from '../args/values.js';
import { CliError, UsageError } from '../errors.js';
import type { Config } from './load-config.js';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

export type OutputFormat = 'table' | 'json' | 'basic';

/** PackOptions with the fields the select work adds (issue 13); passed through only when given. */
export type CliPackOptions = PackOptions & { ignoreFiles?: string[]; useNpmFiles?: boolean };

/** Everything a command needs, decided from flags, then the environment, then the config file. */
export interface Settings {
  command: Command;
  dryRun: boolean;
  outputFormat: OutputFormat;
  verbosity: Verbosity;
  continueOnError: boolean;
  concurrency: number;
  /** The packages given to push, as typed (paths or globs). */
  packages: string[];
  pack: CliPackOptions;
  push: PushOptions;
  /** push and publish: then push the packages' build information (`--build-information`). */
  buildInformation: boolean;
  /** In GitHub Actions: a job summary and `::error::` annotations (off with `--no-ci-summary`). */
  ciSummary: boolean;
  /** The build-information command's own settings. */
  info: BuildInformationSettings;
}

export interface BuildInformationSettings {
  packageIds: string[];
  version: string | undefined;
  /** An Octo.exe build information JSON file (absolute), instead of detecting. */
  file: string | undefined;
  since: string | undefined;
  maxCommits: number | undefined;
}

/** A value from the command line, else from the config file, with how to name it in a message. */
interface Found {
  value: unknown;
  where: string;
  fromConfig: boolean;
}

function lookup(args: ParsedArgs, config: Config, key: string): Found | undefined {
  if (args.values[key] !== undefined) return { value: args.values[key], where: args.spelled[key] ?? key, fromConfig: false };
  if (config.values[key] !== undefined) return { value: config.values[key], where: `"${key}" in ${config.source}`, fromConfig: true };
  return undefined;
}

function text(found: { value: unknown } | undefined): string | undefined {
  return found === undefined ? undefined : String(found.value);
}

export function outputSettings(args: ParsedArgs, config: Config): { outputFormat: OutputFormat; verbosity: Verbosity } {
  const format = lookup(args, config, 'outputFormat');
  let outputFormat: OutputFormat = format ? oneOf(format.where, format.value, ['table', 'json', 'basic'] as const) : 'table';
  if (lookup(args, config, 'json')?.value === true) outputFormat = 'json';
  const level = lookup(args, config, 'logLevel');
  let verbosity: Verbosity = level ? verbosityOf(level.where, level.value) : 'normal';
  if (lookup(args, config, 'quiet')?.value === true) verbosity = 'quiet';
  if (lookup(args, config, 'verbose')?.value === true) verbosity = 'verbose';
  return { outputFormat, verbosity };
}

export function resolveSettings(command: Command, args: ParsedArgs, config: Config, cwd: string, env: NodeJS.ProcessEnv): Settings {
  const get = (key: string): Found | undefined => lookup(args, config, key);
  const isOn = (key: string): boolean => get(key)?.value === true;
  const concurrency = get('concurrency');
  return {
    command,
    dryRun: isOn('dryRun'),
    ...outputSettings(args, config),
    continueOnError: isOn('continueOnError'),
    concurrency: concurrency ? wholeNumber(concurrency.where, concurrency.value, 1) : 2,
    packages: [...((args.values.packages as string[] | undefined) ?? []), ...(command === 'push' ? args.positionals : [])],
    pack: command === 'push' || command === 'build-information' ? {} : packOptions(args, get, isOn, cwd),
    push: command === 'pack' ? {} : pushOptions(get, isOn, cwd, env),
    buildInformation: isOn('buildInformation'),
    ciSummary: !isOn('noCiSummary'),
    info:
      command === 'build-information'
        ? infoOptions(args, get, cwd)
        : { packageIds: [], version: undefined, file: undefined, since: undefined, maxCommits: undefined },
  };
}

/** `octojs build-information [upload|push] --package-id … --version …`. */
function infoOptions(args: ParsedArgs, get: Get, cwd: string): BuildInformationSettings {
  const [sub, ...more] = args.positionals;
  if (more.length > 0 || (sub !== undefined && sub !== 'upload' && sub !== 'push')) {
    throw new UsageError(`build-information takes no paths; "${args.positionals.join(' ')}" is not a subcommand (use upload, or nothing).`);
  }
  const packageIds = [...new Set((args.values.packageIds as string[] | undefined) ?? [])];
  if (packageIds.length === 0) throw new UsageError('build-information needs --package-id <id> (repeatable).');
  const version = text(get('version'));
  if (version === undefined) throw new UsageError('build-information needs --version <version>.');
  const file = text(get('file'));
  const maxCommits = get('maxCommits');
  return {
    packageIds,
    version,
    file: file === undefined ? undefined : localPath(cwd, file),
    since: text(get('since')),
    maxCommits: maxCommits ? wholeNumber(maxCommits.where, maxCommits.value, 1) : undefined,
  };
}

type Get = (key: string) => Found | undefined;

function packOptions(args: ParsedArgs, get: Get, isOn: (key: string) => boolean, cwd: string): CliPackOptions {
  if (args.positionals.length > 1) {
    throw new UsageError(`octojs pack takes one base path, not ${args.positionals.length}: ${args.positionals.join(' ')}.`, {
      hint: 'Quote a path with spaces; give globs to --include.',
    });
  }
  if (args.positionals.length === 1 && args.values.basePath !== undefined) {
    throw new UsageError(`The base path was given twice: as ${args.positionals[0]} and with ${args.spelled.basePath}.`);
  }
  const basePath = args.positionals[0] ?? text(get('basePath')) ?? '.';
  const options: CliPackOptions = { basePath: localPath(cwd, basePath), outFolder: localPath(cwd, text(get('outFolder')) ?? 'bin') };
  const id = text(get('id'));
  const version = text(get('version'));
  if (id !== undefined) options.id = id;
  if (version !== undefined) options.version = version;
  const format = get('format');
  if (format !== undefined) {
    if (/^\.?nupkg$/i.test(String(format.value))) {
      throw new CliError('ERR_OCTO_NOT_SUPPORTED', `${format.where} ${String(format.value)}: NuGet packages are not supported yet.`, {
        hint: 'Octopus deploys zip and tar.gz packages the same way; use --format zip.',
      });
    }
    options.format = oneOf(format.where, format.value, ['zip', 'tar.gz', 'tgz', 'tar', 'targz'] as const);
  }
  const globs = (key: 'include' | 'exclude'): string[] | undefined => {
    const found = get(key);
    return (found?.value as string[] | undefined)?.map((glob) => {
      const relative = packGlob(glob);
      if (relative === '') {
        throw new UsageError(
          `${found!.where} takes a glob relative to the base path, not ${glob === '' ? 'an empty string' : `"${glob}"`}.`,
          {
            hint: `An unset variable gives an empty value: leave ${found!.where} out, or give a glob such as "dist/**".`,
          },
        );
      }
      return relative;
    });
  };
  const include = globs('include');
  const exclude = globs('exclude');
  if (include) options.include = include;
  if (exclude) options.exclude = exclude;
  const ignoreFiles = get('ignoreFiles')?.value as string[] | undefined;
  if (ignoreFiles) options.ignoreFiles = ignoreFiles.map(slashGlob);
  if (isOn('useNpmFiles')) options.useNpmFiles = true;
  const dependencies = get('dependencies');
  if (dependencies) options.dependencies = oneOf(dependencies.where, dependencies.value, ['all', 'prod', 'none'] as const);
  const level = get('compressionLevel');
  if (level) options.compressionLevel = compressionLevel(level.where, level.value);
  const mtime = get('mtime');
  if (mtime) options.mtime = mtime.value as string | number;
  const packageJson = text(get('packageJson'));
  if (packageJson !== undefined) options.packageJson = localPath(cwd, packageJson);
  if (isOn('overwrite')) options.overwrite = true;
  if (isOn('followExternalSymlinks')) options.followExternalSymlinks = true;
  return options;
}

function pushOptions(get: Get, isOn: (key: string) => boolean, cwd: string, env: NodeJS.ProcessEnv): PushOptions {
  const options: PushOptions = { userAgent: `octojs-cli/${VERSION}`, env: connectionEnv(get, env) };
  for (const key of ['server', 'apiKey', 'accessToken', 'serviceAccountId', 'space'] as const) {
    // From the command line only: the environment comes next, then the config file (see connectionEnv).
    const found = get(key);
    if (found && !found.fromConfig) options[key] = String(found.value);
  }
  const mode = get('overwriteMode');
  if (mode) {
    try {
      options.overwriteMode = normalizeOverwriteMode(String(mode.value));
    } catch {
      throw new UsageError(
        `${mode.where} takes fail, overwrite or ignore (or FailIfExists, OverwriteExisting, IgnoreIfExists, replace), not ${shown(mode.value, mode.where)}.`,
      );
    }
  }
  if (isOn('replace')) options.replace = true;
  const timeout = get('timeout');
  if (timeout) options.timeout = timeoutMs(timeout.where, timeout.value);
  const retries = get('retries');
  if (retries) options.retries = wholeNumber(retries.where, retries.value);
  const proxy = proxyUrl(get, env);
  if (proxy !== undefined) options.proxy = proxy;
  const caFile = text(get('caFile'));
  if (caFile !== undefined) options.caFile = localPath(cwd, caFile);
  if (isOn('insecure')) options.insecure = true;
  if (isOn('useDeltaCompression')) options.useDeltaCompression = true;
  return options;
}

/**
 * The environment core reads its defaults from: ours (OCTOPUS_URL, OCTOPUS_API_KEY), then Octo.exe's
 * (OCTOPUS_CLI_SERVER, OCTOPUS_CLI_API_KEY), then the config file.
 */
function connectionEnv(get: Get, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const fromConfig = (key: string): string | undefined => {
    const found = get(key);
    return found?.fromConfig ? String(found.value) : undefined;
  };
  const pick = (...values: (string | undefined)[]): string | undefined =>
    values.find((value) => value !== undefined && value.trim() !== '');
  const result: NodeJS.ProcessEnv = { ...env };
  const set = (name: string, value: string | undefined): void => {
    if (value === undefined) delete result[name];
    else result[name] = value;
  };
  set('OCTOPUS_URL', pick(env.OCTOPUS_URL, env.OCTOPUS_CLI_SERVER, fromConfig('server')));
  set('OCTOPUS_API_KEY', pick(env.OCTOPUS_API_KEY, env.OCTOPUS_CLI_API_KEY, fromConfig('apiKey')));
  set('OCTOPUS_ACCESS_TOKEN', pick(env.OCTOPUS_ACCESS_TOKEN, fromConfig('accessToken')));
  set('OCTOPUS_SPACE', pick(env.OCTOPUS_SPACE, fromConfig('space')));
  set('OCTOPUS_SERVICE_ACCOUNT_ID', pick(env.OCTOPUS_SERVICE_ACCOUNT_ID, fromConfig('serviceAccountId')));
  return result;
}

/** --proxy, with Octo.exe's --proxyUser and --proxyPass put into it (or into the environment's proxy). */
function proxyUrl(get: Get, env: NodeJS.ProcessEnv): string | undefined {
  const proxy = text(get('proxy'));
  const user = get('proxyUser');
  const pass = get('proxyPass');
  if (!user && !pass) return proxy;
  const base = proxy ?? env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
  const flag = (user ?? pass)!.where;
  if (!base) throw new UsageError(`${flag} was given, but no proxy: give --proxy <url> (or set HTTPS_PROXY).`);
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`The proxy is not a URL: give --proxy as http://host:port.`);
  }
  if (user) url.username = encodeURIComponent(String(user.value));
  if (pass) url.password = encodeURIComponent(String(pass.value));
  return url.toString();
}
