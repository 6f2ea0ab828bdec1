import { OctoError, type OctoErrorCode } from '../errors.js';
import { Redactor } from './redact.js';

/** The request a failure belongs to, for the error's `method` and `url` (never with secrets). */
export interface RequestInfo {
  method: string;
  url: string;
  attempts?: number;
  /** Hides the configured credentials in whatever the server sent back; by default only key-shaped text and secret query values. */
  redactor?: Redactor;
  /** For a conflict: the hint to give instead of the usual one (a legacy server cannot ignore existing packages). */
  conflictHint?: string;
}

/** The hint for a conflict, naming the options as core spells them. */
export const CONFLICT_HINT = 'Bump the version, or push with `overwriteMode` IgnoreIfExists to skip it or OverwriteExisting to replace it.';

/** The parts of an Octopus error body (octopus-api.md §1.7); any may be missing. */
export interface OctopusErrorBody {
  ErrorMessage?: string;
  Errors?: string[];
  HelpText?: string;
}

export function parseErrorBody(body: string): OctopusErrorBody | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as OctopusErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

/** The server's own words, as strings only (a hostile or broken server may send anything). */
function serverParts(body: OctopusErrorBody | undefined): { message: string | undefined; errors: string[] | undefined } {
  const message = typeof body?.ErrorMessage === 'string' ? body.ErrorMessage : undefined;
  const errors = Array.isArray(body?.Errors) ? body.Errors.filter((item): item is string => typeof item === 'string') : undefined;
  return { message, errors };
}

function serverText(parts: { message: string | undefined; errors: string[] | undefined }, raw: string, redactor: Redactor): string {
  if (parts.message || parts.errors?.length) {
    // Our messages end the sentence themselves.
    return [parts.message, ...(parts.errors ?? [])].filter(Boolean).join(' ').replace(/\.+$/, '');
  }
  // An HTML page: its text, not its markup.
  // Redacted before it is cut short: a secret cut in half would no longer be recognised.
  const trimmed = redactor
    .text(raw)
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed;
}

/** What an answer says, for the message of its status. */
interface Answer {
  status: number;
  /** `METHOD url`, redacted. */
  where: string;
  /** The server's own words, redacted. */
  said: string;
  /** ` after N attempts`, or nothing. */
  attempts: string;
  /** The redirect target, redacted. */
  location: string;
  conflictHint: string | undefined;
}

type Described = [OctoErrorCode, string, string];

/** Code, message and hint by status: one meaning per code. */
function describe(answer: Answer): Described {
  const { status, where, said, attempts } = answer;
  if (status >= 300 && status < 400) {
    return [
      'ERR_OCTO_REDIRECT',
      `The server answered ${status} redirecting ${where} to ${answer.location}; requests are not sent after redirects.`,
      'Use the final address as the `server` option: check http versus https and the virtual directory.',
    ];
  }
  switch (status) {
    case 401:
      return [
        'ERR_OCTO_AUTH',
        `The server refused the credentials (401) for ${where}: ${said || 'no message'}.`,
        'Check the `apiKey` (or `accessToken`), and that it belongs to this server.',
      ];
    case 403: {
      const missing = /Missing permission:\s*(\w+)/.exec(said)?.[1];
      return [
        'ERR_OCTO_PERMISSION',
        `The server refused ${where} (403)${missing ? `: missing permission ${missing}` : ''}. ${said}`.trim(),
        "Pushing needs the BuiltInFeedPush permission; overwriting an existing package needs BuiltInFeedAdminister. Ask an Octopus administrator to grant it to the key's user or team in this space.",
      ];
    }
    case 404:
      // An unknown space is found out (and named) when the space is resolved; a 404 here is another address.
      return [
        'ERR_OCTO_NOT_FOUND',
        `The server answered 404 for ${where}: ${said || 'not found'}.`,
        'Check the `server` option (with its virtual directory, if any): the server does not know this address.',
      ];
    case 408:
      return [
        'ERR_OCTO_TIMEOUT',
        `The server or a proxy timed out (408) on ${where}${attempts}.`,
        'Raise `timeout`, or check the proxy or load balancer in front of Octopus.',
      ];
    case 409:
      return [
        'ERR_OCTO_CONFLICT',
        `The package already exists on the server (409): ${said || 'conflict'}.`,
        answer.conflictHint ?? CONFLICT_HINT,
      ];
    case 413:
      return [
        'ERR_OCTO_REJECTED',
        `The server or a proxy in front of it refused ${where} as too large (413)${said ? `: ${said}` : ''}.`,
        'Raise the request body size limit of the proxy or load balancer in front of Octopus (nginx: client_max_body_size; IIS: maxAllowedContentLength).',
      ];
    case 400:
    case 415:
    case 422:
      return [
        'ERR_OCTO_REJECTED',
        `The server rejected ${where} (${status}): ${said || 'no message'}.`,
        'Check the package file name (<id>.<version>.<ext>), that the file is not empty, and its format.',
      ];
    default:
      return [
        'ERR_OCTO_SERVER',
        `The server failed ${where} with ${status}${attempts}: ${said || 'no message'}.`,
        'This is a server-side or gateway problem; try again later, and check the Octopus Server logs if it persists.',
      ];
  }
}

