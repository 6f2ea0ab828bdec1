import { OctoError } from '../errors.js';
import type { ConnectionOptions } from '../octopus/connection.js';
import { oidcHttp, serverWords } from './oidc-http.js';

export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

export interface AccessToken {
  /** The bearer token; never printed. */
  accessToken: string;
  /** When it stops working (ms since the epoch). */
  expiresAt: number;
  /** Where it was obtained, for messages. */
  tokenEndpoint: string;
}

/**
 * Where to exchange: the server's `/.well-known/openid-configuration` names its `token_endpoint`
 * (as Octopus.Client does, octopus-api.md §1.3); a server without that document gets `{server}/token/v1`,
 * the address Octopus's login action posts to. The endpoint must be on the server's own origin: the ID
 * token is a credential and goes nowhere else.
 */
async function tokenEndpoint(base: string, http: Awaited<ReturnType<typeof oidcHttp>>, server: URL): Promise<string> {
  const fallback = `${base}/token/v1`;
  const answer = await http.request('GET', `${base}/.well-known/openid-configuration`);
  if (answer.status !== 200) return fallback;
  let endpoint: unknown;
  try {
    endpoint = (JSON.parse(answer.body) as { token_endpoint?: unknown }).token_endpoint;
  } catch {
    return fallback;
  }
  if (typeof endpoint !== 'string' || endpoint === '') return fallback;
  let url: URL;
  try {
    url = new URL(endpoint, server);
  } catch {
    return fallback;
  }
  if (url.origin !== server.origin) {
    throw new OctoError(
      'ERR_OCTO_OIDC',
      `The server's OpenID configuration names a token endpoint on another origin (${url.origin}); the ID token is only sent to ${server.origin}.`,
      {
        hint: "Check the server URL (use Octopus's public address), or the server's configured public URL.",
        url: `${base}/.well-known/openid-configuration`,
      },
    );
  }
  return url.toString();
}

/** Exchanges a CI's ID token at the Octopus Server for a short-lived access token (RFC 8693, JSON body as Octopus's login action sends). */
export async function exchangeIdToken(
  server: URL,
  serviceAccountId: string,
  idToken: string,
  options: ConnectionOptions,
): Promise<AccessToken> {
  const base = server
    .toString()
    .replace(/\/+$/, '')
    .replace(/\/api$/i, '');
  const http = await oidcHttp(options, server.toString());
  try {
    const endpoint = await tokenEndpoint(base, http, server);
    const answer = await http.request('POST', endpoint, {
      json: {
        grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
        audience: serviceAccountId,
        subject_token: idToken,
        subject_token_type: JWT_TOKEN_TYPE,
      },
      secrets: [idToken],
    });
    let body: { access_token?: unknown; expires_in?: unknown } | undefined;
    try {
      body = JSON.parse(answer.body) as typeof body;
    } catch {
      body = undefined;
    }
    if (answer.status < 200 || answer.status >= 300 || typeof body?.access_token !== 'string' || body.access_token === '') {
      const said = serverWords(answer, [idToken]);
      const refused = answer.status === 400 || answer.status === 401 || answer.status === 403;
      throw new OctoError(
        refused ? 'ERR_OCTO_AUTH' : 'ERR_OCTO_OIDC',
        `The Octopus Server did not exchange the ID token for an access token (${answer.status}${said ? `: ${said}` : ''}).`,
        {
          hint: refused
            ? `Check the service account id (\`serviceAccountId\`, ${serviceAccountId}) and its OIDC identity in Octopus: the issuer and subject must match this CI job, and the audience is the service account id.`
            : 'Check that the server is Octopus 2024.1 or later (OIDC sign-in), or use an API key.',
          status: answer.status,
          method: 'POST',
          url: endpoint,
        },
      );
    }
    const seconds = Number(body.expires_in);
    return {
      accessToken: body.access_token,
      expiresAt: Date.now() + (Number.isFinite(seconds) && seconds > 0 ? seconds : 3600) * 1000,
      tokenEndpoint: endpoint,
    };
  } finally {
    http.close();
  }
}
