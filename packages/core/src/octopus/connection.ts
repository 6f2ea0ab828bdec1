import { OctoError } from '../errors.js';
import type { OptionSchema } from '../options/check-options.js';
import { checkProxyUrl } from './proxy-url.js';
import { Redactor } from './redact.js';
import { parseServerUrl } from './server-url.js';

export interface ConnectionOptions {
  /** The Octopus Server URL, a virtual directory allowed. Default: OCTOPUS_URL. */
  server?: string;
  /** An API key (`API-…`). Default: OCTOPUS_API_KEY. */
  apiKey?: string;
  /** A bearer access token (OIDC), instead of an API key. Default: OCTOPUS_ACCESS_TOKEN. */
  accessToken?: string;
  /**
   * An Octopus service account id for OIDC sign-in from CI, used when no API key or access token is
   * given: the CI's ID token is exchanged for an access token. Default: OCTOPUS_SERVICE_ACCOUNT_ID.
   */
  serviceAccountId?: string;
  /** A space name or id (`Spaces-2`). Default: OCTOPUS_SPACE, else the server's default space. */
  space?: string;
  /** Milliseconds without a byte either way (sending, or waiting for the answer) before an attempt fails. Default: 120000. */
  timeout?: number;
  /** Retries after a network error, a timeout, 408, 429 or 5xx. Default: 3 (so 4 attempts). */
  retries?: number;
  /** The first retry's delay in ms; it doubles each time, with jitter, up to 30 s. Default: 1000. */
  retryDelay?: number;
  /** Extra CA certificates (PEM) to trust. */
  ca?: string | Buffer | (string | Buffer)[];
  /** A file of PEM CA certificates to trust. */
  caFile?: string;
  /** Skip TLS certificate verification. Default: false. Warns when set. */
  insecure?: boolean;
  /** A proxy URL (`http://user:pass@proxy:3128`), or false for none. Default: HTTPS_PROXY / HTTP_PROXY, honouring NO_PROXY. */
  proxy?: string | false;
  /** Receives warnings; core never writes to the console itself. */
  onWarning?: (message: string) => void;
  /** Added to the User-Agent, e.g. `gulp-octo/1.0.0`. */
  userAgent?: string;
  /** Where OCTOPUS_* defaults come from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Defaults: with them, a server that stops answering costs at most ~8 minutes, with a warning line per retry. */
export const DEFAULT_TIMEOUT = 120_000;
export const DEFAULT_RETRIES = 3;
export const DEFAULT_RETRY_DELAY = 1000;

/** The rules checkOptions applies to connection options (push, pushAll and later operations extend them). */
export const CONNECTION_SCHEMA: OptionSchema = {
  server: { type: 'string' },
  apiKey: { type: 'string' },
  accessToken: { type: 'string' },
  serviceAccountId: { type: 'string' },
  space: { type: 'string' },
  timeout: { type: 'number', min: 1, max: 2_147_483_647 },
  retries: { type: 'number', min: 0, max: 100, integer: true },
  retryDelay: { type: 'number', min: 0, max: 600_000 },
  // An array of PEM texts or Buffers is checked by resolveConnection: checkOptions has no rule for mixed arrays.
  ca: [{ type: 'string' }, { type: 'buffer' }, { type: 'strings' }],
  caFile: { type: 'string', nonEmpty: true },
  insecure: { type: 'boolean' },
  proxy: [
    { type: 'string', nonEmpty: true },
    { type: 'literal', value: false },
  ],
  onWarning: { type: 'function' },
  userAgent: { type: 'string' },
  env: { type: 'object' },
};

export interface ResolvedConnection {
  /** The server root (no query, no trailing `/`). */
  server: URL;
  credentials: { apiKey: string } | { accessToken: string };
  space: string | undefined;
  timeout: number;
  retries: number;
  retryDelay: number;
  ca: (string | Buffer)[] | undefined;
  caFile: string | undefined;
  insecure: boolean;
  proxy: string | false | undefined;
  userAgent: string | undefined;
  /** Hides the credentials (and any key-shaped text) in whatever is shown. */
  redactor: Redactor;
  /** Gives a warning to `onWarning`, redacted, and keeps it. */
  warn: (message: string) => void;
  warnings: string[];
}

function nonEmpty(value: string | undefined): string | undefined {
  return typeof value !== 'string' || value.trim() === '' ? undefined : value.trim();
}

function checkApiKey(apiKey: string): void {
  if (/^API-[A-Za-z0-9]+$/.test(apiKey)) return;
  const looksLikeUrl = /^https?:\/\//i.test(apiKey);
  throw new OctoError(
    'ERR_OCTO_INVALID_OPTION',
    looksLikeUrl ? 'The `apiKey` option holds a URL, not an API key.' : 'The API key does not look like an Octopus API key (API-…).',
    {
      hint: looksLikeUrl
        ? 'Swap the `server` and `apiKey` options.'
        : 'Copy the whole key from your Octopus profile; it starts with "API-".',
      option: 'apiKey',
    },
  );
}

function caList(ca: ConnectionOptions['ca']): (string | Buffer)[] | undefined {
  if (ca === undefined) return undefined;
  const list = Array.isArray(ca) ? ca : [ca];
  if (!list.every((item) => typeof item === 'string' || Buffer.isBuffer(item))) {
    throw new OctoError('ERR_OCTO_INVALID_OPTION', 'The option `ca` must be PEM text, a Buffer, or an array of them.', {
      hint: 'Give `ca` as PEM text, or `caFile` as the path of a PEM file.',
      option: 'ca',
    });
  }
  return list;
}

/**
 * Fills options from OCTOPUS_* variables and checks them before any request is made. (Types and
 * unknown keys are checked by the operation with checkOptions first.)
 */
export function resolveConnection(options: ConnectionOptions): ResolvedConnection {
  const env = options.env ?? process.env;
  const serverText = nonEmpty(options.server) ?? nonEmpty(env.OCTOPUS_URL);
  if (!serverText) {
    throw new OctoError('ERR_OCTO_MISSING_SERVER', 'No Octopus Server URL was given.', {
      hint: 'Set the `server` option or the OCTOPUS_URL environment variable, e.g. https://octopus.example.com.',
      option: 'server',
    });
  }
  const address = parseServerUrl(serverText);
  const apiKey = nonEmpty(options.apiKey) ?? address.apiKey ?? (nonEmpty(options.accessToken) ? undefined : nonEmpty(env.OCTOPUS_API_KEY));
  const accessToken = apiKey ? undefined : (nonEmpty(options.accessToken) ?? nonEmpty(env.OCTOPUS_ACCESS_TOKEN));
  if (!apiKey && !accessToken) {
    throw new OctoError('ERR_OCTO_MISSING_CREDENTIALS', 'No API key or access token was given.', {
      hint: 'Set OCTOPUS_API_KEY (or OCTOPUS_ACCESS_TOKEN) in the environment, or give `apiKey` / `accessToken`.',
      option: 'apiKey',
    });
  }
  if (apiKey) checkApiKey(apiKey);
  if (typeof options.proxy === 'string') checkProxyUrl(options.proxy);
  const redactor = new Redactor([apiKey, accessToken, address.apiKey, nonEmpty(options.apiKey), nonEmpty(options.accessToken)]);
  const warnings: string[] = [];
  const warn = (message: string): void => {
    const safe = redactor.text(message);
    warnings.push(safe);
    options.onWarning?.(safe);
  };
  if (address.normalised) {
    warn(`The server URL was not the server's root address (${address.normalised}): using ${redactor.url(address.base)}.`);
  }
  return {
    server: address.base,
    credentials: apiKey ? { apiKey } : { accessToken: accessToken! },
    space: nonEmpty(options.space) ?? nonEmpty(env.OCTOPUS_SPACE),
    timeout: options.timeout ?? DEFAULT_TIMEOUT,
    retries: Math.floor(options.retries ?? DEFAULT_RETRIES),
    retryDelay: options.retryDelay ?? DEFAULT_RETRY_DELAY,
    ca: caList(options.ca),
    caFile: options.caFile,
    insecure: options.insecure ?? false,
    proxy: options.proxy,
    userAgent: options.userAgent,
    redactor,
    warn,
    warnings,
  };
}
