import { readFile } from 'node:fs/promises';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import os from 'node:os';
import { rootCertificates } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { OctoError } from '../errors.js';
import { type HttpAnswer, HttpClient } from './http-client.js';
import { httpError, isTlsError, transportError } from './http-errors.js';
import type { ResolvedConnection } from './push-options.js';
import { backoffDelay, isRetryableStatus, retryAfterMs } from './retry-policy.js';
import { CORE_VERSION as VERSION } from '../version.js';

export interface RootDocument {
  Version?: string;
  ApiVersion?: string;
  Links?: Record<string, string>;
}

export interface SpaceSummary {
  Id: string;
  Name: string;
  IsDefault?: boolean;
}

export interface PackageResource {
  PackageId?: string;
  Version?: string;
  Hash?: string;
  PackageSizeBytes?: number;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\./.test(hostname);
}

/** Expands the simple and query forms of RFC 6570 templates that Octopus links use. */
export function expandTemplate(template: string, values: Record<string, string | undefined>): string {
  return template.replace(/\{([?/]?)([^}]+)\}/g, (_, operator: string, names: string) => {
    const present = names.split(',').filter((name) => values[name] !== undefined);
    if (operator === '?')
      return present.length === 0 ? '' : `?${present.map((name) => `${name}=${encodeURIComponent(values[name]!)}`).join('&')}`;
    if (operator === '/') return present.map((name) => `/${encodeURIComponent(values[name]!)}`).join('');
    return present.map((name) => encodeURIComponent(values[name]!)).join(',');
  });
}

/**
 * One conversation with an Octopus Server: discovery, space resolution, JSON reads with retries,
 * and uploads. Created once per push or pushAll, so a space name is resolved once.
 */
export class OctopusSession {
  readonly connection: ResolvedConnection;
  readonly #http: HttpClient;
  #root: Promise<RootDocument> | undefined;
  #space: Promise<{ id: string | undefined; links: Record<string, string> }> | undefined;

  private constructor(connection: ResolvedConnection, client: HttpClient) {
    this.connection = connection;
    this.#http = client;
  }

