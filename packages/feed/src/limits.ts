import { badRequest } from './http-problem.js';
import { type PackageName, isSupportedExtension, parsePackageFileName } from './package-name.js';

/** How long the feed waits for a client; every wait has a bound. All in milliseconds. */
export interface FeedTimeouts {
  /** From connection (or the end of the previous request) until all request headers arrived. Default 30 000. */
  headers?: number;
  /** Longest pause between two pieces of a request body. Default 30 000. */
  idleBody?: number;
  /** From the headers until the whole body arrived, however steadily it trickles. Default 900 000 (15 min). */
  request?: number;
}

export const DEFAULT_TIMEOUTS: Required<FeedTimeouts> = { headers: 30_000, idleBody: 30_000, request: 900_000 };

export function resolveTimeouts(timeouts: FeedTimeouts | undefined): Required<FeedTimeouts> {
  const resolved = { ...DEFAULT_TIMEOUTS };
  for (const [name, value] of Object.entries(timeouts ?? {})) {
    if (!(name in DEFAULT_TIMEOUTS)) {
      throw new TypeError(`Unknown timeout '${name}'; known: ${Object.keys(DEFAULT_TIMEOUTS).join(', ')}.`);
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      throw new TypeError(`timeouts.${name} must be a positive whole number of milliseconds, got ${String(value)}.`);
    }
    resolved[name as keyof FeedTimeouts] = value;
  }
  return resolved;
}

/** Octopus's column limits (octopus-api.md §4.1, §1.7): PackageId 100, `<id>.<version>` 150. */
const MAX_PACKAGE_ID = 100;
const MAX_ID_AND_VERSION = 150;
/**
 * The stored file is named `<name>~<8 hex><extension>`: 200 bytes of name keep it under the 255 bytes most file
 * systems allow in one path component.
 */
const MAX_FILE_NAME_BYTES = 200;

/** What Octopus (and Windows) refuse in a file name: path separators, `<>:"|?*` and control characters. */
function hasInvalidCharacter(fileName: string): boolean {
  for (let i = 0; i < fileName.length; i++) {
    const c = fileName.charCodeAt(i);
    if (c < 32 || c === 127 || '/\\<>:"|?*'.includes(fileName[i]!)) return true;
  }
  return fileName === '.' || fileName === '..';
}

const TOO_LONG = 'Package Name is too long.';

/**
 * Checks the file name exactly as the client sent it (paths included) and reads the package identity from it;
 * throws the 400 Octopus answers.
 */
export function checkPackageFileName(fileName: string): PackageName {
  if (hasInvalidCharacter(fileName)) throw badRequest('[PackageName] contains invalid characters');
  if (Buffer.byteLength(fileName) > MAX_FILE_NAME_BYTES) throw badRequest(TOO_LONG);
  const name = parsePackageFileName(fileName);
  if (!name || !isSupportedExtension(name.extension)) throw badRequest("The uploaded file isn't in a supported package format.");
  if (name.packageId.length > MAX_PACKAGE_ID || name.packageId.length + 1 + name.version.length > MAX_ID_AND_VERSION) {
    throw badRequest(TOO_LONG);
  }
  return name;
}

/** Decodes one path segment; bad percent-encoding is the client's mistake (400), not the feed's (500). */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`The path segment '${segment.slice(0, 100)}' is not valid percent-encoding.`);
  }
}
