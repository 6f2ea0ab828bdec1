import type { ArchiveEntry } from './entry.js';

/** Device names Windows reserves in every folder, with or without an extension (`CON`, `nul.txt`). */
const RESERVED = /^(?:CON|PRN|AUX|NUL|COM[1-9¹²³]|LPT[1-9¹²³])(?:\.[^.]*)*$/i;
// Control characters (below U+0020) are forbidden too; they are matched by code below, not in the pattern.
const FORBIDDEN = /[:*?"<>|]/;

/** Why Windows could not create a file or folder called `component`, if it could not. */
function componentProblem(component: string): string | undefined {
  const control = [...component].find((char) => char < ' ');
  const forbidden = control !== undefined ? [control] : FORBIDDEN.exec(component);
  if (forbidden) {
    const shown =
      forbidden[0] < ' ' ? `control character 0x${forbidden[0].charCodeAt(0).toString(16).padStart(2, '0')}` : `"${forbidden[0]}"`;
    return `${shown} is not allowed in Windows file names`;
  }
  if (RESERVED.test(component)) return `"${component.split('.')[0]}" is a reserved device name on Windows`;
  if (/[. ]$/.test(component)) return 'Windows drops a trailing dot or space from file names';
  return undefined;
}

/**
 * One warning per entry whose name Windows cannot extract as it is: many Octopus targets are
 * Windows. Names that differ only in case collide there too (NTFS is case-insensitive by default).
 */
export function windowsNameWarnings(entries: readonly ArchiveEntry[]): string[] {
  const warnings: string[] = [];
  const byFolded = new Map<string, string>();
  for (const entry of entries) {
    const components = entry.name.split('/');
    const last = components[components.length - 1]!;
    // Each component is judged where it is the entry's own name, so a bad folder is named once.
    const problem = componentProblem(last);
    if (problem !== undefined) warnings.push(`The entry ${entry.name} cannot be extracted on Windows: ${problem}.`);
    const folded = entry.name.toLowerCase();
    const other = byFolded.get(folded);
    if (other !== undefined && other !== entry.name) {
      warnings.push(`The entries ${other} and ${entry.name} differ only in case: on Windows one would overwrite the other.`);
    } else if (other === undefined) byFolded.set(folded, entry.name);
  }
  return warnings;
}
