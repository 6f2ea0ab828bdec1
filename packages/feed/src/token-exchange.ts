import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { KeyObject, webcrypto } from 'node:crypto';
import { type JWK, importJWK, jwtVerify } from 'jose';
import type { FeedAnswer } from './build-information.js';
import { type Grant, type Permission, toGrant } from './permissions.js';

/** A service account that trusts one OIDC issuer, as an Octopus service account's OIDC identity does. */
export interface OidcServiceAccount {
  /** The `iss` the ID token must carry, e.g. `https://token.actions.githubusercontent.com`. */
  issuer: string;
  /** The issuer's public signing key (a KeyObject, CryptoKey or public JWK with its `alg`). */
  publicKey: KeyObject | webcrypto.CryptoKey | JWK;
  /** When set, the ID token's `sub` must equal it (e.g. `repo:o/r:ref:refs/heads/main`). */
  subject?: string;
  /** What the access tokens it gets may do. */
  permissions: readonly Permission[] | Grant;
}

export interface TokenExchangeOptions {
  /** Service accounts by id; the id is the audience the ID token must be for. */
  serviceAccounts: Record<string, OidcServiceAccount>;
  /** Seconds an access token lives. Default: 3600. */
  accessTokenLifetime?: number;
}

const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const MAX_BODY = 64 * 1024;

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

function refused(status: number, message: string, errors: string[] = []): FeedAnswer {
  return { status, body: { ErrorMessage: message, Errors: errors.length > 0 ? errors : [message] } };
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.byteLength;
    if (length > MAX_BODY) return undefined;
    parts.push(chunk);
  }
  const text = Buffer.concat(parts).toString('utf8');
  const type = String(request.headers['content-type'] ?? '');
  try {
    if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
    const json = JSON.parse(text) as unknown;
    return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * OIDC sign-in for tests (octopus-api.md §1.3, §10): `/.well-known/openid-configuration` names
 * `{feed}/token/v1`, where an ID token from a trusted issuer, signed with the key the test holds and
 * for the service account's id as audience, is exchanged for a short-lived bearer access token.
 */
export class TokenExchange {
  readonly #options: TokenExchangeOptions | undefined;
  readonly #prefix: string;
  /** Issued access tokens by their SHA-256 digest, compared in constant time as the configured credentials are. */
  readonly #issued: { digest: Buffer; grant: Grant; expiresAt: number }[] = [];

  constructor(options: TokenExchangeOptions | undefined, prefix: string) {
    this.#options = options;
    this.#prefix = prefix;
  }

  /** The grant of an exchanged access token sent as a bearer token, while it lives. */
  grantFor(request: IncomingMessage): Grant | undefined {
    const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer) return undefined;
    const now = Date.now();
    for (let index = this.#issued.length - 1; index >= 0; index--) if (this.#issued[index]!.expiresAt <= now) this.#issued.splice(index, 1);
    const presented = digest(bearer);
    let found: Grant | undefined;
    for (const entry of this.#issued) if (timingSafeEqual(entry.digest, presented) && !found) found = entry.grant;
    return found;
  }

  /** Answers the discovery document and the token endpoint; undefined for other paths. */
  async handle(method: string, url: URL, request: IncomingMessage, origin: string): Promise<FeedAnswer | undefined> {
    const route = url.pathname.slice(this.#prefix.length).replace(/\/+$/, '');
    const base = `${origin}${this.#prefix}`;
    if (method === 'GET' && route === '/.well-known/openid-configuration') {
      request.resume();
      if (!this.#options) return refused(404, 'The resource you requested was not found.');
      return {
        status: 200,
        body: {
          issuer: base,
          token_endpoint: `${base}/token/v1`,
          grant_types_supported: [GRANT_TYPE],
        },
      };
    }
    if (route !== '/token/v1') return undefined;
    if (method !== 'POST') {
      request.resume();
      return refused(405, 'Use POST for the token endpoint.');
    }
    if (!this.#options) {
      request.resume();
      return refused(404, 'OIDC sign-in is not configured on this feed.');
    }
    const body = await readBody(request);
    if (!body) return refused(400, 'The token exchange request must be a JSON object.');
    if (body.grant_type !== GRANT_TYPE) return refused(400, `The grant type must be ${GRANT_TYPE}.`);
    if (body.subject_token_type !== JWT_TYPE) return refused(400, `The subject token type must be ${JWT_TYPE}.`);
    const audience = typeof body.audience === 'string' ? body.audience : '';
    const account = Object.hasOwn(this.#options.serviceAccounts, audience) ? this.#options.serviceAccounts[audience] : undefined;
    if (!account) return refused(400, 'The audience is not a service account with an OIDC identity.');
    if (typeof body.subject_token !== 'string' || body.subject_token === '') return refused(400, 'A subject token is required.');
    try {
      const key = 'kty' in account.publicKey ? await importJWK(account.publicKey as JWK) : account.publicKey;
      const { payload } = await jwtVerify(body.subject_token, key as KeyObject, { issuer: account.issuer, audience });
      if (account.subject !== undefined && payload.sub !== account.subject) {
        return refused(400, 'The subject token does not match an OIDC identity of the service account.', [
          `The subject '${String(payload.sub)}' is not trusted.`,
        ]);
      }
    } catch (error) {
      // jose's messages name the failed check (signature, issuer, audience, expiry), never the token.
      return refused(400, 'The subject token is not valid.', [(error as Error).message]);
    }
    const accessToken = `oidc-${randomBytes(24).toString('base64url')}`;
    const lifetime = this.#options.accessTokenLifetime ?? 3600;
    this.#issued.push({ digest: digest(accessToken), grant: toGrant(account.permissions), expiresAt: Date.now() + lifetime * 1000 });
    return {
      status: 200,
      body: {
        access_token: accessToken,
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: lifetime,
      },
    };
  }
}