/** Turns an HTTP answer that is not a success into an OctoError with the server's own words, secrets redacted. */
export function httpError(
  status: number,
  rawBody: string,
  request: RequestInfo,
  headers: Record<string, string | string[] | undefined> = {},
): OctoError {
  const redactor = request.redactor ?? new Redactor();
  const parts = serverParts(parseErrorBody(rawBody));
  const url = redactor.url(request.url);
  const location = typeof headers.location === 'string' ? redactor.url(headers.location) : 'another address';
  const [code, message, hint] = describe({
    status,
    where: `${request.method} ${url}`,
    said: redactor.text(serverText(parts, rawBody, redactor)),
    attempts: request.attempts && request.attempts > 1 ? ` after ${request.attempts} attempts` : '',
    location,
    conflictHint: request.conflictHint,
  });
  return new OctoError(code, message, {
    hint,
    status,
    method: request.method,
    url,
    ...(parts.message !== undefined && { serverMessage: redactor.text(parts.message) }),
    ...(parts.errors !== undefined && { serverErrors: parts.errors.map((item) => redactor.text(item)) }),
    ...(request.attempts !== undefined && { attempts: request.attempts }),
  });
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

export function errorCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ERR_GOT_REQUEST_ERROR') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isTlsError(error: unknown): boolean {
  const code = errorCodeOf(error);
  return code !== undefined && (TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL'));
}

/** Turns a failure to get any answer into an OctoError: TLS, timeout or network. */
export function transportError(error: unknown, request: RequestInfo): OctoError {
  const code = errorCodeOf(error);
  const redactor = request.redactor ?? new Redactor();
  const url = redactor.url(request.url);
  const base = { cause: error, method: request.method, url, ...(request.attempts !== undefined && { attempts: request.attempts }) };
  const attempts = request.attempts && request.attempts > 1 ? ` after ${request.attempts} attempts` : '';
  const reason = redactor.text((error as Error)?.message ?? String(error));
  if (isTlsError(error)) {
    return new OctoError('ERR_OCTO_TLS', `The TLS connection to ${url} failed: ${reason}.`, {
      ...base,
      hint: 'If the server uses a private CA, pass its certificate with `caFile` or `ca`; only as a last resort use `insecure`.',
    });
  }
  if (code === 'ETIMEDOUT' || (error as Error)?.name === 'TimeoutError') {
    return new OctoError('ERR_OCTO_TIMEOUT', `${request.method} ${url} timed out${attempts}: ${reason}.`, {
      ...base,
      hint: 'Raise `timeout`, or check the network between here and the server.',
    });
  }
  return new OctoError(
    'ERR_OCTO_NETWORK',
    `${request.method} ${url} failed${attempts}: ${reason}${code && !reason.includes(code) ? ` (${code})` : ''}.`,
    {
      ...base,
      hint: 'Check the `server` option, that the server is up and reachable from here, and any `proxy` settings (HTTPS_PROXY).',
    },
  );
}
