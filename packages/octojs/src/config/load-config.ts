import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { nearMiss } from '@octojs/core/internal';
import { configKeys } from '../args/flags.js';
import { shown } from '../args/values.js';
import { CliError } from '../errors.js';

/** Settings from a config file, keyed as the flags' keys (`outFolder`), with where they came from. */
export interface Config {
  values: Record<string, unknown>;
  /** `.octojsrc.json` or `package.json ("octojs")`, for messages; undefined when there is none. */
  source: string | undefined;
}

const RC = '.octojsrc.json';

/** Settings a config file may give as a JSON number. */
const NUMERIC = new Set(['timeout', 'retries', 'concurrency', 'compressionLevel', 'mtime']);

/**
 * `.octojsrc.json` in the current folder, else the `"octojs"` section of its package.json. A file that
 * is not JSON, a section that is not an object, an unknown key or a value of the wrong type is
 * ERR_OCTO_CONFIG (exit 2), naming the file and where in it.
 */
export async function loadConfig(cwd: string): Promise<Config> {
  const rcFile = path.join(cwd, RC);
  const rc = await readIfThere(rcFile);
  if (rc !== undefined) return { values: checked(parse(rcFile, rc), RC), source: RC };
  const manifestFile = path.join(cwd, 'package.json');
  const manifest = await readIfThere(manifestFile);
  if (manifest === undefined) return { values: {}, source: undefined };
  const json = parse(manifestFile, manifest);
  const section = json !== null && typeof json === 'object' ? (json as Record<string, unknown>).octojs : undefined;
  if (section === undefined) return { values: {}, source: undefined };
  return { values: checked(section, 'package.json ("octojs")'), source: 'package.json ("octojs")' };
}

/** A wrong value as a message shows it: JSON (strings quoted), `"…"` for a secret or anything like a key. */
function quoted(value: unknown, key: string): string {
  const text = shown(value, key);
  return typeof value === 'string' || text === '"…"' ? text : text.slice(1, -1);
}

/** Credentials a config file may hold, and where they belong instead. */
const CREDENTIALS: readonly { key: string; what: string; variable: string }[] = [
  { key: 'apiKey', what: 'an API key', variable: 'OCTOPUS_API_KEY' },
  { key: 'accessToken', what: 'an access token', variable: 'OCTOPUS_ACCESS_TOKEN' },
];

/** A warning for each credential in the config file: it is easily committed, or packed with the app. */
export function configWarnings(config: Config): string[] {
  return CREDENTIALS.filter(({ key }) => config.values[key] !== undefined).map(
    ({ key, what, variable }) =>
      `${config.source} holds ${what} ("${key}"): a config file is easily committed to git or packed with the app. ` +
      `Set ${variable} in the environment (a CI secret) instead, and remove "${key}" from the file.`,
  );
}

async function readIfThere(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError('ERR_OCTO_CONFIG', `Could not read ${file}: ${(error as Error).message}.`, {
      hint: 'Check its permissions.',
      cause: error,
    });
  }
}

function parse(file: string, text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : text.length;
    const before = text.slice(0, offset).split(/\r?\n/);
    const line = before.length;
    const column = before[before.length - 1]!.length + 1;
    const what = message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '');
    throw new CliError('ERR_OCTO_CONFIG', `${file}:${line}:${column}: not valid JSON (${what}).`, {
      hint: 'Fix the JSON there (no comments or trailing commas), or move the file away.',
      cause: error,
    });
  }
}

function checked(section: unknown, source: string): Record<string, unknown> {
  if (section === null || typeof section !== 'object' || Array.isArray(section)) {
    throw new CliError(
      'ERR_OCTO_CONFIG',
      `${source} must be an object of settings, not ${Array.isArray(section) ? 'an array' : String(section)}.`,
      {
        hint: 'Write it as { "outFolder": "dist", "overwriteMode": "ignore" }.',
      },
    );
  }
  const known = configKeys();
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(section)) {
    if (key === '$schema') continue;
    const flag = known.get(key);
    if (!flag) {
      const guess = nearMiss(key, known.keys());
      throw new CliError('ERR_OCTO_CONFIG', `${source} has an unknown key ${shown(key)}.`, {
        hint: guess ? `Did you mean "${guess}"?` : `Known keys: ${[...known.keys()].join(', ')}.`,
      });
    }
    const wrong = (expected: string): CliError =>
      new CliError(
        'ERR_OCTO_CONFIG',
        // Never the value of a secret setting, nor any value that looks like a key (put in the wrong setting).
        `${source}: "${key}" must be ${expected}, not ${quoted(value, key)}.`,
        {
          hint: `It is the config form of ${flag.spellings[0]}.`,
        },
      );
    if (flag.type === 'boolean' && typeof value !== 'boolean') throw wrong('true or false');
    if (flag.type === 'string' && typeof value !== 'string' && !(NUMERIC.has(key) && typeof value === 'number')) {
      throw wrong(NUMERIC.has(key) ? 'a number or a string' : 'a string');
    }
    if (flag.type === 'strings') {
      const list = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) throw wrong('a string or an array of strings');
      values[key] = list;
      continue;
    }
    values[key] = value;
  }
  return values;
}
