import type { IncomingHttpHeaders } from 'node:http';
import { OctoError } from '../errors.js';
import type { ResolvedConnection } from './connection.js';
import {
  type Links,
  type RootDocument,
  type SpaceSummary,
  expandTemplate,
  linkOf,
  notOctopus,
  resolveLink,
  rootDocument,
  spaceDocument,
  spaceList,
} from './documents.js';
import type { HttpAnswer, HttpClient } from './http-client.js';
import { httpError, isTlsError, transportError } from './http-errors.js';
import { baseText } from './server-url.js';
import { isRetryableStatus, retryAfterMs, withRetries } from './retry.js';
import { createHttpClient } from './transport.js';

export interface SpaceContext {
  /** The space id; undefined for the server's default space (or a server without spaces). */
  id: string | undefined;
  links: Links;
  /** The document the links came from, for messages. */
  url: string;
}

/** A decoder's verdict that a body is not what it should be: ends the GET (no retry). */
export class BodyDecodeError extends Error {
  override readonly name: string = 'BodyDecodeError';
}

/** Takes a body as it streams in (see `getDecoded`); `start` is given the answer's headers, `end` makes the result. */
export interface BodyDecoder<T> {
  start(headers: IncomingHttpHeaders): (chunk: Buffer) => void;
  end(): T;
}

/** One upload attempt's body: made fresh for each attempt by whoever uploads. */
export interface UploadBody {
  parts: AsyncIterable<Uint8Array>;
  headers: Record<string, string>;
  onWritten?: (bytes: number) => void;
}

/**
 * One conversation with an Octopus Server: discovery, space resolution, JSON reads with retries,
 * uploads. Package pushes (and later delta pushes and build information) share it, so a space
 * name is resolved once. Every URL it requests is on the configured origin.
 */
export class OctopusSession {
  readonly connection: ResolvedConnection;
  readonly #http: HttpClient;
  #root: Promise<RootDocument> | undefined;
  #space: Promise<SpaceContext> | undefined;

  private constructor(connection: ResolvedConnection, client: HttpClient) {
    this.connection = connection;
    this.#http = client;
  }

  static async create(connection: ResolvedConnection): Promise<OctopusSession> {
    return new OctopusSession(connection, await createHttpClient(connection));
  }

  get redactor(): ResolvedConnection['redactor'] {
    return this.connection.redactor;
  }

  /** The server root without a trailing `/`. */
  get baseUrl(): string {
    return baseText(this.connection.server);
  }

  /** A link of a document, expanded and resolved on the configured origin; undefined when the document has none. */
  link(links: Links, name: string, from: string, values: Record<string, string | undefined> = {}): string | undefined {
    const template = linkOf(links, name, from, this.redactor);
    if (template === undefined) return undefined;
    return resolveLink(expandTemplate(template, values), this.connection.server, name, this.redactor);
  }

  /** Resolves a link (already expanded) on the configured origin; refuses one that leads elsewhere. */
  resolveLink(link: string, name = 'link'): string {
    return resolveLink(link, this.connection.server, name, this.redactor);
  }

  /**
   * GET with retries; resolves with the status and the parsed JSON (a 404 is an answer, not an
   * error). `T` is what the caller expects; check it (see documents.ts) before trusting it.
   */
  getJson<T = unknown>(url: string): Promise<{ status: number; body: T | undefined }> {
    return this.#getJson(url) as Promise<{ status: number; body: T | undefined }>;
  }

  /**
   * GET with retries, as getJson, but a 2xx body goes to a fresh `decoder` per attempt as it arrives (not kept as
   * text): resolves with what `end()` makes of it; a 404 resolves with `body: undefined`.
   */
  getDecoded<T>(url: string, decoder: () => BodyDecoder<T>): Promise<{ status: number; body: T | undefined }> {
    return this.#getJson(url, decoder) as Promise<{ status: number; body: T | undefined }>;
  }

