export { OctoError, isOctoError, type OctoErrorCode, type OctoErrorDetails } from './errors.js';
export { type PackageFormat, PACKAGE_FORMATS, SUPPORTED_EXTENSIONS, normalizeFormat, extensionOf, supportedExtensionOf } from './format.js';
export {
  type PackageIdentity,
  type ParsedFileName,
  MAX_ID_LENGTH,
  idFromPackageName,
  validateId,
  validateVersion,
  validateIdentity,
  packageFileName,
  parseWithCalamari,
  parseWithClientRegex,
  assertUnambiguousFileName,
  resolveIdentity,
  findPackageJson,
} from './identity.js';
export { type PackOptions, type PackResult, type PackPlan, pack, planPackage } from './pack.js';
export {
  type PackageBuilderOptions,
  type EntryOptions,
  type DirectoryOptions,
  type PathOptions,
  DEFAULT_BUILDER_MEMORY_LIMIT,
  PackageBuilder,
  createPackage,
  normalizeEntryName,
} from './package-builder.js';
export {
  type DependenciesMode,
  type SelectFilesOptions,
  type Selection,
  type SelectedEntry,
  type ExcludedPath,
  selectFiles,
  explainSelection,
} from './select/select-files.js';
export { findProjectPackageJson } from './select/find-project.js';
export { type PackageRoot, productionPackageRoots } from './select/production-dependencies.js';
export type { ArchiveEntry, EntrySource } from './archive/entry.js';
export { formatBytes } from './format-bytes.js';
export { DEFAULT_COMPRESSION_LEVEL, normalizeCompressionLevel, resolveMtime } from './options/values.js';
export {
  type PushOptions,
  type PushAllOptions,
  type ConnectionOptions,
  type OverwriteMode,
  type OverwriteModeInput,
  type PushProgress,
  type TransferMethod,
  normalizeOverwriteMode,
  resolveConnection,
} from './push/push-options.js';
export { type PushInput, type PushResult, type PushOutcome, type FullUploadReason, push } from './push/push.js';
export { type PushAllEntry, pushAll } from './push/push-all.js';
export { safeUrl } from './octopus/redact.js';
export { DEFAULT_TIMEOUT, DEFAULT_RETRIES, DEFAULT_RETRY_DELAY } from './octopus/connection.js';
export { type SpooledFile, spoolStream } from './push/spool-stream.js';
export { type LegacyPushOptions, fromLegacyOptions } from './push/legacy-options.js';
export { type PreviewInput, type PreviewPackage, type PushPreview, previewPush } from './push/preview-push.js';
export type { BuildInformation, BuildCommit, VcsType } from './build-information/types.js';
export {
  type PushBuildInformationOptions,
  type PushBuildInformationResult,
  type BuildInformationEntry,
  type BuildInformationOutcome,
  pushBuildInformation,
} from './build-information/push-build-information.js';
export {
  type DetectBuildInformationOptions,
  type DetectedBuildInformation,
  DEFAULT_MAX_COMMITS,
  detectBuildInformation,
} from './build-information/detect.js';
export { readBuildInformationFile, checkBuildInformation } from './build-information/build-information.js';
export { vcsRootFromRemote } from './build-information/vcs-root.js';
export { resolveConnectionWithOidc, checkConnection, clearOidcCache } from './oidc/resolve-connection.js';
export { ID_TOKEN_VARIABLE } from './oidc/id-token.js';
export {
  type CiReportEntry,
  type CiReportOptions,
  type CiReport,
  reportToCi,
  jobSummaryMarkdown,
  ciReportEntries,
} from './ci-output/ci-report.js';
export { type BuildInformationAfterPushOptions, pushBuildInformationAfterPush } from './build-information/after-push.js';
