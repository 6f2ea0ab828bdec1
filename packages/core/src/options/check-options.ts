import { OctoError } from '../errors.js';
import { nearMiss } from './near-miss.js';

/**
 * What one option may hold. Each rule checks the type first, then the range; an option may allow
 * several rules (`['string', 'false']`-like unions) by listing them.
 */
export type OptionRule =
  | { type: 'string'; oneOf?: readonly string[]; nonEmpty?: boolean }
  | { type: 'boolean' }
  | { type: 'number'; min?: number; max?: number; integer?: boolean }
  | { type: 'strings'; nonEmpty?: boolean }
  | { type: 'function' }
  | { type: 'object' }
  | { type: 'date' }
  | { type: 'buffer' }
  | { type: 'literal'; value: unknown };

export type OptionSchema = Record<string, OptionRule | readonly OptionRule[]>;

/**
 * Checks a caller's options against a schema before any work starts: an unknown key (with the
 * near miss named), a wrong type or a value out of range is ERR_OCTO_INVALID_OPTION. `operation`
 * names the call in messages, e.g. `pack()`. Undefined values count as absent.
 */
export function checkOptions(operation: string, options: unknown, schema: OptionSchema): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OctoError('ERR_OCTO_INVALID_OPTION', `${operation} takes an options object, not ${describe(options)}.`, {
      hint: `Pass the options as an object, e.g. ${operation.replace(/\(\)$/, '')}({ … }).`,
    });
  }
  for (const [key, value] of Object.entries(options)) {
    const rules = schema[key];
    if (rules === undefined) {
      const suggestion = nearMiss(key, Object.keys(schema));
      throw new OctoError('ERR_OCTO_INVALID_OPTION', `${operation} has no option \`${key}\`.`, {
        hint: suggestion
          ? `Did you mean \`${suggestion}\`?`
          : `Known options: ${Object.keys(schema)
              .map((name) => `\`${name}\``)
              .join(', ')}.`,
        option: key,
      });
    }
    if (value === undefined) continue;
    const list: readonly OptionRule[] = Array.isArray(rules) ? rules : [rules as OptionRule];
    const problem = firstProblem(SECRET_KEY.test(key) ? redacted(value) : value, list);
    if (problem !== undefined) {
      throw new OctoError('ERR_OCTO_INVALID_OPTION', `The option \`${key}\` of ${operation} ${problem}.`, {
        hint: `Give \`${key}\` as ${list.map(expected).join(' or ')}.`,
        option: key,
      });
    }
  }
}

/** Options whose values are never shown in a message, whatever they hold. */
const SECRET_KEY = /key|token|pass|secret/i;

/** A stand-in with the same type, so that a message about a secret shows no part of it. */
function redacted(value: unknown): unknown {
  return typeof value === 'string' ? new RedactedString(value) : value;
}

class RedactedString {
  constructor(readonly text: string) {}
}

/** Undefined when one rule accepts the value; else what is wrong, against the rule of its type. */
function firstProblem(value: unknown, rules: readonly OptionRule[]): string | undefined {
  let problem: string | undefined;
  for (const rule of rules) {
    if (!hasType(value, rule)) continue;
    const outOfRange = rangeProblem(value, rule);
    if (outOfRange === undefined) return undefined;
    problem ??= outOfRange;
  }
  return problem ?? `must be ${rules.map(expected).join(' or ')}, not ${describe(value)}`;
}

function hasType(value: unknown, rule: OptionRule): boolean {
  if (value instanceof RedactedString) return rule.type === 'string';
  switch (rule.type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number';
    case 'strings':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'function':
      return typeof value === 'function';
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'date':
      return value instanceof Date;
    case 'buffer':
      return value instanceof Uint8Array;
    case 'literal':
      return value === rule.value;
  }
}

function rangeProblem(value: unknown, rule: OptionRule): string | undefined {
  if (rule.type === 'string') {
    if (value instanceof RedactedString) return rule.nonEmpty && value.text.trim() === '' ? 'is empty' : undefined;
    const text = value as string;
    if (rule.nonEmpty && text.trim() === '') return 'is empty';
    if (rule.oneOf && !rule.oneOf.includes(text)) {
      const suggestion = nearMiss(text, rule.oneOf);
      return `is "${text}", not one of ${rule.oneOf.join(', ')}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
    }
  }
  if (rule.type === 'strings' && rule.nonEmpty) {
    const index = (value as string[]).findIndex((item) => item === '');
    if (index !== -1) return `holds an empty string (at index ${index}), which names nothing`;
  }
  if (rule.type === 'number') {
    const number = value as number;
    if (!Number.isFinite(number)) return `is ${number}, not a finite number`;
    if (rule.integer && !Number.isInteger(number)) return `is ${number}, not a whole number`;
    if (rule.min !== undefined && number < rule.min) return `is ${number}, below ${rule.min}`;
    if (rule.max !== undefined && number > rule.max) return `is ${number}, above ${rule.max}`;
  }
  return undefined;
}

function expected(rule: OptionRule): string {
  switch (rule.type) {
    case 'string':
      return rule.oneOf ? `one of ${rule.oneOf.map((item) => `"${item}"`).join(', ')}` : 'a string';
    case 'number': {
      const kind = rule.integer ? 'a whole number' : 'a number';
      if (rule.min !== undefined && rule.max !== undefined) return `${kind} from ${rule.min} to ${rule.max}`;
      if (rule.min !== undefined) return `${kind} of ${rule.min} or more`;
      return kind;
    }
    case 'strings':
      return rule.nonEmpty ? 'an array of non-empty strings' : 'an array of strings';
    case 'literal':
      return JSON.stringify(rule.value);
    case 'date':
      return 'a Date';
    case 'buffer':
      return 'a Buffer';
    default:
      return `a ${rule.type}`;
  }
}

/** A value as a message shows it: its type, and its text when short. Never used for secrets. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof RedactedString) return 'a string (not shown)';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
