import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type Permission = 'BuiltInFeedPush' | 'BuiltInFeedAdminister' | 'FeedView' | 'BuildInformationPush' | 'BuildInformationAdminister';

export const ALL_PERMISSIONS: readonly Permission[] = [
  'BuiltInFeedPush',
  'BuiltInFeedAdminister',
  'FeedView',
  'BuildInformationPush',
  'BuildInformationAdminister',
];

/** Who a credential signs in as (`GET /api/users/me`). */
export interface FeedUser {
  id?: string;
  username?: string;
  displayName?: string;
  emailAddress?: string;
}

/** A credential's permissions; `spaces` limits which spaces it can see (default: all); `user` who it is. */
export interface Grant {
  permissions: readonly Permission[];
  spaces?: readonly string[];
  user?: FeedUser;
}

export type Credentials = Record<string, readonly Permission[] | Grant>;

export function toGrant(value: readonly Permission[] | Grant): Grant {
  return Array.isArray(value) ? { permissions: value as readonly Permission[] } : (value as Grant);
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Credentials compared in constant time: every configured secret is compared (as SHA-256 digests, so lengths
 * never differ) whatever matched before, and nothing is looked up by the secret itself.
 */
export class CredentialTable {
  readonly #entries: { digest: Buffer; grant: Grant }[];

  constructor(credentials: Credentials) {
    this.#entries = Object.entries(credentials).map(([secret, value]) => ({ digest: digest(secret), grant: toGrant(value) }));
  }

  find(secret: string | undefined): Grant | undefined {
    if (secret === undefined || secret === '') return undefined;
    const presented = digest(secret);
    let found: Grant | undefined;
    for (const entry of this.#entries) {
      if (timingSafeEqual(entry.digest, presented) && !found) found = entry.grant;
    }
    return found;
  }
}

/** The API key sent in the query (`?apikey=`, any casing), which the feed accepts but never records. */
export function isKeyParameter(name: string): boolean {
  return name.toLowerCase() === 'apikey';
}

/** The grant of whoever made the request: an API key header or query, or a bearer token. */
export function authenticate(
  request: IncomingMessage,
  url: URL,
  apiKeys: CredentialTable,
  accessTokens: CredentialTable,
): Grant | undefined {
  const header = request.headers['x-octopus-apikey'];
  const fromQuery = [...url.searchParams.entries()].find(([name]) => isKeyParameter(name))?.[1];
  const key = (Array.isArray(header) ? header[0] : header) || fromQuery;
  const byKey = apiKeys.find(key);
  if (byKey) return byKey;
  const authorization = request.headers.authorization;
  const bearer = authorization ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization)?.[1] : undefined;
  return accessTokens.find(bearer);
}
