import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { OctoError } from './errors.js';
import { type PackageFormat, extensionOf } from './format.js';
import { isValidId, isValidVersion, splitIdAndVersion, splitTarExtension } from './identity-grammar.js';

export interface PackageIdentity {
  id: string;
  version: string;
}

export const MAX_ID_LENGTH = 100;
// The ids and versions of the parsers (octopus-api.md §4.1, §4.3), matched in linear time by
// identity-grammar.ts: P1 is the client regex of Octopus.Client and go-octopusdeploy, P2 Calamari's
// PackageName.TryParseUnsafeFileName.

/** `@scope/name` becomes `scope.name`, as the original octopackjs did and as Octopus ids allow. */
export function idFromPackageName(name: string): string {
  const scoped = /^@([^/]+)\/(.+)$/.exec(name);
  return scoped ? `${scoped[1]}.${scoped[2]}` : name;
}

export function validateId(id: string): void {
  if (typeof id !== 'string' || id.length === 0) {
    throw new OctoError('ERR_OCTO_INVALID_ID', 'The package id is empty.', {
      hint: 'Give an id (for example `MyCompany.Web`) with the `id` option, or a `name` in package.json.',
    });
  }
  if (id.length > MAX_ID_LENGTH) {
    throw new OctoError(
      'ERR_OCTO_INVALID_ID',
      `The package id "${id}" is ${id.length} characters long; Octopus allows at most ${MAX_ID_LENGTH}.`,
      {
        hint: 'Choose a shorter id.',
      },
    );
  }
  if (!isValidId(id)) {
    throw new OctoError('ERR_OCTO_INVALID_ID', `The package id "${id}" is not a valid Octopus package id.`, {
      hint: 'An id is one or more segments of ASCII letters, digits and `_`, separated by `.`, `-` or `_`, for example `Acme.Billing.Web` or `acme-billing`.',
    });
  }
  const numeric = id.split(/[.\-_]/).find((segment) => /^\d+$/.test(segment));
  if (numeric !== undefined) {
    throw new OctoError(
      'ERR_OCTO_AMBIGUOUS_NAME',
      `The package id "${id}" has a purely numeric segment ("${numeric}"), which Octopus can read as part of the version.`,
      {
        hint: 'Octopus parses the id and version from the file name, so an id segment of digits only is ambiguous: rename it, for example "app2" instead of "app.2".',
      },
    );
  }
}

export function validateVersion(version: string): void {
  if (typeof version !== 'string' || version.length === 0) {
    throw new OctoError('ERR_OCTO_INVALID_VERSION', 'The package version is empty.', {
      hint: 'Give a version (for example `1.2.3`) with the `version` option, or a `version` in package.json.',
    });
  }
  if (!isValidVersion(version)) {
    throw new OctoError('ERR_OCTO_INVALID_VERSION', `The package version "${version}" is not a version Octopus accepts.`, {
      hint: 'Use SemVer 2 (`1.2.3`, `1.2.3-beta.1`, `1.2.3+build.5`) or up to four numeric parts (`1.2.3.4`); pre-release and build labels may use only letters, digits, `-` and `.`.',
    });
  }
}

export interface ParsedFileName {
  id: string;
  version: string;
  extension: string;
}

/** P1, as go-octopusdeploy applies it: the last extension removed, and a `.tar` before it. */
export function parseWithClientRegex(fileName: string): ParsedFileName | undefined {
  let stem = fileName;
  let extension = path.extname(stem);
  stem = stem.slice(0, stem.length - extension.length);
  if (stem.toLowerCase().endsWith('.tar')) {
    extension = stem.slice(-4) + extension;
    stem = stem.slice(0, -4);
  }
  const match = splitIdAndVersion(stem, false);
  return match ? { id: match.id, version: match.version, extension } : undefined;
}

/** P2, Calamari's parser, which the server shares. */
export function parseWithCalamari(fileName: string): ParsedFileName | undefined {
  const tar = splitTarExtension(fileName);
  if (tar) {
    const bare = splitIdAndVersion(tar.fileName, false);
    if (bare) return { id: bare.id, version: bare.version, extension: tar.extension };
  }
  return splitIdAndVersion(fileName, true);
}

