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
