import { isOctoError } from '@octojs/core';
import { flagFor } from './args/flags.js';

/** What the CLI reports about a failure: the same three fields in text and in JSON. */
export interface Failure {
  code: string;
  message: string;
  hint?: string | undefined;
}

/** An error of the CLI's own (usage, config files, features not built yet), with a stable code. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, details: { hint?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.hint = details.hint;
  }
}

/** A mistake in how the command was called: exit code 2, before any work. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';

  constructor(message: string, details: { hint?: string; cause?: unknown } = {}) {
    super('ERR_OCTO_USAGE', message, {
      hint: details.hint ?? 'Run `octojs --help` for the commands and their flags.',
      ...(details.cause !== undefined && { cause: details.cause }),
    });
  }
}

/**
 * Codes that mean "the command was given something it cannot work with", found before anything was
 * written or sent: exit code 2.
 */
const SETUP_CODES = new Set([
  'ERR_OCTO_USAGE',
  'ERR_OCTO_CONFIG',
  'ERR_OCTO_NOT_SUPPORTED',
  'ERR_OCTO_MISSING_SERVER',
  'ERR_OCTO_MISSING_CREDENTIALS',
  'ERR_OCTO_INVALID_OPTION',
  'ERR_OCTO_INVALID_ID',
  'ERR_OCTO_INVALID_VERSION',
  'ERR_OCTO_AMBIGUOUS_NAME',
  'ERR_OCTO_SPACE_NOT_FOUND',
  // Build information to be read from git, outside any git repository: found before anything was sent.
  'ERR_OCTO_NOT_GIT',
]);

/** 2 for a setup problem found before any work, 1 for an operation that failed. */
export function exitCodeOf(failure: Failure): 1 | 2 {
  return SETUP_CODES.has(failure.code) ? 2 : 1;
}

/**
 * Core names options in backticks as core spells them (`outFolder`); on a command line the user knows
 * them as flags (`--out-folder`). Backticked words that are not options stay as they are.
 */
export function inFlagTerms(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text.replace(/`([A-Za-z][A-Za-z0-9]*)`/g, (whole, key: string) => {
    const flag = flagFor(key);
    return flag ? `\`${flag}\`` : whole;
  });
}

/** Any thrown value as a Failure in the CLI's terms; unknown errors are ours (a bug). */
export function toFailure(error: unknown): Failure {
  if (error instanceof CliError) return { code: error.code, message: error.message, hint: error.hint };
  if (isOctoError(error)) return { code: error.code, message: inFlagTerms(error.message)!, hint: inFlagTerms(error.hint) };
  return {
    code: 'ERR_OCTO_INTERNAL',
    message: (error as Error)?.message ?? String(error),
    hint: 'This looks like a bug in octojs; run with --verbose and report it with the stack trace.',
  };
}
