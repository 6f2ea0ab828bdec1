import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  type BuildInformation,
  type BuildInformationEntry,
  type PushBuildInformationOptions,
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

function inFlags(text: string): string {
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

/** `octojs build-information [upload|push] …`: resolves with the exit code. */
export async function runBuildInformationCommand(args: string[], context: BuildInformationContext): Promise<number> {
  const { output, cwd } = context;
  const env = context.env ?? process.env;
  try {
    let parsed;
    try {
      parsed = parseArgs({ args, options: FLAGS, allowPositionals: true, strict: true });
    } catch (error) {
      throw new Usage((error as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) return (output.text(BUILD_INFORMATION_HELP), 0);
    if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== 'upload' && positionals[0] !== 'push')) {
      throw new Usage(`build-information takes no paths; "${positionals.join(' ')}" is not a subcommand (use upload, or nothing).`);
    }
    const packageIds = values['package-id'] ?? [];
    if (packageIds.length === 0) throw new Usage('build-information needs --package-id <id> (repeatable).');
    if (!values.version) throw new Usage('build-information needs --version <version>.');
    const config = context.config;
    const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
    const options: PushBuildInformationOptions = {
      packageIds,
      version: values.version,
      cwd,
      env,
      continueOnError: true,
      userAgent: context.userAgent,
      onWarning: (message) => output.warn(inFlags(message)),
    };
    const server = values.server ?? (env.OCTOPUS_URL ? undefined : str(config.server));
    const space = values.space ?? (env.OCTOPUS_SPACE ? undefined : str(config.space));
    if (server !== undefined) options.server = server;
    if (space !== undefined) options.space = space;
    if (values['api-key'] !== undefined) options.apiKey = values['api-key'];
    if (values['access-token'] !== undefined) options.accessToken = values['access-token'];
    const serviceAccountId = values['service-account-id'] ?? str(config.serviceAccountId);
    if (serviceAccountId !== undefined) options.serviceAccountId = serviceAccountId;
    const mode = values['overwrite-mode'] ?? str(config.overwriteMode);
    if (mode !== undefined) options.overwriteMode = mode;
    if (values.since !== undefined) options.since = values.since;
    const maxCommits = count(values, 'max-commits');
    if (maxCommits !== undefined) options.maxCommits = maxCommits;
    const timeout = count(values, 'timeout');
    if (timeout !== undefined) options.timeout = timeout * 1000;
    const retries = count(values, 'retries');
    if (retries !== undefined) options.retries = retries;
    const proxy = values.proxy ?? str(config.proxy);
    if (proxy !== undefined) options.proxy = proxy;
    const caFile = values['ca-file'] ?? str(config.caFile);
    if (caFile !== undefined) options.caFile = path.resolve(cwd, caFile);
    if (values.insecure) options.insecure = true;
    if (values.file !== undefined) options.buildInformation = await readBuildInformationFile(path.resolve(cwd, values.file));

    if (values['dry-run']) {
      let info: BuildInformation | undefined = options.buildInformation;
      let ci: string | undefined;
      if (!info) {
        const detected = await detectBuildInformation({
          cwd,
          env,
          ...(options.since && { since: options.since }),
          ...(maxCommits && { maxCommits }),
        });
        detected.warnings.forEach((message) => output.warn(inFlags(message)));
        info = detected.buildInformation;
        ci = detected.ci;
      }
      const document = { dryRun: true, ci, packageIds: [...new Set(packageIds)], version: values.version, buildInformation: info };
      process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      if (!values.json)
        process.stderr.write(`would push build information for ${document.packageIds.join(', ')} ${values.version} (nothing sent)\n`);
      return 0;
    }

    const result = await pushBuildInformation(options);
    const quiet = values.quiet && !values.verbose;
    for (const entry of result.packages) {
      if (values.json) break;
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
    if (!values['no-ci-summary'] && env.GITHUB_ACTIONS === 'true') {
      // GitHub reads workflow commands from stdout; with --json stdout is the document alone, so they go to stderr.
      await reportToCi(result.packages.map(reportEntry), {
        title: 'Build information pushed to Octopus',
        ...((options.server ?? env.OCTOPUS_URL) && { server: options.server ?? env.OCTOPUS_URL }),
        env,
        write: (line) => (values.json ? process.stderr : process.stdout).write(`${line}\n`),
      });
    }
    output.json({
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
    });
    return result.packages.some((entry) => !entry.ok) ? 1 : 0;
  } catch (error) {
    if (error instanceof Usage) {
      output.failure(
        { code: 'ERR_OCTO_USAGE', message: error.message, hint: 'Run `octojs build-information --help` for its flags.' },
        error,
      );
      return 2;
    }
    if (isOctoError(error)) {
      output.failure({ code: error.code, message: inFlags(error.message), hint: inFlags(error.hint) }, error);
      const usage = [
        'ERR_OCTO_NOT_GIT',
        'ERR_OCTO_MISSING_SERVER',
        'ERR_OCTO_MISSING_CREDENTIALS',
        'ERR_OCTO_INVALID_OPTION',
        'ERR_OCTO_INVALID_ID',
        'ERR_OCTO_INVALID_VERSION',
      ];
      return usage.includes(error.code) ? 2 : 1;
    }
    output.failure(
      {
        code: 'ERR_OCTO_UNEXPECTED',
        message: (error as Error)?.message ?? String(error),
        hint: 'This looks like a bug in octojs; run with --verbose and report it.',
      },
      error,
    );
    return 1;
  }
}

function reportEntry(entry: BuildInformationEntry): Parameters<typeof reportToCi>[0][number] {
  return entry.ok
    ? { packageId: entry.packageId, version: entry.version, outcome: entry.outcome, spaceId: entry.spaceId }
    : {
        packageId: entry.packageId,
        version: entry.version,
        outcome: 'failed',
        error: { code: entry.error.code, message: entry.error.message, hint: entry.error.hint },
      };
}
