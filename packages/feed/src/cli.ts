import { parseArgs } from 'node:util';
import { defaultDataDir, isInside } from './data-dir.js';
import { startFeed } from './feed.js';
import { DEFAULT_TIMEOUTS } from './limits.js';
import { ALL_PERMISSIONS } from './permissions.js';

const HELP = `octojs-feed: a local Octopus-compatible built-in package feed.

Usage: octojs-feed [--port 8065] [--host 127.0.0.1] [--data <folder>] --api-key API-XXXX [--api-key ...]
       [--path-prefix /octopus] [--legacy] [--debug] [--verbose]
       [--header-timeout ${DEFAULT_TIMEOUTS.headers}] [--idle-timeout ${DEFAULT_TIMEOUTS.idleBody}] [--request-timeout ${DEFAULT_TIMEOUTS.request}]

Each --api-key gets every permission (push, overwrite, view). Packages are kept in --data across restarts;
the default is a per-user folder (${defaultDataDir()}, or $OCTOJS_FEED_DATA), outside any project, so that
no later pack or publish of a project picks the stored packages up. Timeouts are in milliseconds.
--debug puts stack traces in 500 answers; --verbose prints one line per request (keys and tokens redacted).
`;

function milliseconds(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) <= 0) throw new Error(`--${flag} takes a positive number of milliseconds, got '${text}'.`);
  return Number(text);
}

/** Starts the feed from the command line and keeps it running until SIGINT or SIGTERM. */
export async function runFeedCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8065' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      'path-prefix': { type: 'string' },
      legacy: { type: 'boolean' },
      debug: { type: 'boolean' },
      verbose: { type: 'boolean' },
      'header-timeout': { type: 'string' },
      'idle-timeout': { type: 'string' },
      'request-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const keys = values['api-key'] ?? [];
  if (keys.length === 0) throw new Error('Give at least one --api-key API-... (clients must authenticate, as with Octopus).');
  const dataDir = values.data ?? defaultDataDir();
  if (isInside(dataDir, process.cwd())) {
    process.stderr.write(
      `octojs-feed: note: ${dataDir} is inside the current folder; a later pack or publish of it may include the stored packages.\n`,
    );
  }
  const timeouts = Object.fromEntries(
    (
      [
        ['headers', milliseconds('header-timeout', values['header-timeout'])],
        ['idleBody', milliseconds('idle-timeout', values['idle-timeout'])],
        ['request', milliseconds('request-timeout', values['request-timeout'])],
      ] as const
    ).filter(([, value]) => value !== undefined),
  );
  const feed = await startFeed({
    port: Number(values.port),
    host: values.host!,
    dataDir,
    apiKeys: Object.fromEntries(keys.map((key) => [key, ALL_PERMISSIONS])),
    timeouts,
    ...(values['path-prefix'] && { pathPrefix: values['path-prefix'] }),
    ...(values.legacy && { legacy: true }),
    ...(values.debug && { debug: true }),
    ...(values.verbose && { log: (line: string) => process.stderr.write(`${line}\n`) }),
  });
  process.stdout.write(`octojs-feed listening on ${feed.url} (data in ${dataDir})\n`);
  const stop = (): void => {
    void feed.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
