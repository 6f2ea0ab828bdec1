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

/**
 * The steps of the store's one write path, in order: the upload is durable in the spool folder, moved beside the
 * package's record under a new name, the new record is durable under a temporary name, renamed over the old record
 * (the commit), and the old file removed.
 */
export const WRITE_STEPS = ['spooled', 'placed', 'record-written', 'recorded', 'cleaned'] as const;
export type WriteStep = (typeof WRITE_STEPS)[number];

/** Where a disk error can be injected: while spooling the body, moving it into place, or writing the record. */
export type DiskFaultPlace = 'spool' | 'place' | 'record';

interface DiskFault {
  at: DiskFaultPlace;
  code: string;
  remaining: number;
}

interface CrashFault {
  step: WriteStep;
  remaining: number;
}

/** Thrown at an injected crash point: the write stops there, and nothing is cleaned up, as after `kill -9`. */
export class SimulatedCrash extends Error {
  constructor(readonly step: WriteStep) {
    super(`simulated crash after step '${step}'`);
    this.name = 'SimulatedCrash';
  }
}

export function isSimulatedCrash(error: unknown): error is SimulatedCrash {
  return error instanceof SimulatedCrash;
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
  readonly #disk: DiskFault[] = [];
  readonly #crashes: CrashFault[] = [];
  #stepHook: ((step: WriteStep) => void | Promise<void>) | undefined;

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

  /** Fail the next `count` writes at `at` with a file-system error such as `ENOSPC` or `EROFS`. */
  diskError(code: string, options: { at?: DiskFaultPlace; count?: number } = {}): this {
    this.#disk.push({ at: options.at ?? 'spool', code, remaining: options.count ?? 1 });
    return this;
  }

  /** Stop the next `count` writes right after `step`, leaving the disk as a `kill -9` there would. */
  crashAfter(step: WriteStep, options: { count?: number } = {}): this {
    this.#crashes.push({ step, remaining: options.count ?? 1 });
    return this;
  }

  /** Calls `hook` after every write step (awaited): a child process can pause there to be killed. */
  onWriteStep(hook: ((step: WriteStep) => void | Promise<void>) | undefined): this {
    this.#stepHook = hook;
    return this;
  }

  clear(): this {
    for (const list of [this.#statuses, this.#delays, this.#resets, this.#slowAnswers, this.#disk, this.#crashes]) list.length = 0;
    this.#stepHook = undefined;
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

  /** An injected file-system error for a write at `at`, if one is due. */
  takeDiskError(at: DiskFaultPlace): NodeJS.ErrnoException | undefined {
    const fault = this.#disk.find((candidate) => candidate.at === at && candidate.remaining > 0);
    if (!fault) return undefined;
    fault.remaining--;
    return Object.assign(new Error(`${fault.code}: injected disk error while writing (${at})`), { code: fault.code });
  }

  /** Runs after each write step: the step hook, then an injected crash if one is due. */
  async afterStep(step: WriteStep): Promise<void> {
    await this.#stepHook?.(step);
    const crash = this.#crashes.find((candidate) => candidate.step === step && candidate.remaining > 0);
    if (crash) {
      crash.remaining--;
      throw new SimulatedCrash(step);
    }
  }
}
