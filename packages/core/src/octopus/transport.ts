import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import os from 'node:os';
import { rootCertificates } from 'node:tls';
import { OctoError } from '../errors.js';
import type { ResolvedConnection } from './connection.js';
import { HttpClient } from './http-client.js';
import { checkProxyUrl, proxyVariable } from './proxy-url.js';

/** Our version, from our package.json (the User-Agent says which octojs talked to the server). */
const VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\./.test(hostname);
}

async function caCertificates(connection: ResolvedConnection): Promise<(string | Buffer)[]> {
  const ca = [...(connection.ca ?? [])];
  if (connection.caFile) {
    try {
      ca.push(await readFile(connection.caFile));
    } catch (error) {
      throw new OctoError('ERR_OCTO_INVALID_OPTION', `Could not read the CA file ${connection.caFile}: ${(error as Error).message}.`, {
        hint: 'Give `caFile` as the path of a PEM file with the CA certificate(s) to trust.',
        cause: error,
        option: 'caFile',
      });
    }
  }
  return ca;
}

/** The HTTP client of one session: credentials and User-Agent headers, TLS settings, proxy agents. */
export async function createHttpClient(connection: ResolvedConnection): Promise<HttpClient> {
  const ca = await caCertificates(connection);
  if (connection.insecure) {
    connection.warn(
      "TLS certificate verification is OFF (`insecure`): the server's identity is not checked. Use `caFile` to trust a private CA instead.",
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
  // The `proxy` option was checked by resolveConnection; one from the environment is checked here.
  if (proxy && connection.proxy === undefined) checkProxyUrl(proxy, proxyVariable(server, proxy));
  let agents: { http: HttpAgent; https: HttpsAgent } | undefined;
  if (proxy) {
    const { HttpProxyAgent, HttpsProxyAgent } = await import('hpagent');
    agents = {
      http: new HttpProxyAgent({ ...agentOptions, proxy }),
      https: new HttpsProxyAgent({ ...agentOptions, proxy }),
    };
  }
  return new HttpClient({ headers, timeout: connection.timeout, tls, ...(agents && { agents }) });
}
