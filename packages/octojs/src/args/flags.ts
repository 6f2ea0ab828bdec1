/**
 * Every flag of the CLI in one table: its spellings (ours first, then those users bring from Octo.exe and
 * the Octopus CLI), the commands that take it, its key (the name core and the config files use) and its
 * help line. The parser, the config checker, `--help` and the hint rewriting all read this table, so
 * they cannot disagree.
 */
export type Command = 'pack' | 'push' | 'publish';

export type FlagType = 'string' | 'strings' | 'boolean';

export interface Flag {
  /** The option's key: in parsed values, config files and (mostly) core's options. */
  key: string;
  /** `--long` spellings (matched ignoring case and hyphens) and `-x` short ones (exact). The first is ours. */
  spellings: readonly string[];
  type: FlagType;
  commands: readonly Command[];
  /** For help: the value's placeholder (`<dir>`) and what the flag does. */
  value?: string;
  help: string;
  /** Default shown in help and README. */
  default?: string;
  /** Where it came from, for the README's migration table. */
  from?: string;
  /** False for flags a config file may not hold (they only make sense on a command line). */
  config?: boolean;
  /** A boolean that also takes `true` / `false` as its next argument (Octopus CLI style). */
  optionalValue?: boolean;
  /** Not listed in help (an alias shown with its main flag). */
  group: 'pack' | 'push' | 'output';
}

const ALL: readonly Command[] = ['pack', 'push', 'publish'];
const PACK: readonly Command[] = ['pack', 'publish'];
const PUSH: readonly Command[] = ['push', 'publish'];

