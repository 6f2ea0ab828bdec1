/**
 * The one error type of @octojs/octodiff. Each `code` has one meaning; `message` says what happened,
 * `hint` what to do about it; `cause` carries the underlying error (an I/O error, say) when there is one.
 */
export type OctodiffErrorCode =
  | 'ERR_OCTODIFF_INVALID_OPTION'
  | 'ERR_OCTODIFF_INVALID_SIGNATURE'
  | 'ERR_OCTODIFF_INVALID_DELTA'
  | 'ERR_OCTODIFF_UNSUPPORTED_ALGORITHM'
  | 'ERR_OCTODIFF_TRUNCATED_DELTA'
  | 'ERR_OCTODIFF_UNKNOWN_COMMAND'
  | 'ERR_OCTODIFF_COPY_OUT_OF_RANGE'
  | 'ERR_OCTODIFF_HASH_MISMATCH'
  | 'ERR_OCTODIFF_READ_FAILED'
  | 'ERR_OCTODIFF_WRITE_FAILED';

export interface OctodiffErrorDetails {
  hint: string;
  cause?: unknown;
  /** The file the error is about, when there is one. */
  path?: string;
  /** Byte offset in the delta or signature where the problem was found. */
  offset?: number;
}

export class OctodiffError extends Error {
  override readonly name = 'OctodiffError';
  readonly code: OctodiffErrorCode;
  readonly hint: string;
  declare readonly path?: string;
  declare readonly offset?: number;

  constructor(code: OctodiffErrorCode, message: string, details: OctodiffErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.hint = details.hint;
    if (details.path !== undefined) this.path = details.path;
    if (details.offset !== undefined) this.offset = details.offset;
  }
}

export function isOctodiffError(error: unknown): error is OctodiffError {
  return error instanceof OctodiffError;
}
