import { isOctoError } from '@octojs/core';
import PluginError from 'plugin-error';

export const PLUGIN_NAME = 'gulp-octo';

/**
 * Turns any failure into the PluginError gulp prints: an OctoError keeps its `code` (also printed after
 * the message, as grunt-octo prints it) and gives its hint on a line of its own; anything unexpected keeps its stack.
 */
export function toPluginError(error: unknown, fileName?: string): PluginError {
  const where = fileName === undefined ? {} : { fileName };
  if (isOctoError(error)) {
    return new PluginError(PLUGIN_NAME, error, {
      message: `${error.message} [${error.code}]\n${error.hint}`,
      showProperties: false,
      ...where,
    });
  }
  if (error instanceof PluginError) return error;
  return new PluginError(PLUGIN_NAME, error instanceof Error ? error : new Error(String(error)), { showStack: true, ...where });
}
