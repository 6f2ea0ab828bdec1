import { OctoError, asOctoError, isOctoError } from '../errors.js';
import { validateId, validateVersion } from '../identity.js';
import { CONNECTION_SCHEMA, type ConnectionOptions } from '../octopus/connection.js';
import { httpError, isTlsError, transportError } from '../octopus/http-errors.js';
import { isRetryableStatus, retryAfterMs, withRetries } from '../octopus/retry.js';
import { OctopusSession } from '../octopus/session.js';
import { checkOptions, type OptionSchema } from '../options/check-options.js';
import { resolveConnectionWithOidc } from '../oidc/resolve-connection.js';
import { type OverwriteMode, type OverwriteModeInput, normalizeOverwriteMode } from '../push/push-options.js';
import { checkBuildInformation, toOctopusBuildInformation } from './build-information.js';
import { detectBuildInformation } from './detect.js';
import type { BuildInformation } from './types.js';

export interface PushBuildInformationOptions extends ConnectionOptions {
  /** The package ids the build information is for; one request per id. */
  packageIds: string | string[];
  /** The package version it is for. */
  version: string;
  /** The build information to send; when absent it is detected from the CI's variables and git. */
  buildInformation?: BuildInformation;
  /** What to do when the server already holds build information for the id and version. Default: FailIfExists. */
  overwriteMode?: OverwriteModeInput;
  /** Detection: the git checkout to read. Default: process.cwd(). */
  cwd?: string;
  /** Detection: list the commits after this commit, tag or ref, instead of after the previous tag. */
  since?: string;
  /** Detection: at most this many commits. Default: 100. */
  maxCommits?: number;
  /** Push the other ids after a failure, and report each. Default: false (reject at the first failure). */
  continueOnError?: boolean;
}

export type BuildInformationOutcome = 'created' | 'overwritten' | 'ignored';

export type BuildInformationEntry =
  | { ok: true; packageId: string; version: string; outcome: BuildInformationOutcome; spaceId: string | undefined; attempts: number }
  | { ok: false; packageId: string; version: string; outcome: 'failed'; error: OctoError };

export interface PushBuildInformationResult {
  /** What was sent (detected or given). */
  buildInformation: BuildInformation;
  /** The CI recognised when detecting, else undefined. */
  ci: string | undefined;
  packages: BuildInformationEntry[];
  warnings: string[];
}

const SCHEMA: OptionSchema = {
  ...CONNECTION_SCHEMA,
  packageIds: [{ type: 'string', nonEmpty: true }, { type: 'strings' }],
  version: { type: 'string', nonEmpty: true },
  buildInformation: { type: 'object' },
  overwriteMode: { type: 'string' },
  cwd: { type: 'string' },
  since: { type: 'string', nonEmpty: true },
  maxCommits: { type: 'number', integer: true, min: 1 },
  continueOnError: { type: 'boolean' },
};

async function* once(body: Buffer): AsyncGenerator<Uint8Array> {
  yield body;
}

/** Sends the build information for one package id, with the push's retries; a 409 after a lost answer is our own earlier write. */
async function sendOne(
  session: OctopusSession,
  url: string,
  body: Buffer,
  mode: OverwriteMode,
  packageId: string,
  version: string,
): Promise<{ outcome: BuildInformationOutcome; attempts: number }> {
  const { retries, retryDelay, warn } = session.connection;
  const { redactor } = session;
  let answerLost = false;
  return withRetries<{ outcome: BuildInformationOutcome; attempts: number }>(
    { retries, retryDelay, what: `POST ${redactor.url(url)}`, warn },
    async (attempts) => {
      const request = { method: 'POST', url, attempts, redactor };
      let answer;
      try {
        answer = await session.upload(url, {
          parts: once(body),
          headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
        });
      } catch (error) {
        const failure = transportError(error, request);
        if (isTlsError(error)) throw failure;
        answerLost = true;
        return { retry: failure };
      }
      const { status, body: text, headers } = answer;
      if (status === 201) return { done: { outcome: 'created', attempts } };
      if (status >= 200 && status < 300) {
        // Octopus answers 200 for every success (Swagger); the mode says which success it was.
        const outcome = mode === 'IgnoreIfExists' ? 'ignored' : mode === 'OverwriteExisting' ? 'overwritten' : 'created';
        return { done: { outcome, attempts } };
      }
      if (status === 409 && answerLost) return { done: { outcome: 'created', attempts } };
      if (isRetryableStatus(status)) {
        answerLost = status === 408 || status === 504;
        return { retry: httpError(status, text, request, headers), wait: retryAfterMs(headers['retry-after']) };
      }
      throw buildInformationError(httpError(status, text, request, headers), packageId, version);
    },
  );
}

