/**
 * What the feed records and logs of a request URL: secrets replaced by `REDACTED`. Octopus itself reads only
 * `?apikey=`, but clients (octojs core among them) treat other spellings as keys too, and a key pasted into a
 * path is still a key: so the values of secret-looking query parameters go, and so does every occurrence of a
 * secret the feed knows, wherever it is and however it is percent-encoded.
 */

const REDACTED = 'REDACTED';

/** Query parameter names whose values are secrets, compared without case or punctuation (`api-key`, `API_KEY`). */
const SECRET_PARAMETERS = new Set(['apikey', 'xoctopusapikey', 'token', 'accesstoken']);

/** The access tokens the feed's own `/token/v1` issues (token-exchange.ts): `oidc-` and 24 random bytes. */
const ISSUED_TOKEN = /oidc-[A-Za-z0-9_-]{32}/g;

function decoded(text: string, plusIsSpace: boolean): string {
  try {
    return decodeURIComponent(plusIsSpace ? text.replace(/\+/g, ' ') : text);
  } catch {
    return text; // undecodable: checked as it is
  }
}

export function isSecretParameter(name: string): boolean {
  return SECRET_PARAMETERS.has(
    decoded(name, true)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, ''),
  );
}

export class Redactor {
  /** Longest first, so that a key containing another is replaced whole. Empty ones can never match a request. */
  readonly #secrets: string[];

  constructor(secrets: Iterable<string>) {
    this.#secrets = [...new Set(secrets)].filter((secret) => secret !== '').sort((a, b) => b.length - a.length);
  }

  /** Any text (a log line): every literal occurrence of a known secret or an issued token replaced. */
  text(text: string): string {
    let result = text.replace(ISSUED_TOKEN, REDACTED);
    for (const secret of this.#secrets) result = result.split(secret).join(REDACTED);
    return result;
  }

  #holdsSecret(text: string): boolean {
    ISSUED_TOKEN.lastIndex = 0;
    return ISSUED_TOKEN.test(text) || this.#secrets.some((secret) => text.includes(secret));
  }

  /** One piece of a URL (a path segment, a query name or value), raw: a secret hidden by percent-encoding takes it all. */
  #piece(raw: string, plusIsSpace: boolean): string {
    const literal = this.text(raw);
    return this.#holdsSecret(decoded(literal, plusIsSpace)) ? REDACTED : literal;
  }

  /** A URL path as recorded: segment by segment, then whole (for a secret that holds a `/`). */
  path(pathname: string): string {
    const result = pathname
      .split('/')
      .map((segment) => this.#piece(segment, false))
      .join('/');
    return this.#holdsSecret(decoded(result, false)) ? `/${REDACTED}` : result;
  }

  /** A query string (`?…` or empty) as recorded: values of secret parameters, and any known secret, replaced. */
  query(search: string): string {
    if (search.length <= 1) return search;
    const result = search
      .slice(1)
      .split('&')
      .map((part) => {
        const equals = part.indexOf('=');
        const name = equals === -1 ? part : part.slice(0, equals);
        if (isSecretParameter(name)) return `${this.#piece(name, true)}=${REDACTED}`;
        return equals === -1 ? this.#piece(name, true) : `${this.#piece(name, true)}=${this.#piece(part.slice(equals + 1), true)}`;
      })
      .join('&');
    return this.#holdsSecret(decoded(result, true)) ? `?${REDACTED}` : `?${result}`;
  }
}
