import http from 'node:http';
import type net from 'node:net';

export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface TestServer {
  url: string;
  port: number;
  /** Every request received, in order. */
  seen: Seen[];
  close(): Promise<void>;
}

export type Handler = (request: http.IncomingMessage, response: http.ServerResponse, server: TestServer) => void;

/** A real HTTP server on 127.0.0.1 whose every answer the test writes. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const seen: Seen[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer();
  const holder = {} as TestServer;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (request, response) => {
    seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    handler(request, response, holder);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  Object.assign(holder, {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  return holder;
}

export function json(response: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  response
    .writeHead(status, { 'content-type': 'application/json', ...headers })
    .end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** An Octopus root document (2020.4-like), links overridable. */
export function rootDocument(links: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Application: 'Octopus Deploy',
    Version: '2020.4.0',
    ApiVersion: '3.0.0',
    Links: {
      Self: '/api',
      SpaceHome: '/api/{spaceId}',
      Packages: '/api/Spaces-1/packages{/id}{?nuGetPackageId,filter,latest,skip,take,includeNotes}',
      PackageUpload: '/api/Spaces-1/packages/raw{?replace,overwriteMode}',
      ...links,
    },
  };
}

/**
 * A minimal Octopus: root document, no packages (404), and uploads answered by `upload` (by
 * default 201 with a resource). The body of an upload is read to its end first.
 */
export function octopusHandler(
  options: { root?: unknown; upload?: (request: http.IncomingMessage, response: http.ServerResponse) => void } = {},
): Handler {
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (request.method === 'GET' && /\/api\/?$/.test(url.pathname))
      return json(response, 200, 'root' in options ? options.root : rootDocument());
    if (request.method === 'GET') return json(response, 404, { ErrorMessage: 'Not found' });
    request.resume();
    request.on('end', () => {
      if (options.upload) return options.upload(request, response);
      json(response, 201, { PackageId: 'x', Version: '1.0.0', Hash: '0'.repeat(40) });
    });
  };
}
