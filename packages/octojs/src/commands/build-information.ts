import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  type BuildInformation,
  type BuildInformationEntry,
  type PushBuildInformationOptions,
  type PushBuildInformationResult,
  detectBuildInformation,
  isOctoError,
  pushBuildInformation,
  readBuildInformationFile,
  reportToCi,
} from '@octojs/core';
import type { Output } from '../output.js';

export const BUILD_INFORMATION_HELP = `Usage: octojs build-information [upload] --package-id <id> --version <version> [options]

Pushes build information (branch, commits, build URL, VCS root) for a package version, one request
per package id. Without --file it is detected: the CI's own variables (GitHub Actions, GitLab CI,
Azure DevOps, TeamCity, Jenkins, Bitbucket Pipelines, CircleCI) and git (the commits since the
previous tag, or since --since, first line of each message). Alias: build-information push.

Build information options
  -p, --package-id <id>         package id, repeatable (required)
  --version <version>           package version (required)
  --file <file>                 a JSON file in Octo.exe's format (OctopusBuildInformation) instead of detecting
  --since <commit>              list the commits after this commit, tag or ref (default: the previous tag)
  --max-commits <n>             at most this many commits, newest first (default: 100; warns past it)
  --overwrite-mode fail|overwrite|ignore   when the version already has build information (default: fail)
  --dry-run                     print what would be sent; send nothing
  --no-ci-summary               no GitHub Actions job summary or ::error:: annotations

Connection options
  --server <url>                Octopus URL (env OCTOPUS_URL)
  --api-key <key>               API key (env OCTOPUS_API_KEY; prefer the environment)
  --access-token <token>        bearer token (env OCTOPUS_ACCESS_TOKEN)
  --service-account-id <id>     sign in with the CI's OIDC ID token (env OCTOPUS_SERVICE_ACCOUNT_ID)
  --space <name|id>             space (env OCTOPUS_SPACE; default: the server's default)
  --timeout <seconds>           inactivity and answer timeout (default: 600)
  --retries <n>                 retries on network errors, 408, 429, 5xx (default: 3)
  --proxy <url>                 proxy (default: HTTPS_PROXY / HTTP_PROXY, NO_PROXY honoured)
  --ca-file <file>              PEM CA certificates to trust
  --insecure                    do not verify TLS certificates (warns)

Output options
  --json                        one JSON result document on stdout
  -q, --quiet                   errors only
  --verbose                     more detail, and stack traces on errors
`;

