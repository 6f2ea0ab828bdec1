/** Query parameters whose values are secrets wherever they appear (Octopus takes `apikey` in any case). */
const SECRET_QUERY = /([?&;](?:api[-_]?key|x-octopus-apikey|access[-_]?token|token|bearer|password)=)[^&#\s"'<>]*/gi;
/** User info in a URL (`https://user:pass@host`), which no message needs. */
const USER_INFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s"'<>]*@/gi;
/** Anything shaped like an Octopus API key, even one we were not given (a server may echo another). */
const API_KEY_SHAPE = /\bAPI-[A-Za-z0-9]{8,}\b/g;

export const REDACTED = '***';

/**
 * Removes secrets from text before it reaches a message, a warning, JSON or a log: the configured
 * key and token wherever they appear (a server may echo them in an error, an HTML page or a
 * Location header), secret query values, URL user info and anything shaped like an API key.
 */
export class Redactor {
  readonly #secrets: string[];

  constructor(secrets: readonly (string | undefined)[] = []) {
    // Longest first, so that a secret containing another is removed whole.
    this.#secrets = [...new Set(secrets.filter((secret): secret is string => !!secret && secret.length >= 4))].sort(
      (a, b) => b.length - a.length,
    );
  }

  /** A redactor that also knows `secrets`. */
  with(...secrets: (string | undefined)[]): Redactor {
    return new Redactor([...this.#secrets, ...secrets]);
  }

  text(value: string): string {
    let text = value;
    for (const secret of this.#secrets) {
      text = text.split(secret).join(REDACTED);
      // A secret percent-encoded into a URL is the same secret.
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) text = text.split(encoded).join(REDACTED);
    }
    return text.replace(SECRET_QUERY, `$1${REDACTED}`).replace(USER_INFO, '$1').replace(API_KEY_SHAPE, `API-${REDACTED}`);
  }

  /** A URL fit for messages: no user info, no secret query values, no fragment. */
  url(url: string | URL): string {
    let parsed: URL;
    try {
      parsed = new URL(String(url));
    } catch {
      return this.text(String(url));
    }
    parsed.username = '';
    parsed.password = '';
    parsed.hash = '';
    return this.text(parsed.toString());
  }

  /**
   * Scrubs an error and its cause chain in place (message, stack, and the OctoError fields that
   * carry server text), so that nothing reachable from a thrown error shows a secret.
   */
  error<T>(error: T): T {
    const seen = new Set<unknown>();
    for (let current: unknown = error; current instanceof Error && !seen.has(current); current = current.cause) {
      seen.add(current);
      const target = current as unknown as Record<string, unknown>;
      for (const key of ['message', 'stack', 'hint', 'url', 'serverMessage'] as const) {
        if (typeof target[key] === 'string') overwrite(target, key, this.text(target[key]));
      }
      if (Array.isArray(target.serverErrors)) {
        overwrite(
          target,
          'serverErrors',
          target.serverErrors.map((item) => (typeof item === 'string' ? this.text(item) : item)),
        );
      }
    }
    return error;
  }
}

function overwrite(target: Record<string, unknown>, key: string, value: unknown): void {
  if (target[key] === value) return;
  try {
    Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: key !== 'message' && key !== 'stack' });
  } catch {
    // A frozen foreign error: nothing more can be done with it.
  }
}

/** A URL fit for messages and logs, when no configured secrets are at hand (adapters printing the server). */
export function safeUrl(url: string | URL): string {
  return new Redactor().url(url);
}