export const FLAGS: readonly Flag[] = [
  // What goes in the package
  {
    key: 'id',
    spellings: ['--id'],
    type: 'string',
    commands: PACK,
    group: 'pack',
    value: '<id>',
    help: 'package id',
    default: 'package.json name, @scope/name -> scope.name',
  },
  {
    key: 'version',
    spellings: ['--version', '-v'],
    type: 'string',
    commands: PACK,
    group: 'pack',
    value: '<version>',
    help: 'package version (SemVer)',
    default: 'package.json version',
  },
  {
    key: 'basePath',
    spellings: ['--base-path', '--basePath'],
    type: 'string',
    commands: PACK,
    group: 'pack',
    value: '<dir>',
    help: 'the folder to pack (or give it as the argument)',
    default: '.',
  },
  {
    key: 'format',
    spellings: ['--format'],
    type: 'string',
    commands: PACK,
    group: 'pack',
    value: 'zip|tar.gz|tgz|tar',
    help: 'archive format, any case (NuPkg: not supported yet)',
    default: 'zip',
  },
  {
    key: 'outFolder',
    spellings: ['--out-folder', '-O', '--outFolder'],
    type: 'string',
    commands: PACK,
    group: 'pack',
    value: '<dir>',
    help: 'where to write the package (created)',
    default: './bin',
  },
  {
    key: 'include',
    spellings: ['--include'],
    type: 'strings',
    commands: PACK,
    group: 'pack',
    value: '<glob>',
    help: 'what goes in, repeatable',
    default: 'everything',
  },
  {
    key: 'exclude',
    spellings: ['--exclude'],
    type: 'strings',
    commands: PACK,
    group: 'pack',
    value: '<glob>',
    help: 'what stays out, repeatable (.git always stays out)',
  },
  {
    key: 'ignoreFiles',
    spellings: ['--ignore-file'],
    type: 'strings',
    commands: PACK,
    group: 'pack',
    value: '<file>',
    help: 'also honour this ignore file (e.g. .gitignore), repeatable; .octopusignore is always read',
  },
  {
    key: 'useNpmFiles',
    spellings: ['--npm-files'],
    type: 'boolean',
    commands: PACK,
    group: 'pack',
    help: 'pack what package.json "files" lists (as npm publish would)',
  },
  {
    key: 'dependencies',
    spellings: ['--dependencies'],
    type: 'string',
    commands: PACK,
    group: 'pack',
    value: 'all|prod|none',
    help: 'which node_modules to pack',
    default: 'all',
  },
  {
    key: 'compressionLevel',
    spellings: ['--compression-level', '--compressionLevel'],
    type: 'string',
    commands: PACK,
    group: 'pack',
    value: '<0-9>|None|Fast|Optimal',
    help: '0 stores, 9 is smallest; None=0, Fast=1, Optimal=6',
    default: '6',
  },
  {
    key: 'mtime',
    spellings: ['--mtime'],
    type: 'string',
    commands: PACK,
    group: 'pack',
    value: '<date|seconds>',
    help: 'one time for every entry',
    default: "SOURCE_DATE_EPOCH, else the files'",
  },
  {
    key: 'overwrite',
    spellings: ['--overwrite'],
    type: 'boolean',
    commands: PACK,
    group: 'pack',
    help: 'replace an existing package file',
  },
  {
    key: 'packageJson',
    spellings: ['--package-json'],
    type: 'string',
    commands: PACK,
    group: 'pack',
    value: '<file>',
    help: 'where to read id and version from',
    default: '<basePath>/package.json',
  },
  {
    key: 'followExternalSymlinks',
    spellings: ['--follow-external-symlinks'],
    type: 'boolean',
    commands: PACK,
    group: 'pack',
    help: 'pack what links outside basePath point to',
  },

  // Where it goes
  {
    key: 'packages',
    spellings: ['--package', '-p'],
    type: 'strings',
    commands: ['push'],
    group: 'push',
    value: '<file|glob>',
    help: 'a package to push, repeatable (or give them as arguments)',
    config: false,
  },
  {
    key: 'server',
    spellings: ['--server'],
    type: 'string',
    commands: PUSH,
    group: 'push',
    value: '<url>',
    help: 'Octopus URL',
    default: 'OCTOPUS_URL, then OCTOPUS_CLI_SERVER',
  },
  {
    key: 'apiKey',
    spellings: ['--api-key', '--apiKey'],
    type: 'string',
    commands: PUSH,
    group: 'push',
    value: '<key>',
    help: 'API key (prefer the environment)',
    default: 'OCTOPUS_API_KEY, then OCTOPUS_CLI_API_KEY',
  },
  {
    key: 'accessToken',
    spellings: ['--access-token'],
    type: 'string',
    commands: PUSH,
    group: 'push',
    value: '<token>',
    help: 'bearer access token',
    default: 'OCTOPUS_ACCESS_TOKEN',
  },
  {
    key: 'space',
    spellings: ['--space', '-s'],
    type: 'string',
    commands: PUSH,
    group: 'push',
    value: '<name|id>',
    help: 'space',
    default: "OCTOPUS_SPACE, else the server's default",
  },
  {
    key: 'overwriteMode',
    spellings: ['--overwrite-mode', '--overwritemode'],
    type: 'string',
    commands: PUSH,
    group: 'push',
    value: 'fail|overwrite|ignore',
    help: 'when the version exists; also FailIfExists|OverwriteExisting|IgnoreIfExists|replace, any case',
    default: 'fail',
  },
  // The Octopus CLI's `--overwrite <mode>`; under pack and publish, --overwrite is Octo.exe's "replace the package file".
  {
    key: 'overwriteMode',
    spellings: ['--overwrite'],
    type: 'string',
    commands: ['push'],
    group: 'push',
    value: '<mode>',
    help: 'same as --overwrite-mode (Octopus CLI)',
  },
  {
    key: 'replace',
    spellings: ['--replace-existing', '--replace'],
    type: 'boolean',
    commands: PUSH,
    group: 'push',
    help: 'same as --overwrite-mode overwrite (Octo.exe)',
  },
  {
    key: 'timeout',
    spellings: ['--timeout'],
    type: 'string',
    commands: PUSH,
    group: 'push',
    value: '<seconds|hh:mm:ss>',
    help: 'inactivity and answer timeout',
    default: '600',
  },
  {
    key: 'retries',
    spellings: ['--retries'],
    type: 'string',
    commands: PUSH,
    group: 'push',
    value: '<n>',
    help: 'retries on network errors, 408, 429, 5xx',
    default: '3',
  },
  {
    key: 'concurrency',
    spellings: ['--concurrency'],
    type: 'string',
    commands: PUSH,
    group: 'push',
    value: '<n>',
    help: 'packages uploaded at once',
    default: '2',
  },
  {
    key: 'continueOnError',
    spellings: ['--continue-on-error'],
    type: 'boolean',
    commands: PUSH,
    group: 'push',
    help: 'push the rest after a failure (default: stop new uploads at the first)',
  },
  {
    key: 'useDeltaCompression',
    spellings: ['--use-delta-compression', '--delta', '-d'],
    type: 'boolean',
    optionalValue: true,
    commands: PUSH,
    group: 'push',
    help: 'delta upload: not supported yet (an error); `false` is accepted',
  },
  {
    key: 'proxy',
    spellings: ['--proxy'],
    type: 'string',
    commands: PUSH,
    group: 'push',
    value: '<url>',
    help: 'proxy',
    default: 'HTTPS_PROXY / HTTP_PROXY, NO_PROXY honoured',
  },
  {
    key: 'proxyUser',
    spellings: ['--proxy-user', '--proxyUser'],
    type: 'string',
    commands: PUSH,
    group: 'push',
    value: '<user>',
    help: "the proxy's user name",
  },
  {
    key: 'proxyPass',
    spellings: ['--proxy-pass', '--proxyPass'],
    type: 'string',
    commands: PUSH,
    group: 'push',
    value: '<password>',
    help: "the proxy's password (prefer the proxy URL in HTTPS_PROXY)",
  },
  {
    key: 'caFile',
    spellings: ['--ca-file'],
    type: 'string',
    commands: PUSH,
    group: 'push',
    value: '<file>',
    help: 'PEM CA certificates to trust',
  },
  {
    key: 'insecure',
    spellings: ['--insecure', '--ignore-ssl-errors', '--ignoreSslErrors'],
    type: 'boolean',
    commands: PUSH,
    group: 'push',
    help: 'do not verify TLS certificates (warns)',
  },

  // How it reports
  {
    key: 'dryRun',
    spellings: ['--dry-run'],
    type: 'boolean',
    commands: ALL,
    group: 'output',
    help: 'say what would be packed and pushed where; write and send nothing',
    config: false,
  },
  { key: 'json', spellings: ['--json'], type: 'boolean', commands: ALL, group: 'output', help: 'one JSON document on stdout' },
  {
    key: 'outputFormat',
    spellings: ['--output-format', '-f', '--outputFormat'],
    type: 'string',
    commands: ALL,
    group: 'output',
    value: 'table|json|basic',
    help: 'json is --json; basic prints only the package paths',
    default: 'table',
  },
  { key: 'quiet', spellings: ['--quiet', '-q'], type: 'boolean', commands: ALL, group: 'output', help: 'errors only' },
  {
    key: 'verbose',
    spellings: ['--verbose'],
    type: 'boolean',
    commands: ALL,
    group: 'output',
    help: 'server, space, requests, SHA-1s, reasons, stack traces',
  },
  {
    key: 'logLevel',
    spellings: ['--log-level', '--logLevel'],
    type: 'string',
    commands: ALL,
    group: 'output',
    value: '<level>',
    help: 'Octo.exe levels: verbose|debug = --verbose; information = normal; warning = warnings and errors; error|fatal = --quiet',
  },
  {
    key: 'noPrompt',
    spellings: ['--no-prompt'],
    type: 'boolean',
    commands: ALL,
    group: 'output',
    help: 'accepted for the Octopus CLI; octojs never prompts',
    config: false,
  },
  { key: 'help', spellings: ['--help', '-h'], type: 'boolean', commands: ALL, group: 'output', help: 'this help', config: false },
];

/** `--apiKey`, `--api-key` and `--APIKEY` are one flag; short flags are exact. */
export function spellingKey(spelling: string): string {
  return spelling.startsWith('--') ? `--${spelling.slice(2).toLowerCase().replace(/-/g, '')}` : spelling;
}

/** The flags one command takes, by spelling key. */
export function flagsOf(command: Command): Map<string, Flag> {
  const map = new Map<string, Flag>();
  for (const flag of FLAGS) {
    if (!flag.commands.includes(command)) continue;
    for (const spelling of flag.spellings) map.set(spellingKey(spelling), flag);
  }
  return map;
}

/** The keys a config file may hold: every option a flag sets, each once. */
export function configKeys(): Map<string, Flag> {
  const map = new Map<string, Flag>();
  for (const flag of FLAGS) if (flag.config !== false && !map.has(flag.key)) map.set(flag.key, flag);
  return map;
}

/** Our own flag for a core option or config key (`outFolder` -> `--out-folder`), if there is one. */
export function flagFor(key: string): string | undefined {
  return FLAGS.find((flag) => flag.key === key)?.spellings[0];
}
