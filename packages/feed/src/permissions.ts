import type { IncomingMessage } from 'node:http';

export type Permission = 'BuiltInFeedPush' | 'BuiltInFeedAdminister' | 'FeedView' | 'BuildInformationPush' | 'BuildInformationAdminister';

export const ALL_PERMISSIONS: readonly Permission[] = [
  'BuiltInFeedPush',
  'BuiltInFeedAdminister',
  'FeedView',
  'BuildInformationPush',
  'BuildInformationAdminister',
];

/** A credential's permissions; `spaces` limits which spaces it can see (default: all). */
export interface Grant {
  permissions: readonly Permission[];
  spaces?: readonly string[];
}

export type Credentials = Record<string, readonly Permission[] | Grant>;

export function toGrant(value: readonly Permission[] | Grant): Grant {
  return Array.isArray(value) ? { permissions: value as readonly Permission[] } : (value as Grant);
}

/** The grant of whoever made the request: an API key header or query, or a bearer token. */
export function authenticate(request: IncomingMessage, url: URL, apiKeys: Credentials, accessTokens: Credentials): Grant | undefined {
  const header = request.headers['x-octopus-apikey'];
  const fromQuery = [...url.searchParams.entries()].find(([name]) => name.toLowerCase() === 'apikey')?.[1];
  const key = (Array.isArray(header) ? header[0] : header) ?? fromQuery;
  if (key !== undefined && key !== '' && Object.hasOwn(apiKeys, key)) return toGrant(apiKeys[key]!);
  const authorization = request.headers.authorization;
  const bearer = authorization && /^Bearer\s+(.+)$/i.exec(authorization)?.[1];
  if (bearer && Object.hasOwn(accessTokens, bearer)) return toGrant(accessTokens[bearer]!);
  return undefined;
}
