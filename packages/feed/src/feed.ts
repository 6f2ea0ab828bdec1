import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { MAX_CHUNK_SIZE, MIN_CHUNK_SIZE } from '@octojs/octodiff';
import type { FeedContext } from './context.js';
import { BuildInformationFeature } from './build-information.js';
import { DEFAULT_DELTA, type DeltaSettings } from './delta-routes.js';
import { FaultInjector } from './faults.js';
import { type FeedTimeouts, resolveTimeouts } from './limits.js';
import { PackageStore, type StoredPackage } from './package-store.js';
import { type Credentials, CredentialTable } from './permissions.js';
import { Redactor } from './redaction.js';
import { type FeedRequest, requestHandler } from './request-handler.js';
import type { Space } from './resources.js';
import { TokenExchange, type TokenExchangeOptions } from './token-exchange.js';

export type { FeedRequest } from './request-handler.js';

export interface FeedOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Address to listen on. Default: 127.0.0.1. */
  host?: string;
  /** Folder where packages are stored; kept across restarts. Keep it outside any project folder that gets packed. */
  dataDir: string;
  /** API keys and their permissions, e.g. `{ 'API-PUSH': ['BuiltInFeedPush'] }`. */
  apiKeys?: Credentials;
  /** Bearer access tokens and their permissions. */
  accessTokens?: Credentials;
  /** The spaces. Default: `[{ id: 'Spaces-1', name: 'Default', isDefault: true }]`. */
  spaces?: Space[];
  /** Act as a pre-2019.7.9 server: the upload link has no `overwriteMode`, and only `replace` is honoured. */
  legacy?: boolean;
  /** Answer an ignored upload (200) with an empty body, as some servers have been seen to. */
  emptyBodyOnIgnore?: boolean;
  /**
   * Delta uploads (octopus-api.md §3): served by default, with Adler32 signatures of 2048-byte chunks. `false`
   * acts as a server without them (no links, 404); an object picks how signatures are written (for tests of clients).
   */
  delta?: boolean | { chunkSize?: number; rollingChecksum?: 'Adler32' | 'Adler32V2' };
  /** A virtual directory the feed answers under, e.g. `/octopus`. */
  pathPrefix?: string;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Bounds on how long the feed waits for a client (see `FeedTimeouts` for the defaults). */
  timeouts?: FeedTimeouts;
  /** Put stack traces in 500 answers (`FullException`) and in the log. Default: false. */
  debug?: boolean;
  /** Called with one line per answered request (API keys in the query redacted) and per unexpected error. */
  log?: (line: string) => void;
  /** OIDC sign-in: service accounts trusting an issuer whose key the test holds (`/token/v1`). */
  oidc?: TokenExchangeOptions;
}

export interface Feed {
  /** The server URL to give a client, with the path prefix. */
  readonly url: string;
  readonly port: number;
  /** Misbehaviour for tests. */
  readonly faults: FaultInjector;
  /** Every request answered so far, oldest first. */
  readonly requests: FeedRequest[];
  /** The packages stored in a space (default: the default space). */
  packages(spaceId?: string): StoredPackage[];
  /** Where a stored package's file is on disk, to compare it byte for byte. */
  packagePath(record: StoredPackage): string;
  close(): Promise<void>;
}

const DEFAULT_SPACES: Space[] = [{ id: 'Spaces-1', name: 'Default', isDefault: true }];
const KNOWN_OPTIONS = new Set([
  'port',
  'host',
  'dataDir',
  'apiKeys',
  'accessTokens',
  'spaces',
  'legacy',
  'emptyBodyOnIgnore',
  'delta',
  'pathPrefix',
  'tls',
  'timeouts',
  'debug',
  'log',
  'oidc',
]);

function checkOptions(options: FeedOptions): void {
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) throw new TypeError(`Unknown feed option '${name}'; known: ${[...KNOWN_OPTIONS].join(', ')}.`);
  }
  if (typeof options.dataDir !== 'string' || options.dataDir === '') throw new TypeError('dataDir must be a folder path.');
}