/** Package-push wording in httpError's 409 and 403 hints, re-said for build information. */
function buildInformationError(error: OctoError, packageId: string, version: string): OctoError {
  if (error.code === 'ERR_OCTO_CONFLICT') {
    return new OctoError(
      'ERR_OCTO_CONFLICT',
      `Build information for ${packageId} ${version} already exists on the server (409)${error.serverMessage ? `: ${error.serverMessage.replace(/\.+$/, '')}` : ''}.`,
      {
        hint: 'Push with `overwriteMode` OverwriteExisting (overwrite) to replace it, or IgnoreIfExists (ignore) to keep it.',
        ...details(error),
      },
    );
  }
  if (error.code === 'ERR_OCTO_PERMISSION') {
    return new OctoError('ERR_OCTO_PERMISSION', error.message, {
      hint: "Pushing build information needs the BuildInformationPush permission; overwriting it needs BuildInformationAdminister. Ask an Octopus administrator to grant it to the key's user or team in this space.",
      ...details(error),
    });
  }
  if (error.code === 'ERR_OCTO_REJECTED') {
    return new OctoError('ERR_OCTO_REJECTED', error.message, {
      hint: 'Check the package id and version (a valid semantic version), and the build information: VcsType must be Git or TFVC.',
      ...details(error),
    });
  }
  return error;
}

function details(error: OctoError): Omit<ConstructorParameters<typeof OctoError>[2], 'hint'> {
  const { status, method, url, serverMessage, serverErrors, attempts } = error;
  return {
    ...(status !== undefined && { status }),
    ...(method !== undefined && { method }),
    ...(url !== undefined && { url }),
    ...(serverMessage !== undefined && { serverMessage }),
    ...(serverErrors !== undefined && { serverErrors }),
    ...(attempts !== undefined && { attempts }),
  };
}

/** The space's build-information link (the root's, or the documented address), on the configured origin. */
async function buildInformationUrl(session: OctopusSession, mode: OverwriteMode): Promise<string> {
  const space = await session.space();
  const values = { overwriteMode: mode };
  const root = await session.root();
  return (
    session.link(space.links, 'BuildInformation', space.url, values) ??
    session.link(root.Links, 'BuildInformation', `${session.baseUrl}/api`, values) ??
    session.resolveLink(
      `~/api${space.id ? `/${encodeURIComponent(space.id)}` : ''}/build-information?overwriteMode=${mode}`,
      'BuildInformation',
    )
  );
}

/**
 * Pushes build information (branch, commits, build URL, VCS root) for a package version: one
 * `POST /api/{spaceId}/build-information` per package id, the overwrite mode in the query and in
 * the body. Detected from the CI and git when `buildInformation` is not given.
 */
export async function pushBuildInformation(options: PushBuildInformationOptions): Promise<PushBuildInformationResult> {
  checkOptions('pushBuildInformation()', options, SCHEMA);
  const ids = [...new Set(typeof options.packageIds === 'string' ? [options.packageIds] : (options.packageIds ?? []))];
  if (ids.length === 0) {
    throw new OctoError('ERR_OCTO_INVALID_OPTION', 'pushBuildInformation() needs at least one package id.', {
      hint: 'Give `packageIds`, e.g. ["MyCompany.Web"].',
      option: 'packageIds',
    });
  }
  for (const id of ids) validateId(id);
  validateVersion(options.version);
  const mode = normalizeOverwriteMode(options.overwriteMode);
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  let info: BuildInformation;
  let ci: string | undefined;
  if (options.buildInformation !== undefined) {
    info = checkBuildInformation(options.buildInformation);
  } else {
    const detected = await detectBuildInformation({
      ...(options.cwd !== undefined && { cwd: options.cwd }),
      ...(options.since !== undefined && { since: options.since }),
      ...(options.maxCommits !== undefined && { maxCommits: options.maxCommits }),
      ...(options.env !== undefined && { env: options.env }),
    });
    info = detected.buildInformation;
    ci = detected.ci;
    detected.warnings.forEach(warn);
  }
  const connection = await resolveConnectionWithOidc({ ...options, onWarning: warn });
  const packages: BuildInformationEntry[] = [];
  try {
    const session = await OctopusSession.create(connection);
    try {
      const url = await buildInformationUrl(session, mode);
      for (const packageId of ids) {
        const body = Buffer.from(
          JSON.stringify({
            PackageId: packageId,
            Version: options.version,
            OverwriteMode: mode,
            OctopusBuildInformation: toOctopusBuildInformation(info),
          }),
        );
        try {
          const sent = await sendOne(session, url, body, mode, packageId, options.version);
          packages.push({ ok: true, packageId, version: options.version, spaceId: (await session.space()).id, ...sent });
        } catch (error) {
          if (!options.continueOnError || !isOctoError(error)) throw error;
          packages.push({ ok: false, packageId, version: options.version, outcome: 'failed', error: connection.redactor.error(error) });
        }
      }
    } finally {
      session.close();
    }
  } catch (error) {
    // Whatever the server sent back, and whatever a cause quotes of it, the credentials are not in it.
    throw connection.redactor.error(asOctoError(error));
  }
  return { buildInformation: info, ci, packages, warnings: [...new Set([...warnings, ...connection.warnings])] };
}
