/**
 * The one error type of octojs. Every failure a user can cause or meet has a stable `code`,
 * a `message` that says what happened and a `hint` that says what to do about it.
 */
export type OctoErrorCode =
  // Package identity and input
  | 'ERR_OCTO_PACKAGE_JSON_MISSING'
  | 'ERR_OCTO_PACKAGE_JSON_INVALID'
  | 'ERR_OCTO_INVALID_ID'
  | 'ERR_OCTO_INVALID_VERSION'
  | 'ERR_OCTO_AMBIGUOUS_NAME'
  | 'ERR_OCTO_INVALID_OPTION'
  // Packing
  | 'ERR_OCTO_BASE_PATH'
  | 'ERR_OCTO_NOTHING_MATCHED'
  | 'ERR_OCTO_UNREADABLE_FILE'
  | 'ERR_OCTO_OUTPUT_EXISTS'
  | 'ERR_OCTO_DISK_FULL'
  | 'ERR_OCTO_WRITE_FAILED'
  | 'ERR_OCTO_SYMLINK_OUTSIDE'
  | 'ERR_OCTO_SYMLINK_LOOP'
  | 'ERR_OCTO_INVALID_ENTRY'
  | 'ERR_OCTO_DEPENDENCIES_MISSING'
  // Pushing
  | 'ERR_OCTO_PACKAGE_NOT_FOUND'
  | 'ERR_OCTO_STREAM_SPENT'
  | 'ERR_OCTO_UNSUPPORTED_FORMAT'
  | 'ERR_OCTO_MISSING_SERVER'
  | 'ERR_OCTO_MISSING_CREDENTIALS'
  | 'ERR_OCTO_AUTH'
  | 'ERR_OCTO_PERMISSION'
  | 'ERR_OCTO_CONFLICT'
  | 'ERR_OCTO_REJECTED'
  | 'ERR_OCTO_SPACE_NOT_FOUND'
  | 'ERR_OCTO_NETWORK'
  | 'ERR_OCTO_TIMEOUT'
  | 'ERR_OCTO_TLS'
  | 'ERR_OCTO_SERVER'
  | 'ERR_OCTO_NOT_OCTOPUS'
  | 'ERR_OCTO_REDIRECT'
  /** A 404 for an address that is not a space (an unknown space is ERR_OCTO_SPACE_NOT_FOUND). */
  | 'ERR_OCTO_NOT_FOUND'
  /** A link of the server's documents points to another scheme, host or port: not followed. */
  | 'ERR_OCTO_FOREIGN_LINK'
  // Anywhere
  /** A feature not built yet (NuPkg). */
  | 'ERR_OCTO_NOT_SUPPORTED'
  /** SIGINT or SIGTERM during an operation. */
  | 'ERR_OCTO_INTERRUPTED'
  /** A bug of ours: please report it. */
  | 'ERR_OCTO_INTERNAL'
  // Build information and OIDC sign-in
  /** Build information was to be read from git, but the folder is not in a git repository. */
  | 'ERR_OCTO_NOT_GIT'
  /** git failed while reading build information. */
  | 'ERR_OCTO_GIT'
  /** OIDC sign-in failed: no ID token, or the exchange did not give an access token. */
  | 'ERR_OCTO_OIDC';

export interface OctoErrorDetails {
  hint: string;
  cause?: unknown;
  /** HTTP status, when a server answered. */
  status?: number;
  method?: string;
  /** The request URL, with credentials and query secrets removed. */
  url?: string;
  /** The server's `ErrorMessage` and `Errors`, when it sent an Octopus error body. */
  serverMessage?: string;
  serverErrors?: string[];
  /** How many HTTP attempts were made before this error. */
  attempts?: number;
  /** The file or package the error is about. */
  path?: string;
  /**
   * The option the error is about, as core spells it (`outFolder`). Messages and hints name
   * options in backticks, so a CLI can show its own flag instead (`--out-folder`).
   */
  option?: string;
}

export class OctoError extends Error {
  override readonly name = 'OctoError';
  readonly code: OctoErrorCode;
  readonly hint: string;
  declare readonly status?: number;
  declare readonly method?: string;
  declare readonly url?: string;
  declare readonly serverMessage?: string;
  declare readonly serverErrors?: string[];
  declare readonly attempts?: number;
  declare readonly path?: string;
  declare readonly option?: string;

  constructor(code: OctoErrorCode, message: string, details: OctoErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.hint = details.hint;
    if (details.status !== undefined) this.status = details.status;
    if (details.method !== undefined) this.method = details.method;
    if (details.url !== undefined) this.url = details.url;
    if (details.serverMessage !== undefined) this.serverMessage = details.serverMessage;
    if (details.serverErrors !== undefined) this.serverErrors = details.serverErrors;
    if (details.attempts !== undefined) this.attempts = details.attempts;
    if (details.path !== undefined) this.path = details.path;
    if (details.option !== undefined) this.option = details.option;
    Error.captureStackTrace?.(this, OctoError);
  }

  /** A plain object for JSON output: never carries secrets, since none are ever stored on the error. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { code: this.code, message: this.message, hint: this.hint };
    for (const key of ['status', 'method', 'url', 'serverMessage', 'serverErrors', 'attempts', 'path', 'option'] as const) {
      if (this[key] !== undefined) json[key] = this[key];
    }
    return json;
  }
}

export function isOctoError(error: unknown): error is OctoError {
  return error instanceof OctoError;
}

/** Any failure as an OctoError: ours as they are, anything else (a bug of ours) as ERR_OCTO_INTERNAL with it as the cause. */
export function asOctoError(error: unknown): OctoError {
  if (isOctoError(error)) return error;
  return new OctoError('ERR_OCTO_INTERNAL', `An internal error: ${(error as Error)?.message ?? String(error)}.`, {
    hint: 'This is a bug in octojs; please report it with the cause below.',
    cause: error,
  });
}

/** Maps a Node file-system error met while writing a package to an OctoError. */
export function writeError(error: unknown, file: string): OctoError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new OctoError('ERR_OCTO_DISK_FULL', `The disk is full: could not finish writing ${file}.`, {
      hint: 'Free some space on the disk that holds the out folder, or choose another out folder.',
      cause: error,
      path: file,
    });
  }
  if (isOctoError(error)) return error;
  return new OctoError('ERR_OCTO_WRITE_FAILED', `Could not write ${file}: ${(error as Error)?.message ?? String(error)}.`, {
    hint: 'Check that the out folder exists or can be created, and that you may write to it.',
    cause: error,
    path: file,
  });
}

/** Maps a Node file-system error met while reading an input file to an OctoError. */
export function readError(error: unknown, file: string): OctoError {
  if (isOctoError(error)) return error;
  return new OctoError('ERR_OCTO_UNREADABLE_FILE', `Could not read ${file}: ${(error as Error)?.message ?? String(error)}.`, {
    hint: 'Check the file permissions, or leave the file out with an exclude pattern.',
    cause: error,
    path: file,
  });
}
