import { OctoError, isOctoError } from '../errors.js';
import { type ConnectionOptions, type ResolvedConnection, resolveConnection } from '../octopus/connection.js';
import { fetchIdToken } from './id-token.js';
import { exchangeIdToken } from './token-exchange.js';

/** Access tokens already exchanged in this process, until 30 s before they expire (as Octopus.Client caches them). */
const cache = new Map<string, { accessToken: string; expiresAt: number }>();
const EARLY = 30_000;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * resolveConnection, plus OIDC sign-in: when no API key or access token is given (options or
 * OCTOPUS_API_KEY / OCTOPUS_ACCESS_TOKEN) and a service account id is (`serviceAccountId`,
 * OCTOPUS_SERVICE_ACCOUNT_ID), the CI's ID token is exchanged for an access token used as a bearer
 * token thereafter. An explicit key or token always wins.
 */
export async function resolveConnectionWithOidc(options: ConnectionOptions): Promise<ResolvedConnection> {
  const env = options.env ?? process.env;
  const { serviceAccountId: given, ...connection } = options;
  const explicit =
    nonEmpty(options.apiKey) ?? nonEmpty(options.accessToken) ?? nonEmpty(env.OCTOPUS_API_KEY) ?? nonEmpty(env.OCTOPUS_ACCESS_TOKEN);
  const serviceAccountId = nonEmpty(given) ?? nonEmpty(env.OCTOPUS_SERVICE_ACCOUNT_ID);
  if (explicit || !serviceAccountId) {
    try {
      return resolveConnection(connection);
    } catch (error) {
      if (isOctoError(error) && error.code === 'ERR_OCTO_MISSING_CREDENTIALS') {
        throw new OctoError(error.code, error.message, {
          hint: `${error.hint.replace(/\.$/, '')}; or, from CI, sign in with OIDC: give \`serviceAccountId\` (OCTOPUS_SERVICE_ACCOUNT_ID).`,
          ...(error.option !== undefined && { option: error.option }),
        });
      }
      throw error;
    }
  }
  // Checks the server and the other options first, before any token is asked for.
  const pending = resolveConnection({ ...connection, apiKey: undefined, accessToken: 'pending-oidc-exchange' });
  const key = `${pending.server.toString()}\u0000${serviceAccountId}`;
  const cached = cache.get(key);
  if (cached && cached.expiresAt - EARLY > Date.now()) return signedIn(pending, cached.accessToken, options);
  if (pending.server.protocol === 'http:' && !/^(localhost|127\.|\[::1\])/.test(pending.server.host)) {
    pending.warn(`The CI's ID token is exchanged over plain http with ${pending.server.host}; anyone on the way can read it. Use https.`);
  }
  try {
    const idToken = await fetchIdToken(serviceAccountId, options);
    const exchanged = await exchangeIdToken(pending.server, serviceAccountId, idToken.token, options);
    cache.set(key, { accessToken: exchanged.accessToken, expiresAt: exchanged.expiresAt });
    return signedIn(pending, exchanged.accessToken, options, idToken.token);
  } catch (error) {
    throw pending.redactor.error(error);
  }
}

/**
 * The connection with the exchanged access token as its bearer credentials, and a redactor (and so
 * a warn) that knows the access token and the ID token: neither may appear in any message.
 */
function signedIn(pending: ResolvedConnection, accessToken: string, options: ConnectionOptions, idToken?: string): ResolvedConnection {
  const redactor = pending.redactor.with(accessToken, idToken);
  const warn = (message: string): void => {
    const safe = redactor.text(message);
    pending.warnings.push(safe);
    options.onWarning?.(safe);
  };
  return { ...pending, credentials: { accessToken }, redactor, warn };
}

/** Forgets exchanged access tokens (for tests, or after a sign-out). */
export function clearOidcCache(): void {
  cache.clear();
}

/**
 * The early, synchronous check adapters make before any file flows (server URL, credentials):
 * resolveConnection, except that a service account id stands for the access token OIDC sign-in
 * will get. The result's credentials are not to be used.
 */
export function checkConnection(options: ConnectionOptions): ResolvedConnection {
  const env = options.env ?? process.env;
  const { serviceAccountId, ...connection } = options;
  const explicit =
    nonEmpty(options.apiKey) ?? nonEmpty(options.accessToken) ?? nonEmpty(env.OCTOPUS_API_KEY) ?? nonEmpty(env.OCTOPUS_ACCESS_TOKEN);
  if (explicit || !(nonEmpty(serviceAccountId) ?? nonEmpty(env.OCTOPUS_SERVICE_ACCOUNT_ID))) return resolveConnection(connection);
  return resolveConnection({ ...connection, apiKey: undefined, accessToken: 'pending-oidc-exchange' });
}