/**
 * Refuses a file name that Octopus's two file-name parsers would read differently from what was meant:
 * the server keeps only what it parses from the name.
 */
export function assertUnambiguousFileName(identity: PackageIdentity, fileName: string): void {
  const client = parseWithClientRegex(fileName);
  const calamari = parseWithCalamari(fileName);
  const agrees = (parsed: ParsedFileName | undefined): boolean =>
    parsed !== undefined && parsed.id === identity.id && parsed.version === identity.version;
  if (!agrees(client) || !agrees(calamari)) {
    const read = [client, calamari]
      .filter((parsed): parsed is ParsedFileName => parsed !== undefined)
      .map((parsed) => `id "${parsed.id}" version "${parsed.version}"`);
    throw new OctoError(
      'ERR_OCTO_AMBIGUOUS_NAME',
      `The file name "${fileName}" would not be read back as id "${identity.id}" version "${identity.version}"` +
        (read.length > 0 ? ` (Octopus's parsers read ${[...new Set(read)].join(' or ')}).` : ' (Octopus cannot parse it).'),
      {
        hint: 'Avoid digits-only id segments and more than four numeric version parts; pre-release labels may use only letters, digits, `-` and `.`.',
      },
    );
  }
}

export function packageFileName(identity: PackageIdentity, format: PackageFormat): string {
  return `${identity.id}.${identity.version}${extensionOf(format)}`;
}

/** Validates an id and version and the file name they make together. */
export function validateIdentity(identity: PackageIdentity, format: PackageFormat): string {
  validateId(identity.id);
  validateVersion(identity.version);
  const fileName = packageFileName(identity, format);
  assertUnambiguousFileName(identity, fileName);
  return fileName;
}

export interface PackageJson {
  name?: unknown;
  version?: unknown;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

export async function readPackageJson(file: string): Promise<PackageJson> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new OctoError('ERR_OCTO_PACKAGE_JSON_MISSING', `Could not read ${file}: ${(error as Error).message}.`, {
      hint: 'Give `id` and `version` explicitly, or point `packageJson` (or `basePath`) at a folder with a package.json.',
      cause: error,
      path: file,
    });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the top level is not an object');
    return parsed as PackageJson;
  } catch (error) {
    throw new OctoError('ERR_OCTO_PACKAGE_JSON_INVALID', `${file} is not valid JSON: ${(error as Error).message}.`, {
      hint: 'Fix the syntax of package.json, or give `id` and `version` explicitly.',
      cause: error,
      path: file,
    });
  }
}

/** The nearest package.json in `folder` or above it, as Node and npm look for one; undefined if there is none. */
export async function findPackageJson(folder: string): Promise<string | undefined> {
  for (let current = path.resolve(folder); ; current = path.dirname(current)) {
    const candidate = path.join(current, 'package.json');
    try {
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not here; look one level up
    }
    if (path.dirname(current) === current) return undefined;
  }
}

export interface ResolveIdentityOptions {
  id?: string;
  version?: string;
  /** An explicit package.json path; otherwise `<basePath>/package.json`. */
  packageJson?: string;
  basePath: string;
}

/** Id and version from the options, falling back to package.json (read only when needed). */
export async function resolveIdentity(options: ResolveIdentityOptions): Promise<PackageIdentity> {
  let { id, version } = options;
  if (id === undefined || version === undefined) {
    const file = options.packageJson ?? path.join(options.basePath, 'package.json');
    const json = await readPackageJson(file);
    if (id === undefined) {
      if (typeof json.name !== 'string' || json.name === '') {
        throw new OctoError('ERR_OCTO_PACKAGE_JSON_INVALID', `${file} has no "name" to take the package id from.`, {
          hint: 'Add a "name" to package.json or give the `id` option.',
          path: file,
        });
      }
      id = idFromPackageName(json.name);
    }
    if (version === undefined) {
      if (typeof json.version !== 'string' || json.version === '') {
        throw new OctoError('ERR_OCTO_PACKAGE_JSON_INVALID', `${file} has no "version" to take the package version from.`, {
          hint: 'Add a "version" to package.json or give the `version` option.',
          path: file,
        });
      }
      version = json.version;
    }
  }
  return { id, version };
}
