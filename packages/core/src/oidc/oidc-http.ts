import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { OctoError } from '../errors.js';
import { type ConnectionOptions, DEFAULT_RETRIES, DEFAULT_RETRY_DELAY, DEFAULT_TIMEOUT } from '../octopus/connection.js';
import { type HttpAnswer, HttpClient } from '../octopus/http-client.js';
import { isTlsError, parseErrorBody, transportError } from '../octopus/http-errors.js';
import { Redactor } from '../octopus/redact.js';
import { isRetryableStatus, retryAfterMs, withRetries } from '../octopus/retry.js';

export interface OidcHttp {
  /** One request with retries on network errors, 408, 429 and 5xx; resolves with any other answer. */
  request(
    method: 'GET' | 'POST',
    url: string,
    options?: { headers?: Record<string, string>; json?: unknown; secrets?: string[] },
  ): Promise<HttpAnswer>;
  close(): void;
}

/** An HTTP client for the sign-in requests, with the connection's TLS, proxy, timeout and retry settings. */
export async function oidcHttp(options: ConnectionOptions, target: string): Promise<OidcHttp> {
  const ca = options.ca === undefined ? [] : Array.isArray(options.ca) ? [...options.ca] : [options.ca];
  if (options.caFile) {
    try {
      ca.push(await readFile(options.caFile));
    } catch (error) {
      throw new OctoError('ERR_OCTO_INVALID_OPTION', `Could not read the CA file ${options.caFile}: ${(error as Error).message}.`, {
        hint: 'Give caFile as the path of a PEM file with the CA certificate(s) to trust.',
        cause: error,
        option: 'caFile',
      });
    }
  }
  const tls = { ...(ca.length > 0 && { ca: [...rootCertificates, ...ca] }), rejectUnauthorized: !options.insecure };
  const { default: proxyFromEnv } = await import('proxy-from-env');
  const proxy = options.proxy === false ? undefined : (options.proxy ?? (proxyFromEnv.getProxyForUrl(target) || undefined));
  let agents: ConstructorParameters<typeof HttpClient>[0]['agents'];
  if (proxy) {
    const { HttpProxyAgent, HttpsProxyAgent } = await import('hpagent');
    agents = {
      http: new HttpProxyAgent({ keepAlive: true, ...tls, proxy }),
      https: new HttpsProxyAgent({ keepAlive: true, ...tls, proxy }),
    };
  }
  const client = new HttpClient({
    headers: { accept: 'application/json', 'user-agent': `octojs (oidc)${options.userAgent ? ` ${options.userAgent}` : ''}` },
    timeout: options.timeout ?? DEFAULT_TIMEOUT,
    tls,
    ...(agents && { agents }),
  });
  const retries = Math.floor(options.retries ?? DEFAULT_RETRIES);
  const retryDelay = options.retryDelay ?? DEFAULT_RETRY_DELAY;
  return {
    request(method, url, { headers = {}, json, secrets = [] } = {}) {
      const body = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
      // The request's own secrets (the ID token, GitHub's request token) are kept out of any message.
      const redactor = new Redactor([...secrets, options.apiKey, options.accessToken]);
      const warn = (message: string): void => options.onWarning?.(redactor.text(message));
      return withRetries<HttpAnswer>({ retries, retryDelay, what: `${method} ${redactor.url(url)}`, warn }, async (attempts) => {
        let answer: HttpAnswer;
        try {
          answer = await client.request(method, url, {
            headers: { ...headers, ...(body && { 'content-type': 'application/json', 'content-length': String(body.length) }) },
            ...(body && { body: [body] }),
          });
        } catch (error) {
          const failure = transportError(error, { method, url, attempts, redactor });
          if (isTlsError(error)) throw failure;
          return { retry: failure };
        }
        // The last answer is returned whatever it is: the caller words the failure.
        if (isRetryableStatus(answer.status) && attempts <= retries) {
          return { retry: new Error(`the server answered ${answer.status}`), wait: retryAfterMs(answer.headers['retry-after']) };
        }
        return { done: answer };
      }).catch((error: unknown) => {
        throw redactor.error(error);
      });
    },
    close: () => client.close(),
  };
}

/** A server's own words from an error answer, with the given secrets blanked out (a server may echo what it was sent). */
export function serverWords(answer: HttpAnswer, secrets: string[]): string {
  const body = parseErrorBody(answer.body) as (Record<string, unknown> & { ErrorMessage?: string; Errors?: string[] }) | undefined;
  const text =
    body?.ErrorMessage || body?.Errors?.length
      ? [body.ErrorMessage, ...(body.Errors ?? [])].filter(Boolean).join(' ')
      : typeof body?.error_description === 'string'
        ? body.error_description
        : typeof body?.error === 'string'
          ? body.error
          : answer.body.trim();
  // Redacted before it is cut, so that half of a secret cannot survive at the cut; in any case and encoding, as pushes do.
  const redacted = new Redactor(secrets).text(text).replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[redacted]');
  return redacted.slice(0, 200).replace(/\.+$/, '');
}
