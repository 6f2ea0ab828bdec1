import { OctoError } from './errors.js';

/** The archive formats octojs writes. `tgz` is `tar.gz` written with the short extension. */
export type PackageFormat = 'zip' | 'tar.gz' | 'tgz' | 'tar';

export const PACKAGE_FORMATS: readonly PackageFormat[] = ['zip', 'tar.gz', 'tgz', 'tar'];

/** Extensions Octopus's built-in feed accepts (octopus-api.md §4.4), longest first. */
export const SUPPORTED_EXTENSIONS: readonly string[] = [
  '.tar.bz2',
  '.tar.gz',
  '.tar.bz',
  '.tar.Z',
  '.nupkg',
  '.tbz',
  '.tgz',
  '.tar',
  '.zip',
  '.jar',
  '.war',
  '.ear',
  '.rar',
];

const ALIASES: Record<string, PackageFormat> = {
  zip: 'zip',
  'tar.gz': 'tar.gz',
  targz: 'tar.gz',
  tgz: 'tgz',
  tar: 'tar',
};

/** Accepts the names users know from octopackjs (`targz`) as well as ours. */
export function normalizeFormat(format: string | undefined): PackageFormat {
  if (format === undefined) return 'zip';
  const normalized = ALIASES[String(format).toLowerCase().replace(/^\./, '')];
  if (normalized === undefined) {
    throw new OctoError('ERR_OCTO_INVALID_OPTION', `Unknown package format "${format}".`, {
      hint: 'Use one of: zip (the default), tar.gz, tgz, tar.',
    });
  }
  return normalized;
}

export function extensionOf(format: PackageFormat): string {
  return `.${format}`;
}

export function isGzipped(format: PackageFormat): boolean {
  return format === 'tar.gz' || format === 'tgz';
}

/** The supported extension a file name ends with, case-insensitively, if any. */
export function supportedExtensionOf(fileName: string): string | undefined {
  const lower = fileName.toLowerCase();
  return SUPPORTED_EXTENSIONS.find((extension) => lower.endsWith(extension.toLowerCase()));
}
