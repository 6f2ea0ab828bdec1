import { OctoError } from '../errors.js';
import { type OptionSchema, checkOptions } from '../options/check-options.js';

/** The options of pack() that select what goes in, added for issue 13: for pack()'s own schema too. */
export const SELECTION_OPTION_SCHEMA: OptionSchema = {
  ignoreFiles: { type: 'strings' },
  useNpmFiles: { type: 'boolean' },
  onWarning: { type: 'function' },
};

/** Checks the selection options by type, and that each ignore file is a file name (read in every folder), not a path. */
export function checkSelectionOptions(operation: string, options: Record<string, unknown>): void {
  const own = Object.fromEntries(Object.keys(SELECTION_OPTION_SCHEMA).map((key) => [key, options[key]]));
  checkOptions(operation, own, SELECTION_OPTION_SCHEMA);
  for (const name of (options.ignoreFiles as string[] | undefined) ?? []) {
    if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name)) {
      throw new OctoError('ERR_OCTO_INVALID_OPTION', `The ignore file "${name}" in \`ignoreFiles\` is not a file name.`, {
        hint: 'Give `ignoreFiles` file names such as .gitignore: each is read in basePath and in every folder below it.',
        option: 'ignoreFiles',
      });
    }
  }
}
