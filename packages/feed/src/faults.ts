/** Which requests a fault applies to: by method and by a test of the path. Default: any request. */
export interface FaultMatch {
  method?: string;
  path?: RegExp;
}

interface Fault extends FaultMatch {
  remaining: number;
}

export interface StatusFault extends Fault {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface DelayFault extends Fault {
  ms: number;
}

export interface ResetFault extends Fault {
  afterBytes: number;
}

function matches(fault: Fault, method: string, pathname: string): boolean {
  return (
    fault.remaining > 0 &&
    (fault.method === undefined || fault.method.toUpperCase() === method) &&
    (fault.path === undefined || fault.path.test(pathname))
  );
}

function take<T extends Fault>(list: T[], method: string, pathname: string): T | undefined {
  const fault = list.find((candidate) => matches(candidate, method, pathname));
  if (fault) fault.remaining--;
  return fault;
}

/**
 * Misbehaviour a test can ask of the feed: each kind applies to the next `count` matching
 * requests, then the feed behaves again.
 */
export class FaultInjector {
  readonly #statuses: StatusFault[] = [];
  readonly #delays: DelayFault[] = [];
  readonly #resets: ResetFault[] = [];
  readonly #slowAnswers: DelayFault[] = [];

  /** Answer the next `count` matching requests with `status` (a Retry-After header may be given). */
  failNext(count: number, status: number, options: FaultMatch & { body?: string; retryAfter?: number } = {}): this {
    const headers: Record<string, string> = {};
    if (options.retryAfter !== undefined) headers['retry-after'] = String(options.retryAfter);
    this.#statuses.push({ ...options, remaining: count, status, headers });
    return this;
  }

  /** Wait `ms` before handling the next `count` matching requests. */
  delay(ms: number, options: FaultMatch & { count?: number } = {}): this {
    this.#delays.push({ ...options, remaining: options.count ?? 1, ms });
    return this;
  }

  /** Drop the connection of the next `count` uploads after `afterBytes` bytes of body. */
  resetAfterBytes(afterBytes: number, options: FaultMatch & { count?: number } = {}): this {
    this.#resets.push({ method: 'POST', ...options, remaining: options.count ?? 1, afterBytes });
    return this;
  }

  /** Store the next `count` uploads, then wait `ms` before answering (as Octopus Cloud does with huge files). */
  storeThenDelay(ms: number, options: FaultMatch & { count?: number } = {}): this {
    this.#slowAnswers.push({ method: 'POST', ...options, remaining: options.count ?? 1, ms });
    return this;
  }

  clear(): this {
    for (const list of [this.#statuses, this.#delays, this.#resets, this.#slowAnswers]) list.length = 0;
    return this;
  }

  takeStatus(method: string, pathname: string): StatusFault | undefined {
    return take(this.#statuses, method, pathname);
  }

  takeDelay(method: string, pathname: string): DelayFault | undefined {
    return take(this.#delays, method, pathname);
  }

  takeReset(method: string, pathname: string): ResetFault | undefined {
    return take(this.#resets, method, pathname);
  }

  takeSlowAnswer(method: string, pathname: string): DelayFault | undefined {
    return take(this.#slowAnswers, method, pathname);
  }
}
