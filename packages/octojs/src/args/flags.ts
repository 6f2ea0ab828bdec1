/**
 * Every flag of the CLI in one table: its spellings (ours first, then those users bring from Octo.exe and
 * the Octopus CLI), the commands that take it, its key (the name core and the config files use) and its
 * help line. The parser, the config checker, `--help` and the hint rewriting all read this table, so
 * they cannot disagree.
 */
export type Command = 'pack' | 'push' | 'publish' | 'build-information';

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
  /** False for flags a config file may not hold (they only make sense on a command line). */
  config?: boolean;
  /** A boolean that also takes `true` / `false` as its next argument (Octopus CLI style). */
  optionalValue?: boolean;
  /** The section of --help it is listed in. */
  group: 'pack' | 'push' | 'build-information' | 'output';
}

const ALL: readonly Command[] = ['pack', 'push', 'publish', 'build-information'];
const PACK: readonly Command[] = ['pack', 'publish'];
const PUSH: readonly Command[] = ['push', 'publish'];
/** The connection flags: every command that talks to the server. */
const SERVER: readonly Command[] = ['push', 'publish', 'build-information'];

type Extra = Partial<Pick<Flag, 'value' | 'default' | 'config' | 'optionalValue' | 'commands'>>;

function define(group: Flag['group'], commands: readonly Command[]) {
  return (key: string, spellings: readonly string[], type: FlagType, help: string, extra: Extra = {}): Flag => ({
    key,
    spellings,
    type,
    commands,
    group,
    help,
    ...extra,
  });
}

const pack = define('pack', PACK);
const push = define('push', PUSH);
const output = define('output', ALL);
const info = define('build-information', ['build-information']);