function deltaSettings(option: FeedOptions['delta']): DeltaSettings {
  const given = typeof option === 'object' && option !== null ? option : {};
  for (const name of Object.keys(given)) {
    if (name !== 'chunkSize' && name !== 'rollingChecksum')
      throw new TypeError(`Unknown delta option '${name}'; known: chunkSize, rollingChecksum.`);
  }
  const settings = { ...DEFAULT_DELTA, ...given };
  if (!Number.isInteger(settings.chunkSize) || settings.chunkSize < MIN_CHUNK_SIZE || settings.chunkSize > MAX_CHUNK_SIZE) {
    throw new TypeError(
      `delta.chunkSize must be a whole number from ${MIN_CHUNK_SIZE} to ${MAX_CHUNK_SIZE}, got ${String(settings.chunkSize)}.`,
    );
  }
  if (settings.rollingChecksum !== 'Adler32' && settings.rollingChecksum !== 'Adler32V2') {
    throw new TypeError(`delta.rollingChecksum must be Adler32 or Adler32V2, got ${String(settings.rollingChecksum)}.`);
  }
  return settings;
}

/** Starts a local Octopus-compatible built-in feed. */
export async function startFeed(options: FeedOptions): Promise<Feed> {
  checkOptions(options);
  const timeouts = resolveTimeouts(options.timeouts);
  const faults = new FaultInjector();
  const store = await PackageStore.open(options.dataDir, faults);
  const requests: FeedRequest[] = [];
  const spaces = options.spaces && options.spaces.length > 0 ? options.spaces : DEFAULT_SPACES;
  const debug = options.debug ?? false;
  const log = options.log;
  const prefix = (options.pathPrefix ?? '').replace(/\/+$/, '');
  const context: FeedContext = {
    prefix,
    spaces,
    defaultSpace: spaces.find((space) => space.isDefault) ?? spaces[0]!,
    store,
    faults,
    apiKeys: new CredentialTable(options.apiKeys ?? {}),
    accessTokens: new CredentialTable(options.accessTokens ?? {}),
    timeouts,
    legacy: options.legacy ?? false,
    emptyBodyOnIgnore: options.emptyBodyOnIgnore ?? false,
    buildInformation: await BuildInformationFeature.open(options.dataDir, prefix, store),
    tokenExchange: new TokenExchange(options.oidc, prefix),
    secure: options.tls !== undefined,
    deltaEnabled: options.delta !== false,
    delta: deltaSettings(options.delta),
  };

  const redactor = new Redactor([...Object.keys(options.apiKeys ?? {}), ...Object.keys(options.accessTokens ?? {})]);
  const handler = requestHandler(context, { requests, debug, redactor, ...(log && { log }) });

  const serverOptions: http.ServerOptions = {
    headersTimeout: timeouts.headers,
    // Node's own whole-request bound is off: the upload receiver bounds the body (idle and whole) itself and
    // answers in Octopus's shape. Node checks the header bound this often.
    requestTimeout: 0,
    connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(timeouts.headers / 4))),
  };
  const server = options.tls
    ? https.createServer({ ...serverOptions, key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(serverOptions, handler);
  // A client may half-close its side once the request is sent (HTTP/1.1 allows it: `nc -N`, some proxies).
  // Node's default takes that FIN as an abort and ends the connection unanswered; this way the answer still goes
  // out, then the connection closes. (No constructor option sets it; the property is Node's own switch for it.)
  (server as http.Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${options.tls ? 'https' : 'http'}://${host}:${address.port}${context.prefix}`;
  return {
    url,
    port: address.port,
    faults,
    requests,
    packages: (spaceId = context.defaultSpace.id) => store.list(spaceId),
    packagePath: (record) => store.filePath(record),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
