import { OctodiffError } from './errors.js';

const invalidOption = (message: string, hint: string) => new OctodiffError('ERR_OCTODIFF_INVALID_OPTION', message, { hint });

/** Rejects keys not in `known`, naming the closest known key when there is a likely typo. */
export function checkKeys(options: object | undefined, known: readonly string[], where: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw invalidOption(
      `The options of ${where} must be an object; got ${options === null ? 'null' : typeof options}.`,
      `Pass an object such as {} or leave the options out.`,
    );
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = nearest(key, known);
    throw invalidOption(
      `${where} has no option "${key}"${near === undefined ? '' : `; did you mean "${near}"?`}`,
      `The options of ${where} are: ${known.join(', ')}.`,
    );
  }
}

export function checkInteger(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidOption(
      `The option ${name} is ${String(value)}; it must be a whole number from ${min} to ${max}.`,
      `Leave ${name} out for the default, ${fallback}.`,
    );
  }
  return value;
}

export function checkChoice<T extends string>(value: unknown, name: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    const near = typeof value === 'string' ? nearest(value, choices) : undefined;
    throw invalidOption(
      `The option ${name} is ${JSON.stringify(value)}; it must be one of ${choices.map((c) => `"${c}"`).join(', ')}${near === undefined ? '' : ` (did you mean "${near}"?)`}.`,
      `Leave ${name} out for the default, "${fallback}".`,
    );
  }
  return value as T;
}

export function checkString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw invalidOption(
      `The option ${name} must be a non-empty string; got ${JSON.stringify(value)}.`,
      `Leave ${name} out for the default.`,
    );
  }
  return value;
}

/** A 40-hex-digit SHA-1, as bytes. */
export function checkSha1(value: unknown, name: string): Buffer | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[0-9a-fA-F]{40}$/.test(value)) {
    throw invalidOption(
      `The option ${name} must be a SHA-1 as 40 hexadecimal digits; got ${JSON.stringify(value)}.`,
      `Leave ${name} out to have it computed.`,
    );
  }
  return Buffer.from(value, 'hex');
}

function nearest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}
