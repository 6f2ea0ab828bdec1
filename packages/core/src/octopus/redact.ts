/** Query parameters whose values are secrets wherever they appear (Octopus takes `apikey` in any case). */
const SECRET_QUERY = /([?&;](?:api[-_]?key|x-octopus-apikey|access[-_]?token|token|bearer|password)=)[^&#\s"'<>]*/gi;
/** User info in a URL (`https://user:pass@host`), which no message needs. */
const USER_INFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s"'<>]*@/gi;
/** Anything shaped like an Octopus API key, even one we were not given (a server may echo another). */
const API_KEY_SHAPE = /\bAPI-[A-Za-z0-9]{8,}\b/g;
/** Base64 runs shorter than this are not redacted: they would match ordinary words. */
const MIN_BASE64 = 6;

export const REDACTED = '***';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * One character of a secret as a server may echo it: itself in any case, or percent-encoded
 * (each UTF-8 byte as `%XX`, hex in any case). The `i` flag covers both.
 */
function charPattern(char: string): string {
  return `(?:${escapeRegExp(char)}|${percentPattern(char)})`;
}

/** `char` percent-encoded, once or more (`%2D`, `%252D`: a URL quoted inside a URL), hex in any case. */
function percentPattern(char: string): string {
  return [...Buffer.from(char, 'utf8')]
    .map(
      (byte) =>
        `%(?:25)*${byte
          .toString(16)
          .padStart(2, '0')
          .replace(/[a-f]/g, (hex) => `[${hex}${hex.toUpperCase()}]`)}`,
    )
    .join('');
}

/** What may sit between the characters of an echoed secret: one space, encoded or not (`A P I`, `A%20P%20I`). */
const SEPARATOR = `(?:\\s|\\+|${percentPattern(' ')})?`;

/** A base64 form as a pattern: its `+`, `/` and `=` may be percent-encoded when it travels in a URL. */
function base64Pattern(form: string): string {
  return [...form].map((char) => (/[A-Za-z0-9]/.test(char) ? char : charPattern(char))).join('');
}

/**
 * The base64 text of `secret` wherever it sits in an encoded string: at each of the 3 byte
 * alignments (`api:KEY` in a Basic header puts the key at offset 4), only the characters made
 * of the secret's bits alone; standard and url-safe alphabets.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>();
  for (let offset = 0; offset < 3; offset++) {
    const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const core = text.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6));
    if (core.length < MIN_BASE64) continue;
    forms.add(core);
    forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...forms];
}

/**
 * Removes secrets from text before it reaches a message, a warning, JSON or a log: the configured
 * key and token wherever they appear (a server may echo them in an error, an HTML page or a
 * Location header) and in whatever form it echoes them (any case, percent-encoded, base64),
 * secret query values, URL user info and anything shaped like an API key.
 */
export class Redactor {
  readonly #secrets: string[];
  /** The plain and percent-encoded forms, any case. */
  readonly #plain: RegExp | undefined;
  /** The base64 forms (case matters in base64). */
  readonly #base64: RegExp | undefined;

  constructor(secrets: readonly (string | undefined)[] = []) {
    // Longest first, so that a secret containing another is removed whole.
    this.#secrets = [...new Set(secrets.filter((secret): secret is string => !!secret && secret.length >= 4))].sort(
      (a, b) => b.length - a.length,
    );
    if (this.#secrets.length === 0) return;
    this.#plain = new RegExp(this.#secrets.map((secret) => [...secret].map(charPattern).join(SEPARATOR)).join('|'), 'gi');
    const encoded = [...new Set(this.#secrets.flatMap(base64Forms))].sort((a, b) => b.length - a.length);
    if (encoded.length > 0) this.#base64 = new RegExp(encoded.map(base64Pattern).join('|'), 'g');
  }

  /** A redactor that also knows `secrets`. */
  with(...secrets: (string | undefined)[]): Redactor {
    return new Redactor([...this.#secrets, ...secrets]);
  }

  text(value: string): string {
    let text = value;
    if (this.#plain) text = text.replace(this.#plain, REDACTED);
    if (this.#base64) text = text.replace(this.#base64, REDACTED);
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
   * Scrubs an error and its cause chain in place: every string property (message, stack, hint,
   * serverMessage, a TypeError's `input`...) and string arrays (serverErrors), so that nothing
   * reachable from a thrown error shows a secret.
   */
  error<T>(error: T): T {
    const seen = new Set<unknown>();
    const pending: unknown[] = [error];
    while (pending.length > 0) {
      const current = pending.shift();
      if (!(current instanceof Error) || seen.has(current)) continue;
      seen.add(current);
      const target = current as unknown as Record<string, unknown>;
      for (const key of Object.getOwnPropertyNames(target)) {
        const value = target[key];
        if (typeof value === 'string') overwrite(target, key, this.text(value));
        else if (Array.isArray(value) && value.some((item) => typeof item === 'string')) {
          overwrite(
            target,
            key,
            value.map((item) => (typeof item === 'string' ? this.text(item) : item)),
          );
        }
      }
      pending.push(target.cause);
      if (Array.isArray(target.errors)) pending.push(...target.errors);
    }
    return error;
  }
}

function overwrite(target: Record<string, unknown>, key: string, value: unknown): void {
  if (target[key] === value) return;
  const enumerable = Object.getOwnPropertyDescriptor(target, key)?.enumerable ?? (key !== 'message' && key !== 'stack');
  try {
    Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable });
  } catch {
    // A frozen foreign error: nothing more can be done with it.
  }
}

/** A URL fit for messages and logs, when no configured secrets are at hand (adapters printing the server). */
export function safeUrl(url: string | URL): string {
  return new Redactor().url(url);
}
