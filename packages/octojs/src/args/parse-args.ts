import { nearMiss } from '@octojs/core/internal';
import { UsageError } from '../errors.js';
import { type Command, FLAGS, flagsOf, spellingKey } from './flags.js';

export type Value = string | boolean | string[];
export type Values = Record<string, Value | undefined>;

export interface ParsedArgs {
  values: Values;
  positionals: string[];
  /** The spelling each key was given with, for messages in the user's own terms. */
  spelled: Record<string, string>;
}

const TRUE = /^(true|yes|1|on)$/i;
const FALSE = /^(false|no|0|off)$/i;

/**
 * Parses `args` for `command`: `--flag value`, `--flag=value`, `-x value`, `--` ends the flags.
 * Long flags match ignoring case and hyphens (`--apiKey`, `--api-key`); an unknown one is a usage
 * error naming the near miss, or the command that does take it.
 */
export function parseArgs(command: Command, args: readonly string[]): ParsedArgs {
  const known = flagsOf(command);
  const values: Values = {};
  const spelled: Record<string, string> = {};
  const positionals: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--') {
      positionals.push(...args.slice(index + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = equals === -1 ? arg : arg.slice(0, equals);
    const inline = equals === -1 ? undefined : arg.slice(equals + 1);
    const flag = known.get(spellingKey(name));
    if (!flag) throw unknownFlag(command, name);
    spelled[flag.key] = name;
    if (flag.type === 'boolean') {
      let value = true;
      const next = args[index + 1];
      if (inline !== undefined) value = booleanValue(name, inline);
      else if (flag.optionalValue && next !== undefined && (TRUE.test(next) || FALSE.test(next))) {
        value = booleanValue(name, next);
        index++;
      }
      values[flag.key] = value;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = args[index + 1];
      if (next === undefined || (next.startsWith('--') && known.has(spellingKey(next.split('=')[0]!)))) {
        throw new UsageError(`${name} needs a value${flag.value ? ` (${flag.value})` : ''}.`, {
          hint: `Give it as ${name} <value> or ${name}=<value>.`,
        });
      }
      value = next;
      index++;
    }
    if (flag.type === 'strings') {
      const list = (values[flag.key] as string[] | undefined) ?? [];
      list.push(value);
      values[flag.key] = list;
    } else {
      values[flag.key] = value;
    }
  }
  return { values, positionals, spelled };
}

function booleanValue(name: string, text: string): boolean {
  if (TRUE.test(text)) return true;
  if (FALSE.test(text)) return false;
  throw new UsageError(`${name} is a switch; it takes true or false, not "${text}".`, { hint: `Give ${name} alone, or ${name}=false.` });
}

/** `push`, `push and publish`, `push, publish and build-information`. */
function listed(items: readonly string[]): string {
  return items.length <= 2 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function unknownFlag(command: Command, name: string): UsageError {
  const elsewhere = FLAGS.find((flag) => flag.spellings.some((spelling) => spellingKey(spelling) === spellingKey(name)));
  if (elsewhere) {
    return new UsageError(
      `${name} is not a flag of octojs ${command}; ${listed(elsewhere.commands)} take${elsewhere.commands.length === 1 ? 's' : ''} it.`,
      {
        hint: `Run \`octojs ${command} --help\` for its flags.`,
      },
    );
  }
  const spellings = [...new Set(FLAGS.filter((flag) => flag.commands.includes(command)).flatMap((flag) => flag.spellings))].filter((s) =>
    s.startsWith('--'),
  );
  // `-server` or `--sever`: the closest long spelling, compared as the user would read it.
  const suggestion = nearMiss(`--${name.replace(/^-+/, '')}`, spellings);
  return new UsageError(`octojs ${command} has no flag ${name}.`, {
    hint: suggestion ? `Did you mean ${suggestion}?` : `Run \`octojs ${command} --help\` for its flags.`,
  });
}
