import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import busboy from 'busboy';
import { FaultInjector } from './faults.js';
import { type PackageName, compareVersions, isSupportedExtension, parsePackageFileName } from './package-name.js';
import { PackageStore, type StoredPackage } from './package-store.js';
import { type Credentials, type Grant, type Permission, authenticate } from './permissions.js';
import { BuildInformationFeature } from './build-information.js';
import { type TokenExchangeOptions, TokenExchange } from './token-exchange.js';
import { type Space, collection, packageResource, rootDocument, spaceResource, spaceRootDocument } from './resources.js';

const RECEIVE_BUFFER = 4 * 1024 * 1024;

export interface FeedOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Address to listen on. Default: 127.0.0.1. */
  host?: string;
  /** Folder where packages are stored; kept across restarts. */
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
  /** A virtual directory the feed answers under, e.g. `/octopus`. */
  pathPrefix?: string;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** OIDC sign-in: service accounts trusting an issuer whose key the test holds (`/token/v1`). */
  oidc?: TokenExchangeOptions;
}

export interface FeedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
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

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly errorMessage: string,
    readonly errors: string[] = [],
    readonly helpText?: string,
  ) {
    super(errorMessage);
  }
}

/** Starts a local Octopus-compatible built-in feed. */
export async function startFeed(options: FeedOptions): Promise<Feed> {
  const store = await PackageStore.open(options.dataDir);
  const faults = new FaultInjector();
  const requests: FeedRequest[] = [];
  const spaces = options.spaces && options.spaces.length > 0 ? options.spaces : DEFAULT_SPACES;
  const defaultSpace = spaces.find((space) => space.isDefault) ?? spaces[0]!;
  const prefix = (options.pathPrefix ?? '').replace(/\/+$/, '');
  const apiKeys = options.apiKeys ?? {};
  const accessTokens = options.accessTokens ?? {};
  const buildInformation = await BuildInformationFeature.open(options.dataDir, prefix);
  const tokenExchange = new TokenExchange(options.oidc, prefix);

  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://feed.invalid');
    const method = (request.method ?? 'GET').toUpperCase();
    response.on('close', () => requests.push({ method, path: url.pathname, query: url.search, status: response.statusCode }));
    handle(request, response, url, method).catch((error: unknown) => {
      if (error instanceof HttpProblem) {
        sendError(response, error);
      } else if (!response.headersSent) {
        sendJson(response, 500, {
          ErrorMessage: 'An unexpected error occurred in the feed.',
          Errors: [],
          FullException: String((error as Error)?.stack ?? error),
        });
      } else {
        response.destroy();
      }
    });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse, url: URL, method: string): Promise<void> => {
    const delay = faults.takeDelay(method, url.pathname);
    if (delay) await sleep(delay.ms);
    const failure = faults.takeStatus(method, url.pathname);
    if (failure) {
      request.resume();
      response.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
      response.end(failure.body ?? JSON.stringify({ ErrorMessage: `Injected failure (${failure.status}).`, Errors: [] }));
      return;
    }
    const exchanged = await tokenExchange.handle(method, url, request, `${options.tls ? 'https' : 'http'}://${request.headers.host}`);
    if (exchanged) return sendJson(response, exchanged.status, exchanged.body);
    if (!url.pathname.startsWith(`${prefix}/api`)) {
      request.resume();
      throw new HttpProblem(404, 'The resource you requested was not found.');
    }
    const route = url.pathname.slice(prefix.length).replace(/\/+$/, '');
    const segments = route.split('/').slice(2).map(decodeURIComponent); // after "/api"
    if (method === 'GET' && segments.length === 0) {
      return sendJson(response, 200, rootDocument(prefix, defaultSpace.id, !options.legacy));
    }
    const grant = authenticate(request, url, apiKeys, accessTokens) ?? tokenExchange.grantFor(request);
    if (!grant) {
      request.resume();
      throw new HttpProblem(401, 'You must be logged in to perform this action. Please provide a valid API key or log in again.');
    }
    const visible = spaces.filter((space) => grant.spaces === undefined || grant.spaces.includes(space.id));
    if (method === 'GET' && segments[0] === 'spaces') {
      if (segments[1] === 'all')
        return sendJson(
          response,
          200,
          visible.map((space) => spaceResource(prefix, space)),
        );
      if (segments.length === 1)
        return sendJson(
          response,
          200,
          collection(
            'Space',
            visible.map((space) => spaceResource(prefix, space)),
            `${prefix}/api/spaces`,
          ),
        );
      const space = visible.find((candidate) => candidate.id.toLowerCase() === segments[1]!.toLowerCase());
      if (!space) throw new HttpProblem(404, `The resource '${segments[1]}' was not found.`);
      return sendJson(response, 200, spaceResource(prefix, space));
    }
    // Space-scoped routes: /api/{spaceId}/..., or unscoped /api/packages/... for the default space.
    let space: Space | undefined = defaultSpace;
    let rest = segments;
    if (/^spaces-\d+$/i.test(segments[0] ?? '')) {
      space = visible.find((candidate) => candidate.id.toLowerCase() === segments[0]!.toLowerCase());
      rest = segments.slice(1);
      if (!space) {
        request.resume();
        throw new HttpProblem(404, `The space '${segments[0]}' was not found, or you do not have permission to see it.`);
      }
      if (method === 'GET' && rest.length === 0) return sendJson(response, 200, spaceRootDocument(prefix, space.id, !options.legacy));
    } else if (!visible.includes(defaultSpace)) {
      space = undefined;
    }
    if (!space) {
      request.resume();
      throw new HttpProblem(404, 'The default space was not found, or you do not have permission to see it.');
    }
    const info = await buildInformation.handle(method, rest, url, request, space.id, grant);
    if (info) return sendJson(response, info.status, info.body);
    if (rest[0] === 'packages') {
      if (method === 'POST' && rest[1] === 'raw' && rest.length === 2) return upload(request, response, url, space, grant);
      if (method === 'GET' && rest.length === 1) return listPackages(response, url, space, grant);
      if (method === 'GET' && rest.length === 2) return getPackage(response, space, grant, rest[1]!);
    }
    request.resume();
    throw new HttpProblem(404, 'The resource you requested was not found.');
  };

  const requirePermission = (grant: Grant, permission: Permission, helpText: string): void => {
    if (!grant.permissions.includes(permission)) {
      throw new HttpProblem(
        403,
        `You do not have permission to perform this action. Please contact your Octopus administrator. Missing permission: ${permission}`,
        [],
        helpText,
      );
    }
  };

  const canView = (grant: Grant): boolean => grant.permissions.includes('FeedView') || grant.permissions.includes('BuiltInFeedAdminister');

  const listPackages = (response: ServerResponse, url: URL, space: Space, grant: Grant): void => {
    if (!canView(grant))
      requirePermission(grant, 'FeedView', 'This action requires permission to view the packages in the built-in repository.');
    const idFilter = url.searchParams.get('nuGetPackageId') ?? url.searchParams.get('filter');
    const items = store
      .list(space.id)
      .filter((record) => !idFilter || record.packageId.toLowerCase() === idFilter.toLowerCase())
      .sort((a, b) =>
        a.packageId.toLowerCase() < b.packageId.toLowerCase()
          ? -1
          : a.packageId.toLowerCase() > b.packageId.toLowerCase()
            ? 1
            : -compareVersions(a.version, b.version),
      );
    const skip = Number(url.searchParams.get('skip') ?? 0) || 0;
    const take = Number(url.searchParams.get('take') ?? 30) || 30;
    const page = items.slice(skip, skip + take).map((record) => buildInformation.decorate(space.id, packageResource(prefix, record)));
    sendJson(response, 200, { ...collection('Package', page, `${prefix}/api/${space.id}/packages`), TotalResults: items.length });
  };

  const getPackage = (response: ServerResponse, space: Space, grant: Grant, idAndVersion: string): void => {
    if (!canView(grant))
      requirePermission(grant, 'FeedView', 'This action requires permission to view the packages in the built-in repository.');
    const record = store.findByResourceId(space.id, idAndVersion);
    if (!record) throw new HttpProblem(404, `The resource '${idAndVersion}' was not found.`);
    sendJson(response, 200, buildInformation.decorate(space.id, packageResource(prefix, record)));
  };

  const upload = async (request: IncomingMessage, response: ServerResponse, url: URL, space: Space, grant: Grant): Promise<void> => {
    if (!grant.permissions.includes('BuiltInFeedPush') && !grant.permissions.includes('BuiltInFeedAdminister')) {
      request.resume();
      requirePermission(
        grant,
        'BuiltInFeedPush',
        'This action requires permission to push new packages to the built-in package repository. None of your teams have this permission.',
      );
    }
    const mode = overwriteMode(url, options.legacy ?? false);
    const reset = faults.takeReset('POST', url.pathname);
    const received = await receiveFile(request, reset?.afterBytes);
    try {
      if (!received) throw new HttpProblem(400, 'There was a problem with your request.', ['A package file must be provided']);
      if (received.size === 0)
        throw new HttpProblem(400, 'There was a problem with your request.', [
          'The uploaded package file had length equal to 0. Please upload a non-empty file.',
        ]);
      if (/[\\/]/.test(received.fileName))
        throw new HttpProblem(400, 'There was a problem with your request.', ['[PackageName] contains invalid characters']);
      const name: PackageName | undefined = parsePackageFileName(received.fileName);
      if (!name || !isSupportedExtension(name.extension)) {
        throw new HttpProblem(400, 'There was a problem with your request.', ["The uploaded file isn't in a supported package format."]);
      }
      if (name.packageId.length > 100) throw new HttpProblem(400, 'There was a problem with your request.', ['Package Name is too long.']);
      const existing = store.find(space.id, name.packageId, name.version);
      if (existing) {
        if (mode === 'IgnoreIfExists') {
          if (options.emptyBodyOnIgnore) {
            response.writeHead(200).end();
            return;
          }
          return sendJson(response, 200, packageResource(prefix, existing));
        }
        if (mode === 'FailIfExists') {
          throw new HttpProblem(
            409,
            'A package with the same ID and version already exists. To proceed anyway, specify an overwriteMode of OverwriteExisting or IgnoreIfExists.',
          );
        }
        requirePermission(
          grant,
          'BuiltInFeedAdminister',
          'This action requires permission to replace packages in the built-in package repository. None of your teams have this permission.',
        );
      }
      const record: StoredPackage = {
        spaceId: space.id,
        packageId: existing?.packageId ?? name.packageId,
        version: name.version,
        fileName: received.fileName,
        extension: name.extension,
        size: received.size,
        hash: received.hash,
        published: new Date().toISOString(),
      };
      await store.store(received.path, record);
      const slow = faults.takeSlowAnswer('POST', url.pathname);
      if (slow) await sleep(slow.ms);
      sendJson(response, 201, packageResource(prefix, record));
    } finally {
      await rm(received?.path ?? '', { force: true }).catch(() => {});
    }
  };

  /** Streams the one file part to disk while hashing it; resolves only when all of it arrived. */
  const receiveFile = (
    request: IncomingMessage,
    resetAfter?: number,
  ): Promise<{ fileName: string; path: string; size: number; hash: string } | undefined> =>
    new Promise((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        // Large buffers keep the socket flowing while disk writes are in flight: a receiver that paused at every
        // 16 KiB would set the pace of every upload measured against it.
        parser = busboy({ headers: request.headers, limits: { files: 1 }, highWaterMark: RECEIVE_BUFFER, fileHwm: RECEIVE_BUFFER });
      } catch (error) {
        request.resume();
        reject(
          new HttpProblem(400, 'There was a problem with your request.', [
            `The request is not multipart/form-data: ${(error as Error).message}`,
          ]),
        );
        return;
      }
      let file: Promise<{ fileName: string; path: string; size: number; hash: string }> | undefined;
      parser.on('file', (_field, stream, info) => {
        const target = store.temporaryUploadPath();
        const hash = createHash('sha1');
        let size = 0;
        const counter = new Transform({
          highWaterMark: RECEIVE_BUFFER,
          transform(chunk: Buffer, _encoding, callback) {
            hash.update(chunk);
            size += chunk.byteLength;
            callback(null, chunk);
          },
        });
        file = pipeline(stream, counter, createWriteStream(target, { highWaterMark: RECEIVE_BUFFER })).then(
          () => ({ fileName: info.filename ?? '', path: target, size, hash: hash.digest('hex') }),
          async (error: unknown) => {
            await rm(target, { force: true });
            throw error;
          },
        );
        file.catch(() => {});
      });
      parser.on('error', (error: Error) => {
        reject(new HttpProblem(400, 'There was a problem with your request.', [`The multipart body could not be read: ${error.message}`]));
      });
      parser.on('close', () => {
        if (!file) return resolve(undefined);
        file.then(resolve, reject);
      });
      request.on('aborted', () => reject(new Error('the client went away')));
      request.on('error', reject);
      if (resetAfter !== undefined) {
        let seen = 0;
        request.on('data', (chunk: Buffer) => {
          seen += chunk.byteLength;
          if (seen >= resetAfter) {
            request.unpipe(parser);
            request.socket.destroy();
            reject(new Error('connection reset by fault injection'));
          }
        });
      }
      request.pipe(parser);
    });

  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
  // Large uploads may take long; the client decides when it has waited enough.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${options.tls ? 'https' : 'http'}://${host}:${address.port}${prefix}`;
  return {
    url,
    port: address.port,
    faults,
    requests,
    packages: (spaceId = defaultSpace.id) => store.list(spaceId),
    packagePath: (record) => store.filePath(record),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type OverwriteMode = 'FailIfExists' | 'OverwriteExisting' | 'IgnoreIfExists';

/** `overwriteMode` wins over the legacy `replace`; a legacy server knows only `replace` (case-insensitive booleans, as .NET sends `True`). */
function overwriteMode(url: URL, legacy: boolean): OverwriteMode {
  const query = new Map([...url.searchParams.entries()].map(([key, value]) => [key.toLowerCase(), value]));
  const mode = query.get('overwritemode');
  if (!legacy && mode) {
    const known = (['FailIfExists', 'OverwriteExisting', 'IgnoreIfExists'] as const).find(
      (value) => value.toLowerCase() === mode.toLowerCase(),
    );
    if (!known) throw new HttpProblem(400, 'There was a problem with your request.', [`'${mode}' is not a valid overwriteMode.`]);
    return known;
  }
  return query.get('replace')?.toLowerCase() === 'true' ? 'OverwriteExisting' : 'FailIfExists';
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function sendError(response: ServerResponse, problem: HttpProblem): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body: Record<string, unknown> = { ErrorMessage: problem.errorMessage, Errors: problem.errors };
  if (problem.helpText) body.HelpText = problem.helpText;
  // An error answered before the whole body was read: close so the client is not left sending.
  response.setHeader('connection', 'close');
  sendJson(response, problem.status, body);
}
