import { readFileSync } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { readError } from '../errors.js';

/** The ignore file octojs always reads, in basePath and every folder below it. */
export const OCTOPUS_IGNORE = '.octopusignore';

/** The rules of one folder: the ignore files found there, merged in the order they were named. */
export interface IgnoreLevel {
  /** The folder's path inside the package, `''` for basePath. */
  archiveDir: string;
  matcher: Ignore;
  /** The negated rules, each with its own matcher, to say which one put a path back in. */
  negations: { mark: string; pattern: string; matcher: Ignore }[];
}

/** What the ignore files say about one path: left out, put back by a `!` rule, or nothing. */
export type IgnoreVerdict = { ignored: boolean; reason: string } | undefined;

/**
 * Reads the ignore files of one folder (gitignore syntax: `#` comments, `!` negation, a trailing
 * `/` for folders, a leading `/` to anchor). Undefined when the folder has none.
 */
export function readIgnoreLevel(
  directory: string,
  archiveDir: string,
  names: readonly string[],
  present: ReadonlySet<string>,
): IgnoreLevel | undefined {
  let level: IgnoreLevel | undefined;
  for (const name of names) {
    if (!present.has(name)) continue;
    const file = path.join(directory, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw readError(error, file);
    }
    level ??= { archiveDir, matcher: ignore(), negations: [] };
    const shown = archiveDir === '' ? name : `${archiveDir}/${name}`;
    text.split(/\r?\n/).forEach((line, index) => {
      const pattern = line.replace(/(?<!\\)\s+$/, '');
      if (pattern === '' || pattern.startsWith('#')) return;
      const mark = `${shown} line ${index + 1}`;
      level!.matcher.add({ pattern, mark });
      if (pattern.startsWith('!')) level!.negations.push({ mark, pattern, matcher: ignore().add(pattern.slice(1)) });
    });
  }
  return level;
}

/**
 * What the ignore files in effect say about `name` (a path inside the package), as git decides:
 * the deepest folder whose files have a rule for the path wins, and within a folder the last
 * matching rule. Folders are tested with a trailing `/`, so `logs/` matches only a folder.
 */
export function checkIgnored(levels: readonly IgnoreLevel[], name: string, isDirectory: boolean): IgnoreVerdict {
  for (let index = levels.length - 1; index >= 0; index--) {
    const level = levels[index]!;
    const relative = (level.archiveDir === '' ? name : name.slice(level.archiveDir.length + 1)) + (isDirectory ? '/' : '');
    const result = level.matcher.test(relative);
    if (result.ignored) return { ignored: true, reason: `${result.rule?.mark ?? level.archiveDir}: \`${result.rule?.pattern ?? ''}\`` };
    if (result.unignored) {
      const negation = [...level.negations].reverse().find((rule) => rule.matcher.ignores(relative));
      return { ignored: false, reason: negation ? `${negation.mark}: \`${negation.pattern}\`` : 'a `!` rule of an ignore file' };
    }
  }
  return undefined;
}
