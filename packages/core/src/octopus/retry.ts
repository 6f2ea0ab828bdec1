import { setTimeout as sleep } from 'node:timers/promises';

/** Statuses worth another try: the request may well succeed later (never 400, 401, 403 or 409). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

const MAX_DELAY = 30_000;

/** Exponential backoff from `base`, with full jitter on the upper half, capped at 30 s. */
export function backoffDelay(attempt: number, base: number): number {
  const exponential = Math.min(MAX_DELAY, base * 2 ** (attempt - 1));
  return exponential / 2 + Math.random() * (exponential / 2);
}

/** Retry-After as milliseconds (seconds or an HTTP date), capped so a server cannot stall a build for long. */
export function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) ? Math.max(0, Math.min(ms, 120_000)) : undefined;
}

/** What one attempt came to: a result, or a failure worth another try (after `wait` ms, if the server said). */
export type Attempt<T> = { done: T } | { retry: Error; wait?: number | undefined };

export interface RetryOptions<T> {
  /** Retries after the first attempt. */
  retries: number;
  /** The first backoff in ms. */
  retryDelay: number;
  /** What is being tried, for the warning line: `POST https://…/packages/raw`. */
  what: string;
  /** Receives one line per retry (attempt, cause, next wait). */
  warn: (message: string) => void;
  /**
   * Called after the wait, before the next attempt: may end the loop with a result (a package the
   * server turns out to have stored before its answer was lost).
   */
  beforeRetry?: (failure: Error, attempt: number) => Promise<{ done: T } | undefined>;
}

/** The one retry loop of the Octopus client: every GET and upload goes through it. */
export async function withRetries<T>(options: RetryOptions<T>, attempt: (n: number) => Promise<Attempt<T>>): Promise<T> {
  for (let n = 1; ; n++) {
    const outcome = await attempt(n);
    if ('done' in outcome) return outcome.done;
    if (n > options.retries) throw outcome.retry;
    const wait = outcome.wait ?? backoffDelay(n, options.retryDelay);
    options.warn(
      `${options.what}: attempt ${n} of ${options.retries + 1} failed (${outcome.retry.message.replace(/\.$/, '')}); retrying in ${(wait / 1000).toFixed(1)} s.`,
    );
    await sleep(wait);
    const early = await options.beforeRetry?.(outcome.retry, n);
    if (early) return early.done;
  }
}
