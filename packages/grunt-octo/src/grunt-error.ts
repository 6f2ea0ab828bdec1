import { isOctoError } from '@octojs/core';

/**
 * What a task hands to grunt's `done()`: grunt prints the message after "Warning:" and exits 3
 * (or carries on under --force), so the message carries the code and the hint as well.
 */
export function toGruntError(error: unknown): Error {
  if (isOctoError(error)) {
    return Object.assign(new Error(`${error.message} [${error.code}]\n${error.hint}`, { cause: error }), { code: error.code });
  }
  return error instanceof Error ? error : new Error(String(error));
}
