import { OctoError } from '../errors.js';

export type OverwriteMode = 'FailIfExists' | 'OverwriteExisting' | 'IgnoreIfExists';
export type OverwriteModeInput = OverwriteMode | 'fail' | 'overwrite' | 'ignore' | (string & {});

export interface PushProgress {
  /** Bytes of the package sent so far. */
  transferred: number;
  total: number;
  percent: number;
}

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
  /** Milliseconds of inactivity, or of waiting for the answer, before a request fails. Default: 600000 (10 min). */
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

export interface PushOptions extends ConnectionOptions {
  /** What to do when the version already exists. Default: FailIfExists. */
  overwriteMode?: OverwriteModeInput;
  /** Legacy: `true` is OverwriteExisting. */
  replace?: boolean;
  onProgress?: (progress: PushProgress) => void;
}

export interface ResolvedConnection {
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
  warn: (message: string) => void;
  warnings: string[];
}

const MODE_ALIASES: Record<string, OverwriteMode> = {
  fail: 'FailIfExists',
  failifexists: 'FailIfExists',
  overwrite: 'OverwriteExisting',
  overwriteexisting: 'OverwriteExisting',
  replace: 'OverwriteExisting',
  ignore: 'IgnoreIfExists',
  ignoreifexists: 'IgnoreIfExists',
};

export function normalizeOverwriteMode(mode: string | undefined, replace?: boolean): OverwriteMode {
  if (mode === undefined || mode === '') return replace ? 'OverwriteExisting' : 'FailIfExists';
  const normalized = MODE_ALIASES[String(mode).toLowerCase()];
  if (!normalized) {
    throw new OctoError('ERR_OCTO_INVALID_OPTION', `Unknown overwrite mode "${mode}".`, {
      hint: 'Use FailIfExists (fail), OverwriteExisting (overwrite) or IgnoreIfExists (ignore).',
    });
  }
  return normalized;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function wholeNumber(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new OctoError('ERR_OCTO_INVALID_OPTION', `The ${name} option must be a number of 0 or more, not "${String(value)}".`, {
      hint: `Give ${name} as a number.`,
    });
  }
  return value;
}

/** Fills options from OCTOPUS_* variables and checks them before any request is made. */
export function resolveConnection(options: ConnectionOptions): ResolvedConnection {
  const env = options.env ?? process.env;
  const serverText = nonEmpty(options.server) ?? nonEmpty(env.OCTOPUS_URL);
  const apiKey = nonEmpty(options.apiKey) ?? (nonEmpty(options.accessToken) ? undefined : nonEmpty(env.OCTOPUS_API_KEY));
  const accessToken = nonEmpty(options.accessToken) ?? (apiKey ? undefined : nonEmpty(env.OCTOPUS_ACCESS_TOKEN));
  if (!serverText) {
    throw new OctoError('ERR_OCTO_MISSING_SERVER', 'No Octopus Server URL was given.', {
      hint: 'Set the server option (--server) or the OCTOPUS_URL environment variable, e.g. https://octopus.example.com.',
    });
  }
  let server: URL;
  try {
    server = new URL(serverText);
    if (server.protocol !== 'http:' && server.protocol !== 'https:') throw new Error('not http or https');
  } catch (error) {
    const swapped = /^API-/i.test(serverText);
    throw new OctoError(
      'ERR_OCTO_INVALID_OPTION',
      swapped ? 'The server option holds an API key, not a URL.' : 'The server option is not an http or https URL.',
      {
        hint: swapped ? 'Swap the server and apiKey options.' : 'Give the server as a full URL, e.g. https://octopus.example.com/octopus.',
        cause: error,
      },
    );
  }
  if (server.username || server.password) {
    server.username = '';
    server.password = '';
  }
  if (!apiKey && !accessToken) {
    throw new OctoError('ERR_OCTO_MISSING_CREDENTIALS', 'No API key or access token was given.', {
      hint: 'Set OCTOPUS_API_KEY (or OCTOPUS_ACCESS_TOKEN) in the environment, or give apiKey / accessToken.',
    });
  }
  if (apiKey && !/^API-[A-Za-z0-9]+$/.test(apiKey)) {
    const looksLikeUrl = /^https?:\/\//i.test(apiKey);
    throw new OctoError(
      'ERR_OCTO_INVALID_OPTION',
      looksLikeUrl ? 'The apiKey option holds a URL, not an API key.' : 'The API key does not look like an Octopus API key (API-…).',
      {
        hint: looksLikeUrl ? 'Swap the server and apiKey options.' : 'Copy the whole key from your Octopus profile; it starts with "API-".',
      },
    );
  }
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  const caList = options.ca === undefined ? undefined : Array.isArray(options.ca) ? options.ca : [options.ca];
  return {
    server,
    credentials: apiKey ? { apiKey } : { accessToken: accessToken! },
    space: nonEmpty(options.space) ?? nonEmpty(env.OCTOPUS_SPACE),
    timeout: wholeNumber('timeout', options.timeout, 600_000),
    retries: Math.floor(wholeNumber('retries', options.retries, 3)),
    retryDelay: wholeNumber('retryDelay', options.retryDelay, 1000),
    ca: caList,
    caFile: options.caFile,
    insecure: options.insecure ?? false,
    proxy: options.proxy,
    userAgent: options.userAgent,
    warn,
    warnings,
  };
}
