export const HELP = `octojs: pack builds into Octopus Deploy packages and push them to Octopus.

Usage
  octojs pack [basePath] [options]      write <out-folder>/<id>.<version>.<ext>
  octojs push <package...> [options]    push packages (paths or globs, ** allowed)
  octojs publish [basePath] [options]   pack, then push what was packed
  octojs <command> --help               the options of one command
  octojs --version                      this tool's version

Keep secrets out of the command line: set OCTOPUS_URL, OCTOPUS_API_KEY (or OCTOPUS_ACCESS_TOKEN)
and OCTOPUS_SPACE in the environment. Defaults may also come from an "octojs" section in
package.json or from .octojsrc.json.

Exit codes: 0 success, 1 an operation failed, 2 a usage error (nothing was done).
`;

const PACK = `Pack options
  --id <id>                     package id (default: package.json name, @scope/name -> scope.name)
  --version <version>           package version (default: package.json version)
  --format zip|tar.gz|tgz|tar   archive format (default: zip)
  -O, --out-folder <dir>        where to write (default: ./bin, created)
  --include <glob>              what goes in, repeatable (default: everything)
  --exclude <glob>              what stays out, repeatable (.git always stays out)
  --dependencies all|prod|none  which node_modules to pack (default: all)
  --compression-level <0-9>     0 stores, 9 is smallest (default: 6)
  --mtime <date|seconds>        one time for every entry (default: SOURCE_DATE_EPOCH, else the files')
  --overwrite                   replace an existing package file
  --dry-run                     list what would go in; write nothing
  --package-json <file>         where to read id and version from
  --follow-external-symlinks    pack what links outside basePath point to
`;

const PUSH = `Push options
  --server <url>                Octopus URL (env OCTOPUS_URL)
  --api-key <key>               API key (env OCTOPUS_API_KEY; prefer the environment)
  --access-token <token>        bearer token (env OCTOPUS_ACCESS_TOKEN)
  --space <name|id>             space (env OCTOPUS_SPACE; default: the server's default)
  --overwrite-mode fail|overwrite|ignore   or FailIfExists|OverwriteExisting|IgnoreIfExists (default: fail)
  --replace                     legacy: same as --overwrite-mode overwrite
  --timeout <seconds>           inactivity and answer timeout (default: 600)
  --retries <n>                 retries on network errors, 408, 429, 5xx (default: 3)
  --concurrency <n>             packages uploaded at once (default: 2)
  --continue-on-error           push the rest after a failure; exit 1 if any failed
  --proxy <url>                 proxy (default: HTTPS_PROXY / HTTP_PROXY, NO_PROXY honoured)
  --ca-file <file>              PEM CA certificates to trust
  --insecure                    do not verify TLS certificates (warns)
  -d, --delta, --use-delta-compression
                                send only what changed since a version the server has (zip, tar;
                                falls back to the whole package; default: off)
`;

const OUTPUT = `Output options
  --json                        one JSON result document on stdout
  -q, --quiet                   errors only
  --verbose                     more detail, and stack traces on errors
`;

export function commandHelp(command: 'pack' | 'push' | 'publish'): string {
  if (command === 'pack') return `Usage: octojs pack [basePath] [options]\n\n${PACK}\n${OUTPUT}`;
  if (command === 'push') return `Usage: octojs push <package...> [options]\n\n${PUSH}\n${OUTPUT}`;
  return `Usage: octojs publish [basePath] [options]\n\n${PACK}\n${PUSH}\n${OUTPUT}`;
}