export const FLAGS: readonly Flag[] = [
  // What goes in the package
  pack('id', ['--id'], 'string', 'package id', { value: '<id>', default: 'package.json name, @scope/name -> scope.name' }),
  pack('version', ['--version', '-v'], 'string', 'package version (SemVer)', { value: '<version>', default: 'package.json version' }),
  pack('basePath', ['--base-path', '--basePath'], 'string', 'the folder to pack (or give it as the argument)', {
    value: '<dir>',
    default: '.',
  }),
  pack('format', ['--format'], 'string', 'archive format, any case (NuPkg: not supported yet)', {
    value: 'zip|tar.gz|tgz|tar',
    default: 'zip',
  }),
  pack('outFolder', ['--out-folder', '-O', '--outFolder'], 'string', 'where to write the package (created)', {
    value: '<dir>',
    default: './bin',
  }),
  pack('include', ['--include'], 'strings', 'what goes in, repeatable', { value: '<glob>', default: 'everything' }),
  pack('exclude', ['--exclude'], 'strings', 'what stays out, repeatable (.git always stays out)', { value: '<glob>' }),
  pack(
    'ignoreFiles',
    ['--ignore-file'],
    'strings',
    'also honour this ignore file (e.g. .gitignore), repeatable; .octopusignore is always read',
    {
      value: '<file>',
    },
  ),
  pack('useNpmFiles', ['--npm-files'], 'boolean', 'pack what package.json "files" lists (as npm publish would)'),
  pack('dependencies', ['--dependencies'], 'string', 'which node_modules to pack', { value: 'all|prod|none', default: 'all' }),
  pack('compressionLevel', ['--compression-level', '--compressionLevel'], 'string', '0 stores, 9 is smallest; None=0, Fast=1, Optimal=6', {
    value: '<0-9>|None|Fast|Optimal',
    default: '6',
  }),
  pack('mtime', ['--mtime'], 'string', 'one time for every entry', {
    value: '<date|seconds>',
    default: "SOURCE_DATE_EPOCH, else the files'",
  }),
  pack('overwrite', ['--overwrite'], 'boolean', 'replace an existing package file'),
  pack('packageJson', ['--package-json'], 'string', 'where to read id and version from', {
    value: '<file>',
    default: '<basePath>/package.json',
  }),
  pack('followExternalSymlinks', ['--follow-external-symlinks'], 'boolean', 'pack what links outside basePath point to'),

  // Where it goes
  push('packages', ['--package', '-p'], 'strings', 'a package to push, repeatable (or give them as arguments)', {
    value: '<file|glob>',
    commands: ['push'],
    config: false,
  }),
  push('server', ['--server'], 'string', 'Octopus URL', {
    value: '<url>',
    default: 'OCTOPUS_URL, then OCTOPUS_CLI_SERVER',
    commands: SERVER,
  }),
  push('apiKey', ['--api-key', '--apiKey'], 'string', 'API key (prefer the environment)', {
    value: '<key>',
    default: 'OCTOPUS_API_KEY, then OCTOPUS_CLI_API_KEY',
    commands: SERVER,
  }),
  push('accessToken', ['--access-token'], 'string', 'bearer access token', {
    value: '<token>',
    default: 'OCTOPUS_ACCESS_TOKEN',
    commands: SERVER,
  }),
  push('serviceAccountId', ['--service-account-id'], 'string', "sign in with the CI's OIDC ID token as this service account", {
    value: '<id>',
    default: 'OCTOPUS_SERVICE_ACCOUNT_ID',
    commands: SERVER,
  }),
  push('space', ['--space', '-s'], 'string', 'space', {
    value: '<name|id>',
    default: "OCTOPUS_SPACE, else the server's default",
    commands: SERVER,
  }),
  push(
    'overwriteMode',
    ['--overwrite-mode', '--overwritemode'],
    'string',
    'when the version exists; also FailIfExists|OverwriteExisting|IgnoreIfExists|replace, any case',
    {
      value: 'fail|overwrite|ignore',
      default: 'fail',
      commands: SERVER,
    },
  ),
  // The Octopus CLI's `--overwrite <mode>`; under pack and publish, --overwrite is Octo.exe's "replace the package file".
  push('overwriteMode', ['--overwrite'], 'string', 'same as --overwrite-mode (Octopus CLI)', { value: '<mode>', commands: ['push'] }),
  push('replace', ['--replace-existing', '--replace'], 'boolean', 'same as --overwrite-mode overwrite (Octo.exe)'),
  push('timeout', ['--timeout'], 'string', 'inactivity and answer timeout', {
    value: '<seconds|hh:mm:ss>',
    default: '120',
    commands: SERVER,
  }),
  push('retries', ['--retries'], 'string', 'retries on network errors, 408, 429, 5xx', { value: '<n>', default: '3', commands: SERVER }),
  push('concurrency', ['--concurrency'], 'string', 'packages uploaded at once', { value: '<n>', default: '2' }),
  push('continueOnError', ['--continue-on-error'], 'boolean', 'push the rest after a failure (default: stop new uploads at the first)'),
  push(
    'useDeltaCompression',
    ['--use-delta-compression', '--delta', '-d'],
    'boolean',
    'send only what changed since a version the server has (zip, tar; falls back to the whole package)',
    {
      optionalValue: true,
    },
  ),
  push('proxy', ['--proxy'], 'string', 'proxy', {
    value: '<url>',
    default: 'HTTPS_PROXY / HTTP_PROXY, NO_PROXY honoured',
    commands: SERVER,
  }),
  push('proxyUser', ['--proxy-user', '--proxyUser'], 'string', "the proxy's user name", { value: '<user>', commands: SERVER }),
  push('proxyPass', ['--proxy-pass', '--proxyPass'], 'string', "the proxy's password (prefer the proxy URL in HTTPS_PROXY)", {
    value: '<password>',
    commands: SERVER,
  }),
  push('caFile', ['--ca-file'], 'string', 'PEM CA certificates to trust', { value: '<file>', commands: SERVER }),
  push('insecure', ['--insecure', '--ignore-ssl-errors', '--ignoreSslErrors'], 'boolean', 'do not verify TLS certificates (warns)', {
    commands: SERVER,
  }),
  push('buildInformation', ['--build-information'], 'boolean', "then push the packages' build information (detected from the CI and git)"),
  push('noCiSummary', ['--no-ci-summary'], 'boolean', 'no GitHub Actions job summary or ::error:: annotations', { commands: SERVER }),

  // Build information (octojs build-information)
  info('packageIds', ['--package-id', '-p'], 'strings', 'package id, repeatable (required)', { value: '<id>', config: false }),
  info('version', ['--version'], 'string', 'package version (required)', { value: '<version>', config: false }),
  info('file', ['--file'], 'string', "a JSON file in Octo.exe's format (OctopusBuildInformation) instead of detecting", {
    value: '<file>',
    config: false,
  }),
  info('since', ['--since'], 'string', 'list the commits after this commit, tag or ref', {
    value: '<commit>',
    default: 'the previous tag',
    config: false,
  }),
  info('maxCommits', ['--max-commits'], 'string', 'at most this many commits, newest first (warns past it)', {
    value: '<n>',
    default: '100',
  }),

  // How it reports
  output('dryRun', ['--dry-run'], 'boolean', 'say what would be packed and pushed where; write and send nothing', { config: false }),
  output('json', ['--json'], 'boolean', 'one JSON document on stdout'),
  output('outputFormat', ['--output-format', '-f', '--outputFormat'], 'string', 'json is --json; basic prints only the package paths', {
    value: 'table|json|basic',
    default: 'table',
  }),
  output('quiet', ['--quiet', '-q'], 'boolean', 'errors only'),
  output('verbose', ['--verbose'], 'boolean', 'server, space, requests, SHA-1s, reasons, stack traces'),
  output(
    'logLevel',
    ['--log-level', '--logLevel'],
    'string',
    'Octo.exe levels: verbose|debug = --verbose; information = normal; warning = warnings and errors; error|fatal = --quiet',
    { value: '<level>' },
  ),
  output('noPrompt', ['--no-prompt'], 'boolean', 'accepted for the Octopus CLI; octojs never prompts', { config: false }),
  output('help', ['--help', '-h'], 'boolean', 'this help', { config: false }),
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
