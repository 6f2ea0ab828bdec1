import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  OctoError,
  type PackOptions,
  type PackResult,
  type PushAllEntry,
  type PushOptions,
  isOctoError,
  pack,
  planPackage,
  pushAll,
} from '@octojs/core';
import { expandPackageGlobs } from './package-globs.js';
import { type Output, createOutput } from './output.js';
import { HELP, commandHelp } from './help.js';

const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** A mistake in how the command was called: exit code 2, before any work. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const common = {
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const packFlags = {
  id: { type: 'string' },
  version: { type: 'string' },
  format: { type: 'string' },
  'out-folder': { type: 'string', short: 'O' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  dependencies: { type: 'string' },
  'compression-level': { type: 'string' },
  mtime: { type: 'string' },
  overwrite: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  'package-json': { type: 'string' },
  'follow-external-symlinks': { type: 'boolean' },
} as const;

const pushFlags = {
  server: { type: 'string' },
  'api-key': { type: 'string' },
  'access-token': { type: 'string' },
  space: { type: 'string' },
  'overwrite-mode': { type: 'string' },
  replace: { type: 'boolean' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
  concurrency: { type: 'string' },
  'continue-on-error': { type: 'boolean' },
  proxy: { type: 'string' },
  'ca-file': { type: 'string' },
  insecure: { type: 'boolean' },
  'use-delta-compression': { type: 'boolean' },
  delta: { type: 'boolean', short: 'd' },
} as const;

type Values = Record<string, string | boolean | string[] | undefined>;

function parse(args: string[], options: ParseArgsConfig['options']): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options: options!, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function number(values: Values, name: string): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    throw new UsageError(`--${name} takes a number of 0 or more, not "${String(value)}".`);
  }
  return parsed;
}

/** Settings from package.json's "octojs" section or .octojsrc.json in the current folder. */
async function fileConfig(cwd: string): Promise<Values> {
  try {
    return JSON.parse(await readFile(path.join(cwd, '.octojsrc.json'), 'utf8')) as Values;
  } catch {
    // none there
  }
  try {
    const json = JSON.parse(await readFile(path.join(cwd, 'package.json'), 'utf8')) as { octojs?: Values };
    return json.octojs ?? {};
  } catch {
    return {};
  }
}

/** Flags win over the environment (handled in core), which wins over the config file. */
function layered(values: Values, config: Values, flag: string, configKey: string): string | boolean | string[] | undefined {
  return values[flag] ?? config[configKey];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function packOptions(values: Values, config: Values, basePath: string | undefined, cwd: string): PackOptions {
  const resolve = (value: string | undefined): string | undefined => (value === undefined ? undefined : path.resolve(cwd, value));
  const include = layered(values, config, 'include', 'include');
  const exclude = layered(values, config, 'exclude', 'exclude');
  const level =
    values['compression-level'] !== undefined ? number(values, 'compression-level') : (config.compressionLevel as number | undefined);
  const options: PackOptions = {
    basePath: path.resolve(cwd, basePath ?? str(config.basePath) ?? '.'),
    outFolder: resolve(str(layered(values, config, 'out-folder', 'outFolder')) ?? 'bin'),
  };
  const id = str(layered(values, config, 'id', 'id'));
  const version = str(values.version);
  const format = str(layered(values, config, 'format', 'format'));
  const dependencies = str(layered(values, config, 'dependencies', 'dependencies'));
  const mtime = str(values.mtime);
  const packageJson = resolve(str(values['package-json']));
  if (id !== undefined) options.id = id;
  if (version !== undefined) options.version = version;
  if (format !== undefined) options.format = format as PackOptions['format'];
  if (Array.isArray(include)) options.include = include;
  if (Array.isArray(exclude)) options.exclude = exclude;
  if (dependencies !== undefined) options.dependencies = dependencies as PackOptions['dependencies'];
  if (level !== undefined) options.compressionLevel = level;
  if (mtime !== undefined) options.mtime = mtime;
  if (packageJson !== undefined) options.packageJson = packageJson;
  if (values.overwrite) options.overwrite = true;
  if (values['follow-external-symlinks']) options.followExternalSymlinks = true;
  return options;
}

function pushOptions(
  values: Values,
  config: Values,
  cwd: string,
  output: Output,
): PushOptions & { concurrency?: number; continueOnError?: boolean } {
  const timeout = number(values, 'timeout') ?? (config.timeout as number | undefined);
  const retries = number(values, 'retries') ?? (config.retries as number | undefined);
  const concurrency = number(values, 'concurrency');
  const options: PushOptions & { concurrency?: number; continueOnError?: boolean } = {
    onWarning: (message) => output.warn(message),
    userAgent: `octojs-cli/${VERSION}`,
  };
  // Environment variables are filled in by core when these are absent; the config file comes last.
  const env = process.env;
  const server = str(values.server) ?? (env.OCTOPUS_URL ? undefined : str(config.server));
  const space = str(values.space) ?? (env.OCTOPUS_SPACE ? undefined : str(config.space));
  if (server !== undefined) options.server = server;
  if (space !== undefined) options.space = space;
  if (str(values['api-key']) !== undefined) options.apiKey = str(values['api-key'])!;
  if (str(values['access-token']) !== undefined) options.accessToken = str(values['access-token'])!;
  const mode = str(layered(values, config, 'overwrite-mode', 'overwriteMode'));
  if (mode !== undefined) options.overwriteMode = mode;
  if (values.replace) options.replace = true;
  if (timeout !== undefined) options.timeout = timeout * 1000; // seconds on the command line, as in Octopus's CLIs
  if (retries !== undefined) options.retries = retries;
  if (concurrency !== undefined) options.concurrency = Math.max(1, concurrency);
  if (values['continue-on-error']) options.continueOnError = true;
  const proxy = str(layered(values, config, 'proxy', 'proxy'));
  if (proxy !== undefined) options.proxy = proxy;
  const caFile = str(layered(values, config, 'ca-file', 'caFile'));
  if (caFile !== undefined) options.caFile = path.resolve(cwd, caFile);
  if (values.insecure) options.insecure = true;
  if (values['use-delta-compression'] || values.delta || config.useDeltaCompression === true) options.useDeltaCompression = true;
  if (output.progress) {
    options.onProgress = (progress) => output.uploadProgress(progress.transferred, progress.total, progress.method);
  }
  return options;
}

interface PackageReport {
  file: string;
  packageId: string;
  version: string;
  outcome: string;
  size: number;
  sha1?: string;
  hash?: string;
  seconds: number;
  method?: 'full' | 'delta';
  bytesSent?: number;
  baseVersion?: string;
  fullUploadReason?: string;
  error?: { code: string; message: string; hint?: string };
}

async function runPack(
  values: Values,
  positionals: string[],
  output: Output,
  cwd: string,
  config: Values,
): Promise<PackResult | undefined> {
  if (positionals.length > 1) throw new UsageError(`pack takes one base path, not ${positionals.length}.`);
  const options = packOptions(values, config, positionals[0], cwd);
  if (values['dry-run']) {
    const plan = await planPackage(options);
    const files = plan.entries.filter((entry) => entry.type === 'file');
    const bytes = files.reduce((sum, entry) => sum + (entry.type === 'file' && entry.source.kind === 'path' ? entry.source.size : 0), 0);
    output.dryRun(plan, files.length, bytes);
    return undefined;
  }
  const started = Date.now();
  const result = await pack({
    ...options,
    ...(output.progress && { onEntry: (_entry, index, total) => output.packProgress(index + 1, total) }),
  });
  output.packed(result, (Date.now() - started) / 1000);
  return result;
}

async function runPush(files: string[], values: Values, output: Output, cwd: string, config: Values): Promise<PushAllEntry[]> {
  const options = pushOptions(values, config, cwd, output);
  const started = Date.now();
  const results = await pushAll(files, {
    ...options,
    continueOnError: true,
    onResult: (entry) => output.pushed(entry, (Date.now() - started) / 1000),
  });
  if (!options.continueOnError) {
    const failed = results.find((entry) => !entry.ok);
    if (failed && !failed.ok) throw failed.error;
  }
  return results;
}

function report(entry: PushAllEntry, seconds: number): PackageReport {
  if (entry.ok) {
    return {
      file: entry.file,
      packageId: entry.packageId,
      version: entry.version,
      outcome: entry.outcome,
      size: entry.size,
      hash: entry.hash,
      sha1: entry.hash,
      seconds,
      method: entry.method,
      bytesSent: entry.bytesSent,
      ...(entry.baseVersion !== undefined && { baseVersion: entry.baseVersion }),
      ...(entry.fullUploadReason !== undefined && { fullUploadReason: entry.fullUploadReason }),
    };
  }
  return {
    file: entry.file,
    packageId: '',
    version: '',
    outcome: 'failed',
    size: 0,
    seconds,
    error: { code: entry.error.code, message: entry.error.message, hint: entry.error.hint },
  };
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  const [command, ...rest] = argv;
  const wantsJson = rest.includes('--json') || argv.includes('--json');
  const output = createOutput({
    json: wantsJson,
    quiet: argv.includes('--quiet') || argv.includes('-q'),
    verbose: argv.includes('--verbose'),
  });
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      output.text(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-v') {
      output.text(VERSION);
      return 0;
    }
    const config = await fileConfig(cwd);
    if (command === 'pack') {
      const { values, positionals } = parse(rest, { ...common, ...packFlags });
      if (values.help) return (output.text(commandHelp('pack')), 0);
      const result = await runPack(values, positionals, output, cwd, config);
      if (result)
        output.json({
          packages: [
            {
              file: result.path,
              packageId: result.id,
              version: result.version,
              outcome: 'packed',
              size: result.size,
              sha1: result.sha1,
              entries: result.entries,
            },
          ],
        });
      return 0;
    }
    if (command === 'push') {
      const { values, positionals } = parse(rest, { ...common, ...pushFlags });
      if (values.help) return (output.text(commandHelp('push')), 0);
      if (positionals.length === 0) throw new UsageError('push needs at least one package path or glob.');
      const files = await expandPackageGlobs(positionals, cwd);
      const started = Date.now();
      const results = await runPush(files, values, output, cwd, config);
      const reports = results.map((entry) => report(entry, (Date.now() - started) / 1000));
      output.json({ packages: reports });
      return reports.some((entry) => entry.error) ? 1 : 0;
    }
    if (command === 'publish') {
      const { values, positionals } = parse(rest, { ...common, ...packFlags, ...pushFlags });
      if (values.help) return (output.text(commandHelp('publish')), 0);
      const packed = await runPack({ ...values, 'dry-run': false }, positionals, output, cwd, config);
      if (!packed) return 0;
      const results = await runPush([packed.path], values, output, cwd, config);
      const reports = results.map((entry) => ({ ...report(entry, 0), sha1: packed.sha1 }));
      output.json({ packages: reports });
      return reports.some((entry) => entry.error) ? 1 : 0;
    }
    throw new UsageError(`Unknown command "${command}". Commands: pack, push, publish.`);
  } catch (error) {
    if (error instanceof UsageError) {
      output.failure(
        { code: 'ERR_OCTO_USAGE', message: error.message, hint: 'Run `octojs --help` for the commands and their flags.' },
        error,
      );
      return 2;
    }
    if (isOctoError(error)) {
      const usage =
        error.code === 'ERR_OCTO_MISSING_SERVER' ||
        error.code === 'ERR_OCTO_MISSING_CREDENTIALS' ||
        error.code === 'ERR_OCTO_INVALID_OPTION';
      output.failure({ code: error.code, message: error.message, hint: error.hint }, error);
      return usage ? 2 : 1;
    }
    const unexpected = new OctoError('ERR_OCTO_WRITE_FAILED', (error as Error)?.message ?? String(error), {
      hint: 'This looks like a bug in octojs; run with --verbose and report it.',
      cause: error,
    });
    output.failure({ code: 'ERR_OCTO_UNEXPECTED', message: unexpected.message, hint: unexpected.hint }, error);
    return 1;
  }
}
