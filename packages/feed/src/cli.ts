import { parseArgs } from 'node:util';
import { ALL_PERMISSIONS } from './permissions.js';
import { startFeed } from './feed.js';

const HELP = `octojs-feed: a local Octopus-compatible built-in package feed.

Usage: octojs-feed [--port 8065] [--host 127.0.0.1] [--data ./feed-data] --api-key API-XXXX [--api-key ...]
       [--path-prefix /octopus] [--legacy]

Each --api-key gets every permission (push, overwrite, view). Packages are kept in --data across restarts.
`;

/** Starts the feed from the command line and keeps it running until SIGINT or SIGTERM. */
export async function runFeedCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8065' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string', default: './feed-data' },
      'api-key': { type: 'string', multiple: true },
      'path-prefix': { type: 'string' },
      legacy: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const keys = values['api-key'] ?? [];
  if (keys.length === 0) throw new Error('Give at least one --api-key API-... (clients must authenticate, as with Octopus).');
  const feed = await startFeed({
    port: Number(values.port),
    host: values.host!,
    dataDir: values.data!,
    apiKeys: Object.fromEntries(keys.map((key) => [key, ALL_PERMISSIONS])),
    ...(values['path-prefix'] && { pathPrefix: values['path-prefix'] }),
    ...(values.legacy && { legacy: true }),
  });
  process.stdout.write(`octojs-feed listening on ${feed.url} (data in ${values.data})\n`);
  const stop = (): void => {
    void feed.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
