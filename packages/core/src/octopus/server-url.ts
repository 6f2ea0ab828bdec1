import { OctoError } from '../errors.js';
import { Redactor } from './redact.js';

export interface ServerAddress {
  /** The server root: scheme, host, port and virtual directory; no query, fragment, user info or trailing `/`. */
  base: URL;
  /** An API key given in the URL's query (`?apikey=API-…`, as Octopus accepts it); sent as a header instead. */
  apiKey: string | undefined;
  /** What was changed to get the root, for a warning; undefined when the URL was the root already. */
  normalised: string | undefined;
}

/** Query names Octopus reads an API key from (its binding ignores case). */
const KEY_PARAMS = ['apikey', 'api-key', 'api_key', 'x-octopus-apikey'];

/** Trailing path parts of addresses users copy that are not the server root, and what they are. */
const SUFFIXES: { pattern: RegExp; what: string }[] = [
  { pattern: /\/app(?:\/.*)?$/i, what: "the web UI's address" },
  { pattern: /\/(?:Spaces-\d+\/)?nuget\/packages\/?$/i, what: 'the NuGet feed address' },
  { pattern: /\/api\/?$/i, what: 'the API address' },
];

function refuse(message: string, hint: string, cause?: unknown): OctoError {
  return new OctoError('ERR_OCTO_INVALID_OPTION', message, { hint, option: 'server', ...(cause !== undefined && { cause }) });
}

/**
 * The server root from what a user gave: a root with a virtual directory is kept as it is; an
 * address copied from the browser (`/app#/Spaces-1/projects`), the API (`/api`) or the NuGet feed
 * (`/nuget/packages`) becomes the root it belongs to; any other API path is refused, naming the
 * root to use instead. A key in the query is taken out (and never shown).
 */
export function parseServerUrl(text: string): ServerAddress {
  let url: URL;
  try {
    url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${url.protocol} is not http or https`);
  } catch (error) {
    const swapped = /^API-/i.test(text.trim());
    throw refuse(
      swapped ? 'The `server` option holds an API key, not a URL.' : 'The `server` option is not an http or https URL.',
      swapped ? 'Swap the `server` and `apiKey` options.' : 'Give `server` as a full URL, e.g. https://octopus.example.com/octopus.',
      swapped ? undefined : new Error(new Redactor().text((error as Error).message)),
    );
  }
  let apiKey: string | undefined;
  for (const [name, value] of [...url.searchParams]) {
    if (KEY_PARAMS.includes(name.toLowerCase()) && value.trim() !== '') apiKey ??= value.trim();
  }
  const changes: string[] = [];
  // A key in the query is what Octopus accepts: it is sent as a header instead, without a word.
  if (url.search !== '' && !apiKey) changes.push('the query removed');
  if (url.hash !== '') changes.push('the fragment removed');
  url.search = '';
  url.hash = '';
  url.username = '';
  url.password = '';
  let pathname = url.pathname.replace(/\/+$/, '');
  for (const { pattern, what } of SUFFIXES) {
    if (pattern.test(pathname)) {
      pathname = pathname.replace(pattern, '');
      changes.push(`${what} taken back to the server root`);
      break;
    }
  }
  const root = new URL(url.origin);
  root.pathname = pathname === '' ? '/' : pathname;
  if (/\/api(?:\/|$)/i.test(pathname)) {
    const at = pathname.search(/\/api(?:\/|$)/i);
    const suggested = `${url.origin}${pathname.slice(0, at)}`;
    throw refuse(
      `The \`server\` option ${new Redactor([apiKey]).url(text)} is an API path, not the Octopus Server's address.`,
      `Give \`server\` as the server's root address (with its virtual directory, if any): ${suggested}`,
    );
  }
  return { base: root, apiKey, normalised: changes.length > 0 ? changes.join(', ') : undefined };
}

/** The base as text without a trailing `/`, to which `/api` is appended. */
export function baseText(base: URL): string {
  return base.toString().replace(/\/+$/, '');
}