  #getJson(url: string, decoder?: () => BodyDecoder<unknown>): Promise<{ status: number; body: unknown }> {
    const { retries, retryDelay } = this.connection;
    const request = { method: 'GET', url, redactor: this.redactor };
    return withRetries<{ status: number; body: unknown }>(
      { retries, retryDelay, what: `GET ${this.redactor.url(url)}`, warn: this.connection.warn },
      async (attempts) => {
        let answer: HttpAnswer;
        const decoding = decoder?.();
        const consume =
          decoding &&
          ((status: number, headers: IncomingHttpHeaders) => (status >= 200 && status < 300 ? decoding.start(headers) : undefined));
        try {
          answer = await this.#http.request('GET', url, consume ? { consume } : {});
        } catch (error) {
          if (error instanceof BodyDecodeError) throw error; // the decoder's own verdict on the body
          const failure = transportError(error, { ...request, attempts });
          if (isTlsError(error)) throw failure;
          return { retry: failure };
        }
        if (isRetryableStatus(answer.status)) {
          return {
            retry: httpError(answer.status, answer.body, { ...request, attempts }, answer.headers),
            wait: retryAfterMs(answer.headers['retry-after']),
          };
        }
        if (answer.status === 404) return { done: { status: 404, body: undefined } };
        if (answer.status < 200 || answer.status >= 300)
          throw httpError(answer.status, answer.body, { ...request, attempts }, answer.headers);
        if (decoding) return { done: { status: answer.status, body: decoding.end() } };
        try {
          return { done: { status: answer.status, body: JSON.parse(answer.body) as unknown } };
        } catch {
          // The parser's message quotes the body, which may hold anything: say what came instead.
          const type = String(answer.headers['content-type'] ?? 'no content type');
          throw notOctopus(url, `the answer (${answer.status}, ${type}) is not JSON`, this.redactor, answer.status);
        }
      },
    );
  }

  root(): Promise<RootDocument> {
    this.#root ??= (async () => {
      const url = `${this.baseUrl}/api`;
      const { status, body } = await this.getJson(url);
      if (status === 404) throw notOctopus(url, 'it has no /api (404)', this.redactor, 404);
      return rootDocument(body, url, this.redactor);
    })();
    return this.#root;
  }

  /** The space's id (undefined: the server's default) and the links to use in it. */
  space(): Promise<SpaceContext> {
    this.#space ??= (async () => {
      const root = await this.root();
      const rootUrl = `${this.baseUrl}/api`;
      const wanted = this.connection.space;
      if (wanted === undefined) return { id: undefined, links: root.Links, url: rootUrl };
      const id = /^Spaces-\d+$/i.test(wanted) ? wanted : await this.#spaceIdByName(wanted);
      const url =
        this.link(root.Links, 'SpaceHome', rootUrl, { spaceId: id }) ?? this.resolveLink(`~/api/${encodeURIComponent(id)}`, 'SpaceHome'); // no link: the virtual directory's /api/{id}
      const { status, body } = await this.getJson(url);
      if (status === 404) throw spaceNotFound(wanted, []);
      return { id, links: spaceDocument(body, url, this.redactor).Links, url };
    })();
    return this.#space;
  }

  async #spaceIdByName(wanted: string): Promise<string> {
    const url = `${this.baseUrl}/api/spaces/all`;
    const { status, body } = await this.getJson(url);
    if (status === 404) throw notOctopus(url, 'it cannot list spaces (404)', this.redactor, 404);
    const spaces = spaceList(body, url, this.redactor);
    const lower = wanted.toLowerCase();
    const match =
      spaces.find((space) => space.Name?.trim().toLowerCase() === lower) ?? spaces.find((space) => space.Id.toLowerCase() === lower);
    if (!match) throw spaceNotFound(wanted, spaces);
    return match.Id;
  }

  /** One upload attempt (the caller retries, with a fresh body). */
  upload(url: string, body: UploadBody): Promise<HttpAnswer> {
    return this.#http.request('POST', url, {
      body: body.parts,
      headers: body.headers,
      ...(body.onWritten && { onWritten: body.onWritten }),
    });
  }

  /** Ends the session's idle connections. */
  close(): void {
    this.#http.close();
  }
}

function spaceNotFound(wanted: string, spaces: SpaceSummary[]): OctoError {
  const known = spaces.map((space) => `${space.Name ?? '(no name)'} (${space.Id})`).join(', ');
  return new OctoError('ERR_OCTO_SPACE_NOT_FOUND', `The space "${wanted}" was not found, or the key has no access to it.`, {
    hint: known
      ? `The spaces this key can see: ${known}.`
      : "Check the `space` option (a name, or an id Spaces-N), and that the key's user is a member of it.",
    option: 'space',
  });
}
