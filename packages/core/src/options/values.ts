import { OctoError } from '../errors.js';

export const DEFAULT_COMPRESSION_LEVEL = 6;

export function normalizeCompressionLevel(level: number | string | undefined): number {
  if (level === undefined) return DEFAULT_COMPRESSION_LEVEL;
  const value = typeof level === 'string' && level.trim() !== '' ? Number(level) : level;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 9) {
    throw new OctoError('ERR_OCTO_INVALID_OPTION', `The compression level "${String(level)}" is not a whole number from 0 to 9.`, {
      hint: 'Use 0 to store without compression, 1 for fastest, 9 for smallest; the default is 6.',
    });
  }
  return value;
}

/**
 * The fixed time to give every entry: the option if given, else SOURCE_DATE_EPOCH (seconds), as
 * reproducible-builds.org defines it; undefined keeps each file's own time.
 */
export function resolveMtime(mtime: Date | number | string | undefined, env: NodeJS.ProcessEnv = process.env): Date | undefined {
  if (mtime === undefined) {
    const epoch = env.SOURCE_DATE_EPOCH;
    if (epoch === undefined || epoch === '') return undefined;
    if (!/^\d+$/.test(epoch)) {
      throw new OctoError('ERR_OCTO_INVALID_OPTION', `SOURCE_DATE_EPOCH="${epoch}" is not a number of seconds.`, {
        hint: 'Set SOURCE_DATE_EPOCH to whole seconds since 1970, for example $(git log -1 --format=%ct).',
      });
    }
    return new Date(Number(epoch) * 1000);
  }
  const date = mtime instanceof Date ? mtime : typeof mtime === 'number' ? new Date(mtime) : parseDate(mtime);
  if (Number.isNaN(date.getTime())) {
    throw new OctoError('ERR_OCTO_INVALID_OPTION', `The mtime "${String(mtime)}" is not a date.`, {
      hint: 'Give a Date, milliseconds since 1970, an ISO date such as 2024-01-01T00:00:00Z, or seconds since 1970.',
    });
  }
  return date;
}

function parseDate(text: string): Date {
  // Bare digits are seconds, as in SOURCE_DATE_EPOCH and `--mtime` on the command line.
  return /^\d+$/.test(text) ? new Date(Number(text) * 1000) : new Date(text);
}

export function assertOneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new OctoError('ERR_OCTO_INVALID_OPTION', `The ${name} "${value}" is not one of ${allowed.join(', ')}.`, {
      hint: `Use one of: ${allowed.join(', ')}.`,
    });
  }
  return value as T;
}