const FLAGS = {
  'package-id': { type: 'string', short: 'p', multiple: true },
  version: { type: 'string' },
  file: { type: 'string' },
  since: { type: 'string' },
  'max-commits': { type: 'string' },
  'overwrite-mode': { type: 'string' },
  'dry-run': { type: 'boolean' },
  'no-ci-summary': { type: 'boolean' },
  server: { type: 'string' },
  'api-key': { type: 'string' },
  'access-token': { type: 'string' },
  'service-account-id': { type: 'string' },
  space: { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
  proxy: { type: 'string' },
  'ca-file': { type: 'string' },
  insecure: { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Core's option names as this command's flags, for messages and hints. */
const FLAG_OF: Record<string, string> = {
  packageIds: '--package-id',
  version: '--version',
  buildInformation: '--file',
  since: '--since',
  maxCommits: '--max-commits',
  overwriteMode: '--overwrite-mode',
  serviceAccountId: '--service-account-id',
  server: '--server',
  apiKey: '--api-key',
  accessToken: '--access-token',
  caFile: '--ca-file',
  cwd: 'the current folder',
};

export function inFlags(text: string): string {
  return text.replace(/`([A-Za-z]+)`/g, (whole, name: string) => FLAG_OF[name] ?? whole);
}

class Usage extends Error {}

function count(values: Record<string, unknown>, name: string): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    throw new Usage(`--${name} takes a number of 0 or more, not "${String(value)}".`);
  }
  return parsed;
}

export interface BuildInformationContext {
  cwd: string;
  output: Output;
  /** Settings from package.json's "octojs" section or .octojsrc.json. */
  config: Record<string, unknown>;
  userAgent: string;
  env?: NodeJS.ProcessEnv;
}

export type Values = ReturnType<
  typeof parseArgs<{ args: string[]; options: typeof FLAGS; allowPositionals: true; strict: true }>
>['values'];

function parse(args: string[]): Values {
  let parsed;
  try {
    parsed = parseArgs({ args, options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new Usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return values;
  if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== 'upload' && positionals[0] !== 'push')) {
    throw new Usage(`build-information takes no paths; "${positionals.join(' ')}" is not a subcommand (use upload, or nothing).`);
  }
  if ((values['package-id'] ?? []).length === 0) throw new Usage('build-information needs --package-id <id> (repeatable).');
  if (!values.version) throw new Usage('build-information needs --version <version>.');
  return values;
}

/** Flags win over the environment (core reads it), which wins over the config file. */
async function commandOptions(
  values: Values,
  context: BuildInformationContext,
  env: NodeJS.ProcessEnv,
): Promise<PushBuildInformationOptions> {
  const { config, cwd, output } = context;
  const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const options: PushBuildInformationOptions = {
    packageIds: values['package-id']!,
    version: values.version!,
    cwd,
    env,
    continueOnError: true,
    userAgent: context.userAgent,
    onWarning: (message) => output.warn(inFlags(message)),
  };
  const set = <K extends keyof PushBuildInformationOptions>(key: K, value: PushBuildInformationOptions[K] | undefined): void => {
    if (value !== undefined) options[key] = value;
  };
  set('server', values.server ?? (env.OCTOPUS_URL ? undefined : str(config.server)));
  set('space', values.space ?? (env.OCTOPUS_SPACE ? undefined : str(config.space)));
  set('apiKey', values['api-key']);
  set('accessToken', values['access-token']);
  set('serviceAccountId', values['service-account-id'] ?? str(config.serviceAccountId));
  set('overwriteMode', values['overwrite-mode'] ?? str(config.overwriteMode));
  set('since', values.since);
  set('maxCommits', count(values, 'max-commits'));
  const timeout = count(values, 'timeout');
  set('timeout', timeout === undefined ? undefined : timeout * 1000); // seconds on the command line, as in Octopus's CLIs
  set('retries', count(values, 'retries'));
  set('proxy', values.proxy ?? str(config.proxy));
  const caFile = values['ca-file'] ?? str(config.caFile);
  set('caFile', caFile === undefined ? undefined : path.resolve(cwd, caFile));
  if (values.insecure) options.insecure = true;
  if (values.file !== undefined) options.buildInformation = await readBuildInformationFile(path.resolve(cwd, values.file));
  return options;
}

/** Prints what would be sent, detected or from --file; sends nothing. */
async function dryRun(options: PushBuildInformationOptions, values: Values, output: Output): Promise<number> {
  let info: BuildInformation | undefined = options.buildInformation;
  let ci: string | undefined;
  if (!info) {
    const detected = await detectBuildInformation({
      ...(options.cwd !== undefined && { cwd: options.cwd }),
      ...(options.env !== undefined && { env: options.env }),
      ...(options.since !== undefined && { since: options.since }),
      ...(options.maxCommits !== undefined && { maxCommits: options.maxCommits }),
    });
    detected.warnings.forEach((message) => output.warn(inFlags(message)));
    info = detected.buildInformation;
    ci = detected.ci;
  }
  const packageIds = [...new Set(values['package-id'])];
  process.stdout.write(`${JSON.stringify({ dryRun: true, ci, packageIds, version: values.version, buildInformation: info }, null, 2)}\n`);
  if (!values.json) process.stderr.write(`would push build information for ${packageIds.join(', ')} ${values.version} (nothing sent)\n`);
  return 0;
}

export function printEntries(result: PushBuildInformationResult, values: Values): void {
  if (values.json) return;
  const quiet = values.quiet && !values.verbose;
  for (const entry of result.packages) {
    if (entry.ok) {
      if (!quiet)
        process.stderr.write(
          `${entry.outcome} build information ${entry.packageId} ${entry.version}${result.ci ? ` (${result.ci})` : ''}\n`,
        );
    } else {
      process.stderr.write(
        `failed build information ${entry.packageId} ${entry.version}: ${entry.error.code} ${inFlags(entry.error.message)}\n  hint: ${inFlags(entry.error.hint)}\n`,
      );
    }
  }
}

export function jsonDocument(result: PushBuildInformationResult): unknown {
  return {
    ci: result.ci,
    buildInformation: result.buildInformation,
    packages: result.packages.map((entry) =>
      entry.ok
        ? { packageId: entry.packageId, version: entry.version, outcome: entry.outcome, spaceId: entry.spaceId, attempts: entry.attempts }
        : {
            packageId: entry.packageId,
            version: entry.version,
            outcome: 'failed',
            error: { code: entry.error.code, message: entry.error.message, hint: entry.error.hint },
          },
    ),
    warnings: result.warnings,
  };
}

/** Errors found before anything was sent exit 2, as usage errors do. */
const USAGE_CODES = new Set([
  'ERR_OCTO_NOT_GIT',
  'ERR_OCTO_MISSING_SERVER',
  'ERR_OCTO_MISSING_CREDENTIALS',
  'ERR_OCTO_INVALID_OPTION',
  'ERR_OCTO_INVALID_ID',
  'ERR_OCTO_INVALID_VERSION',
]);

function failed(error: unknown, output: Output): number {
  if (error instanceof Usage) {
    output.failure({ code: 'ERR_OCTO_USAGE', message: error.message, hint: 'Run `octojs build-information --help` for its flags.' }, error);
    return 2;
  }
  if (isOctoError(error)) {
    output.failure({ code: error.code, message: inFlags(error.message), hint: inFlags(error.hint) }, error);
    return USAGE_CODES.has(error.code) ? 2 : 1;
  }
  const message = (error as Error)?.message ?? String(error);
  output.failure(
    { code: 'ERR_OCTO_UNEXPECTED', message, hint: 'This looks like a bug in octojs; run with --verbose and report it.' },
    error,
  );
  return 1;
}

/** `octojs build-information [upload|push] …`: resolves with the exit code. */
export async function runBuildInformationCommand(args: string[], context: BuildInformationContext): Promise<number> {
  const { output } = context;
  const env = context.env ?? process.env;
  try {
    const values = parse(args);
    if (values.help) return (output.text(BUILD_INFORMATION_HELP), 0);
    const options = await commandOptions(values, context, env);
    if (values['dry-run']) return await dryRun(options, values, output);
    const result = await pushBuildInformation(options);
    printEntries(result, values);
    if (!values['no-ci-summary'] && env.GITHUB_ACTIONS === 'true') {
      const server = options.server ?? env.OCTOPUS_URL;
      // GitHub reads workflow commands from stdout; with --json stdout is the document alone, so they go to stderr.
      await reportToCi(result.packages.map(reportEntry), {
        title: 'Build information pushed to Octopus',
        ...(server && { server }),
        env,
        write: (line) => (values.json ? process.stderr : process.stdout).write(`${line}\n`),
      });
    }
    output.json(jsonDocument(result));
    return result.packages.some((entry) => !entry.ok) ? 1 : 0;
  } catch (error) {
    return failed(error, output);
  }
}

export function reportEntry(entry: BuildInformationEntry): Parameters<typeof reportToCi>[0][number] {
  return entry.ok
    ? { packageId: entry.packageId, version: entry.version, outcome: entry.outcome, spaceId: entry.spaceId }
    : {
        packageId: entry.packageId,
        version: entry.version,
        outcome: 'failed',
        error: { code: entry.error.code, message: entry.error.message, hint: entry.error.hint },
      };
}
