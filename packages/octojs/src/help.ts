import { type Command, FLAGS, type Flag } from './args/flags.js';

export const HELP = `octojs: pack builds into Octopus Deploy packages and push them to Octopus.

Usage
  octojs pack [basePath] [options]      write <out-folder>/<id>.<version>.<ext>
  octojs push <package...> [options]    push packages (paths or quoted globs, ** allowed)
  octojs publish [basePath] [options]   check everything, pack, then push what was packed
  octojs build-information --package-id <id> --version <v>   push build information (CI + git)
  octojs <command> --help               the options of one command
  octojs --version                      this tool's version

  Also, as in the Octopus CLI: octojs package upload (= push), octojs package zip create (= pack).
  Octo.exe's and the Octopus CLI's flags work too (--package, --apiKey, --replace-existing, -s, -f json...).

Keep secrets out of the command line: set OCTOPUS_URL, OCTOPUS_API_KEY (or OCTOPUS_ACCESS_TOKEN)
and OCTOPUS_SPACE in the environment (Octo.exe's OCTOPUS_CLI_SERVER and OCTOPUS_CLI_API_KEY are read
after them). Defaults may also come from .octojsrc.json or an "octojs" section in package.json, with
the flags' names in camelCase (outFolder, overwriteMode, ...). From CI, sign in without any key:
set OCTOPUS_SERVICE_ACCOUNT_ID (or --service-account-id) and the CI's OIDC ID token is exchanged.

Exit codes: 0 success; 1 an operation failed; 2 a usage or settings error found before any work
(nothing was written, nothing was sent).
`;

const TITLES = {
  pack: 'Pack options',
  push: 'Push options',
  'build-information': 'Build information options',
  output: 'Output options',
} as const;

const ABOUT: Partial<Record<Command, string>> = {
  'build-information': `Pushes build information (branch, commits, build URL, VCS root) for a package version, one request
per package id. Without --file it is detected: the CI's own variables (GitHub Actions, GitLab CI,
Azure DevOps, TeamCity, Jenkins, Bitbucket Pipelines, CircleCI) and git (the commits since the
previous tag, or since --since, first line of each message). Aliases: build-information upload, push.
`,
};

function flagLine(flag: Flag): string {
  const [main, ...aliases] = flag.spellings;
  const short = aliases.filter((spelling) => !spelling.startsWith('--'));
  const long = aliases.filter((spelling) => spelling.startsWith('--'));
  const name = `${[...short, main].join(', ')}${flag.value ? ` ${flag.value}` : ''}`;
  const tail = [flag.default && `default: ${flag.default}`, long.length > 0 && `also ${long.join(', ')}`].filter(Boolean).join('; ');
  const text = `${flag.help}${tail ? ` (${tail})` : ''}`;
  return name.length < 32 ? `  ${name.padEnd(32)}${text}` : `  ${name}\n  ${''.padEnd(32)}${text}`;
}

/** The flags of one command, from the one flag table the parser reads. */
export function commandHelp(command: Command): string {
  const usage = {
    pack: 'octojs pack [basePath] [options]   (also: octojs package zip create)',
    push: 'octojs push <package...> [options]   (also: octojs package upload)',
    publish: 'octojs publish [basePath] [options]',
    'build-information': 'octojs build-information [upload] --package-id <id> --version <version> [options]',
  }[command];
  const sections = (['build-information', 'pack', 'push', 'output'] as const)
    .map((group) => {
      const flags = FLAGS.filter((flag) => flag.group === group && flag.commands.includes(command));
      return flags.length === 0 ? '' : `${TITLES[group]}\n${flags.map(flagLine).join('\n')}\n`;
    })
    .filter(Boolean);
  const about = ABOUT[command];
  return `Usage: ${usage}\n\n${about ? `${about}\n` : ''}${sections.join('\n')}`;
}
