import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** How a value is named in messages: the flag as typed, or the config key with its file. */
export type Where = string;

/** An Octopus API key or a JWT-like token: never repeated in a message, whatever setting it was put in by mistake. */
const LOOKS_SECRET = /API-[A-Z0-9]{4,}|\beyJ[A-Za-z0-9_-]{8,}/i;
/** Settings whose value is a secret, however they are spelled. */
const SECRET_SETTING = /key|token|pass|secret/i;

/** A value as a message may show it, quoted: `"…"` for anything that looks like a key or is a secret setting's. */
export function shown(value: unknown, where: Where = ''): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return SECRET_SETTING.test(where) || LOOKS_SECRET.test(text) ? '"…"' : `"${text}"`;
}

/** `--retries 3`: a whole number of `min` (0) or more (a config file may hold it as a number). */
export function wholeNumber(where: Where, value: unknown, min = 0): number {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min)
    throw new UsageError(`${where} takes a whole number of ${min} or more, not ${shown(value, where)}.`);
  return parsed;
}

/** The longest wait Node's timers take, in whole seconds (2^31 - 1 ms: about 24.8 days). */
export const MAX_TIMEOUT_SECONDS = Math.floor(2_147_483_647 / 1000);

/** `--timeout`: seconds (`600`, `2.5`), or Octo.exe's TimeSpan form `hh:mm:ss` (`d.hh:mm:ss` too). Milliseconds out. */
export function timeoutMs(where: Where, value: unknown): number {
  const ms = timeoutValue(value);
  const range = `seconds above 0, at most ${MAX_TIMEOUT_SECONDS} (about 24 days), or hh:mm:ss (00:10:00)`;
  if (ms === undefined) throw new UsageError(`${where} takes ${range}, not ${shown(value, where)}.`);
  // Every wait has a bound: 0 is not "no timeout". Checked here, in seconds, so the message is in the flag's terms.
  if (ms < 1 || ms > MAX_TIMEOUT_SECONDS * 1000) throw new UsageError(`${where} takes ${range}, not ${shown(value, where)}.`);
  return ms;
}

function timeoutValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  const text = typeof value === 'string' ? value.trim() : '';
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const span = /^(?:(\d+)\.)?(\d+):([0-5]?\d):([0-5]?\d(?:\.\d+)?)$/.exec(text);
  if (span) {
    const [, days = '0', hours, minutes, seconds] = span;
    return Math.round(((Number(days) * 24 + Number(hours)) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1000);
  }
  return undefined;
}

/** Octo.exe's names (.NET's CompressionLevel) beside 0-9. */
const LEVELS: Record<string, number> = { none: 0, nocompression: 0, fast: 1, fastest: 1, optimal: 6, smallest: 9, smallestsize: 9 };

export function compressionLevel(where: Where, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 9) return value;
  const text = typeof value === 'string' ? value.trim() : '';
  if (/^\d$/.test(text)) return Number(text);
  const named = LEVELS[text.toLowerCase()];
  if (named !== undefined) return named;
  throw new UsageError(`${where} takes 0 to 9, or None, Fast or Optimal, not ${shown(value, where)}.`);
}

/** One of `choices`, in any case; answers the choice as spelled in the list. */
export function oneOf<T extends string>(where: Where, value: unknown, choices: readonly T[]): T {
  const found = choices.find((choice) => typeof value === 'string' && choice.toLowerCase() === value.trim().toLowerCase());
  if (found === undefined) throw new UsageError(`${where} takes ${choices.join(', ')}, not ${shown(value, where)}.`);
  return found;
}

/** `quiet`: errors only; `warnings`: errors and warnings; `normal`; `verbose`. */
export type Verbosity = 'quiet' | 'warnings' | 'normal' | 'verbose';

/** Octo.exe's --logLevel, as our three levels. */
export function verbosityOf(where: Where, value: unknown): Verbosity {
  const level = oneOf(where, value, ['verbose', 'debug', 'information', 'info', 'warning', 'error', 'fatal'] as const);
  if (level === 'verbose' || level === 'debug') return 'verbose';
  if (level === 'information' || level === 'info') return 'normal';
  return level === 'warning' ? 'warnings' : 'quiet';
}

/**
 * A path typed with backslashes (`out\app.1.0.0.zip`) means the same as with slashes on every OS,
 * unless a file by that very name exists (a backslash is a legal file name character on POSIX).
 */
export function localPath(cwd: string, value: string): string {
  const direct = path.resolve(cwd, value);
  if (path.sep === '\\' || !value.includes('\\') || existsSync(direct)) return direct;
  return path.resolve(cwd, value.replace(/\\/g, '/'));
}

/**
 * A glob typed with backslashes (`public\img\**`) means the same as with slashes. A backslash is a
 * separator here, never an escape: a literal `*` or `?` is written `[*]` or `[?]`.
 */
export function slashGlob(glob: string): string {
  return glob.replace(/\\/g, '/');
}

/**
 * An --include or --exclude glob: relative to the base path, so a leading `/` (as the Octopus CLI's
 * help writes them, `/bin/*.dll`) or `./` means the base path itself.
 */
export function packGlob(glob: string): string {
  return slashGlob(glob).replace(/^(\.?\/)+/, '');
}
