import { createRequire } from 'node:module';
import path from 'node:path';
import { readPackageJson } from '../identity.js';

/** npm-packlist (CommonJS, no types) takes an Arborist node; only the fields it reads for a project root are given. */
type Packlist = (tree: { path: string; package: object; isProjectRoot: boolean; edgesOut: Map<string, unknown> }) => Promise<string[]>;
const packlist = createRequire(import.meta.url)('npm-packlist') as Packlist;

/** What `npm publish` would put in the package of the package.json in `projectDir`. */
export interface NpmFiles {
  /** Whether a path (relative to basePath, `/`-separated) is published; folders: whether anything in them is. */
  has(relativeToProject: string, isDirectory: boolean): boolean;
  /** The reason for a path npm publishes, in its own terms. */
  reasonIn(relativeToProject: string): string;
  /** The reason for a path npm leaves out. */
  reasonOut(relativeToProject: string): string;
}

const ALWAYS = /^(?:package\.json|(?:readme|copying|license|licence)(?:\..*)?)$/i;
const NEVER =
  /(?:^|\/)(?:\.npmrc|\.git|\.svn|\.hg|CVS|\.DS_Store|npm-debug\.log|\.npmignore|\.gitignore)$|^(?:package-lock\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb)$|\.orig$|(?:^|\/)\._/;

/**
 * The files npm would publish, found by npm's own npm-packlist: package.json `files` (or, without
 * it, `.npmignore` / `.gitignore`), the files npm always publishes (package.json, README, LICENSE,
 * `main`, `bin`) and those it never does (`.npmrc`, lock files, `.git`, …). `node_modules` is left
 * to the `dependencies` option.
 */
export async function npmFiles(packageJsonFile: string): Promise<NpmFiles> {
  const projectDir = path.dirname(packageJsonFile);
  const json = await readPackageJson(packageJsonFile);
  // A bare project node: no bundled dependencies are walked (edgesOut is empty), only the project's own files.
  const published = await packlist({ path: projectDir, package: json, isProjectRoot: true, edgesOut: new Map() });
  const files = new Set(published.map((file) => file.split(path.sep).join('/')));
  const folders = new Set<string>();
  for (const file of files) {
    for (let at = file.indexOf('/'); at !== -1; at = file.indexOf('/', at + 1)) folders.add(file.slice(0, at));
  }
  const hasFiles = Array.isArray(json.files);
  return {
    has: (relative, isDirectory) => (isDirectory ? folders.has(relative) || relative === '' : files.has(relative)),
    reasonIn: (relative) =>
      ALWAYS.test(relative) || relative === json.main
        ? 'npm always publishes it (`useNpmFiles`)'
        : hasFiles
          ? 'listed by package.json `files` (`useNpmFiles`)'
          : 'npm publishes it: not in .npmignore (`useNpmFiles`)',
    reasonOut: (relative) =>
      NEVER.test(relative)
        ? 'npm never publishes it (`useNpmFiles`)'
        : hasFiles
          ? 'not in package.json `files` (`useNpmFiles`)'
          : 'npm would not publish it: .npmignore or .gitignore (`useNpmFiles`)',
  };
}
