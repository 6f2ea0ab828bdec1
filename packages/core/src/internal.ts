/**
 * Helpers that gulp-octo, grunt-octo and the octojs CLI share, behind `@octojs/core/internal`:
 * not part of the documented API, and free to change between minor versions.
 */
export { type OptionRule, type OptionSchema, checkOptions, describe } from './options/check-options.js';
export { nearMiss } from './options/near-miss.js';
export { makeTemporaryFolder, trackTemporary, trackedTemporaries } from './temporary-files.js';
export { checkPushOptions, PUSH_SCHEMA, PUSH_ALL_SCHEMA } from './push/push-options.js';
export { Redactor } from './octopus/redact.js';
export { parseServerUrl } from './octopus/server-url.js';
export { OctopusSession } from './octopus/session.js';
export { adapterPushOptions } from './push/legacy-options.js';
export { type PathFilterOptions, type PathVerdict, createPathFilter } from './select/path-filter.js';
export { secretWarning } from './select/secrets.js';
export { SELECTION_OPTION_SCHEMA, checkSelectionOptions } from './select/selection-options.js';
export { findProjectPackageJson } from './select/find-project.js';
export { AFTER_PUSH_SCHEMA } from './build-information/after-push.js';
export { transferText } from './push/transfer-text.js';
export { GULP_FOLDER_PREFIX } from './temporary-names.js';
export { ADAPTER_PACK_OPTIONS } from './options/pack-options.js';