  static async create(connection: ResolvedConnection): Promise<OctopusSession> {
    const ca = [...(connection.ca ?? [])];
    if (connection.caFile) {
      try {
        ca.push(await readFile(connection.caFile));
      } catch (error) {
        throw new OctoError('ERR_OCTO_INVALID_OPTION', `Could not read the CA file ${connection.caFile}: ${(error as Error).message}.`, {
          hint: 'Give caFile as the path of a PEM file with the CA certificate(s) to trust.',
          cause: error,
        });
      }
    }
    if (connection.insecure) {
      connection.warn(
        "TLS certificate verification is OFF (insecure): the server's identity is not checked. Use caFile to trust a private CA instead.",
      );
    }
    const { server } = connection;
    if (server.protocol === 'http:' && !isLoopback(server.hostname)) {
      connection.warn(
        `The ${'apiKey' in connection.credentials ? 'API key' : 'access token'} is sent over plain http to ${server.host}; anyone on the way can read it. Use https.`,
      );
    }
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': `octojs/${VERSION} (${os.platform()}; node/${process.versions.node})${connection.userAgent ? ` ${connection.userAgent}` : ''}`,
    };
    if ('apiKey' in connection.credentials) headers['x-octopus-apikey'] = connection.credentials.apiKey;
    else headers.authorization = `Bearer ${connection.credentials.accessToken}`;
    // Extra CAs are trusted beside the usual ones (a `ca` option alone would replace them): a proxy or an
    // Octopus Cloud address keeps working when a private CA is added for an on-premises server.
    const tls = { ...(ca.length > 0 && { ca: [...rootCertificates, ...ca] }), rejectUnauthorized: !connection.insecure };
    const agentOptions = { keepAlive: true, ...tls };
    // Loaded here, not at the top: packing never needs it.
    const { default: proxyFromEnv } = await import('proxy-from-env');
    const proxy =
      connection.proxy === false ? undefined : (connection.proxy ?? (proxyFromEnv.getProxyForUrl(server.toString()) || undefined));
    let agents: { http: HttpAgent; https: HttpsAgent } | undefined;
    if (proxy) {
      const { HttpProxyAgent, HttpsProxyAgent } = await import('hpagent');
      agents = {
        http: new HttpProxyAgent({ ...agentOptions, proxy }),
        https: new HttpsProxyAgent({ ...agentOptions, proxy }),
      };
    }
    return new OctopusSession(connection, new HttpClient({ headers, timeout: connection.timeout, tls, ...(agents && { agents }) }));
  }

  /** The server URL without a trailing `/api` or `/` (as Octopus.Client does). */
  get baseUrl(): string {
    return this.connection.server
      .toString()
      .replace(/\/+$/, '')
      .replace(/\/api$/i, '');
  }

  /** Links start with `/` and already carry the virtual directory: resolve them against the origin. */
  resolveLink(link: string): string {
    return new URL(link, this.connection.server.origin).toString();
  }

  /** GET with retries; resolves with the status and parsed JSON (404s are answers, not errors). */
  async getJson<T>(url: string): Promise<{ status: number; body: T | undefined }> {
    const retries = this.connection.retries;
    for (let attempt = 1; ; attempt++) {
      let response: HttpAnswer;
      try {
        response = await this.#http.request('GET', url);
      } catch (error) {
        if (isTlsError(error) || attempt > retries) throw transportError(error, { method: 'GET', url, attempts: attempt });
        await sleep(backoffDelay(attempt, this.connection.retryDelay));
        continue;
      }
      if (isRetryableStatus(response.status) && attempt <= retries) {
        await sleep(retryAfterMs(response.headers['retry-after']) ?? backoffDelay(attempt, this.connection.retryDelay));
        continue;
      }
      if (response.status === 404) return { status: 404, body: undefined };
      if (response.status < 200 || response.status >= 300) {
        throw httpError(response.status, response.body, { method: 'GET', url, attempts: attempt }, response.headers);
      }
      try {
        return { status: response.status, body: JSON.parse(response.body) as T };
      } catch (error) {
        throw notOctopus(url, response, error);
      }
    }
  }

  root(): Promise<RootDocument> {
    this.#root ??= (async () => {
      const url = `${this.baseUrl}/api`;
      const { status, body } = await this.getJson<RootDocument>(url);
      if (status === 404 || !body || typeof body !== 'object' || typeof body.ApiVersion !== 'string' || !body.Links) {
        throw new OctoError('ERR_OCTO_NOT_OCTOPUS', `${url} answered, but not as an Octopus Server API.`, {
          hint: 'Check the server URL: it should be the Octopus address (with its virtual directory, if any), not a login page or another service.',
          url,
          method: 'GET',
          status,
        });
      }
      return body;
    })();
    return this.#root;
  }

  /** The space's id (undefined: the server's default) and the links to use in it. */
  space(): Promise<{ id: string | undefined; links: Record<string, string> }> {
    this.#space ??= (async () => {
      const root = await this.root();
      const wanted = this.connection.space;
      if (wanted === undefined) return { id: undefined, links: root.Links ?? {} };
      let id: string;
      if (/^Spaces-\d+$/i.test(wanted)) {
        id = wanted;
      } else {
        const { body } = await this.getJson<SpaceSummary[]>(`${this.baseUrl}/api/spaces/all`);
        const spaces = Array.isArray(body) ? body : [];
        const match =
          spaces.find((space) => space.Name?.trim().toLowerCase() === wanted.toLowerCase()) ??
          spaces.find((space) => space.Id?.toLowerCase() === wanted.toLowerCase());
        if (!match) throw spaceNotFound(wanted, spaces);
        id = match.Id;
      }
      const home = expandTemplate(root.Links?.SpaceHome ?? '/api/{spaceId}', { spaceId: id });
      const { status, body } = await this.getJson<{ Links?: Record<string, string> }>(
        this.resolveLink(home.startsWith('/') ? home : `/${home}`),
      );
      if (status === 404 || !body) throw spaceNotFound(wanted, []);
      return { id, links: { ...body.Links } };
    })();
    return this.#space;
  }

  /** One upload attempt; the body is made fresh for each attempt by the caller. `onWritten`: bytes the socket has taken. */
  upload(
    url: string,
    body: AsyncIterable<Uint8Array>,
    headers: Record<string, string>,
    onWritten?: (bytes: number) => void,
  ): Promise<HttpAnswer> {
    return this.#http.request('POST', url, { body, headers, ...(onWritten && { onWritten }) });
  }

  /** Ends the session's idle connections. */
  close(): void {
    this.#http.close();
  }
}

function notOctopus(url: string, response: HttpAnswer, cause: unknown): OctoError {
  const type = String(response.headers['content-type'] ?? 'unknown');
  return new OctoError('ERR_OCTO_NOT_OCTOPUS', `${url} answered ${response.status} with ${type}, not Octopus JSON.`, {
    hint: 'Check the server URL: an HTML page usually means a login page, a proxy, or a URL that is not the Octopus Server.',
    url,
    method: 'GET',
    status: response.status,
    cause,
  });
}

function spaceNotFound(wanted: string, spaces: SpaceSummary[]): OctoError {
  const known = spaces.map((space) => `${space.Name} (${space.Id})`).join(', ');
  return new OctoError('ERR_OCTO_SPACE_NOT_FOUND', `The space "${wanted}" was not found, or the key has no access to it.`, {
    hint: known
      ? `The spaces this key can see: ${known}.`
      : "Check the space name or id (Spaces-N), and that the key's user is a member of it.",
  });
}
