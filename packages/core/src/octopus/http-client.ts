import http from 'node:http';
import https from 'node:https';
import { once } from 'node:events';

/** An answer: status, headers and the body as text (Octopus answers JSON; anything else is kept for the error). */
export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpClientOptions {
  /** Sent with every request (credentials, accept, user agent). */
  headers: Record<string, string>;
  /** Milliseconds without a byte either way before a request fails with ETIMEDOUT. */
  timeout: number;
  /** The agents to use, e.g. a proxy's, closed with the client; by default keep-alive agents with `tls`. */
  agents?: { http: http.Agent; https: https.Agent };
  tls: { ca?: (string | Buffer)[]; rejectUnauthorized: boolean };
}

export interface HttpRequestOptions {
  headers?: Record<string, string>;
  /** The body, written chunk by chunk with back-pressure; each chunk may be reused once `onWritten` has counted it. */
  body?: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** Bytes of the body the socket has taken so far. */
  onWritten?: (bytes: number) => void;
  /**
   * Takes the body of an answer with this status as it arrives, instead of keeping it (a delta signature is decoded
   * as it streams in: memory stays at its decoded size). A consumer that throws ends the request with that error.
   */
  consume?: (status: number, headers: http.IncomingHttpHeaders) => ((chunk: Buffer) => void) | undefined;
}

/** Error bodies past this are cut: they only feed an error message. */
const MAX_BODY = 1024 * 1024;

/**
 * A small HTTP(S) client over node:http for the few requests a push makes. got did this before; on
 * a 1 GB upload it cost ~23 MB of RSS and ~0.2 s (see the core README), and a push needs none of its
 * features beyond what is here: no redirects, no retries (ours are in the push), no caching.
 */
export class HttpClient {
  readonly #options: HttpClientOptions;
  readonly #agents: { http: http.Agent; https: https.Agent };

  constructor(options: HttpClientOptions) {
    this.#options = options;
    this.#agents = options.agents ?? {
      http: new http.Agent({ keepAlive: true }),
      https: new https.Agent({ keepAlive: true, ...options.tls }),
    };
  }

  /** One request; resolves with whatever status the server answered, rejects only when there is no answer. */
  request(method: string, url: string, options: HttpRequestOptions = {}): Promise<HttpAnswer> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const request = (secure ? https : http).request(target, {
      method,
      headers: { ...this.#options.headers, ...options.headers },
      agent: secure ? this.#agents.https : this.#agents.http,
    });
    const timeout = this.#options.timeout;
    request.setTimeout(timeout, () => {
      request.destroy(timedOut(`no byte was sent or received for ${timeout} ms`));
    });
    let written = 0;
    const deadline = new AttemptDeadline(
      timeout,
      () => written,
      (message) => request.destroy(timedOut(message)),
    );
    const answered = new Promise<HttpAnswer>((resolve, reject) => {
      request.once('error', reject);
      request.once('response', (response) => {
        const parts: Buffer[] = [];
        let length = 0;
        const consumer = options.consume?.(response.statusCode ?? 0, response.headers);
        response.on('data', (chunk: Buffer) => {
          if (consumer) {
            try {
              consumer(chunk);
            } catch (error) {
              reject(error);
              request.destroy();
            }
            return;
          }
          if (length < MAX_BODY) parts.push(chunk);
          length += chunk.byteLength;
        });
        response.once('error', reject);
        // A response destroyed by the deadline emits 'aborted'/'close' without 'end'.
        response.once('close', () => {
          if (!response.complete)
            reject(request.destroyed && deadline.reason ? timedOut(deadline.reason) : new Error('the answer was cut off'));
        });
        response.once('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(parts).toString('utf8') }),
        );
      });
    });
    answered.catch(() => {}); // raced below; a failure must not go unhandled while the body is still being written
    const sent = this.#send(request, options, answered, (bytes) => {
      written = bytes;
      options.onWritten?.(bytes);
    });
    sent.catch(() => {});
    // The answer may come before the whole body is sent (401, 409, 413...): it is the answer, and the rest is not sent.
    return Promise.race([answered, sent.then(() => answered)]).finally(() => {
      deadline.stop();
      // An answer that came before the whole body was sent leaves the connection mid-request: never reuse it.
      if (!request.writableEnded) request.destroy();
    });
  }

  /** Writes the body; stops early when the server answers first (e.g. 401 before the upload is read) or the request fails. */
  async #send(
    request: http.ClientRequest,
    options: HttpRequestOptions,
    answered: Promise<HttpAnswer>,
    onWritten: (bytes: number) => void,
  ): Promise<void> {
    if (!options.body) {
      request.end();
      return;
    }
    let over = false;
    answered.then(
      () => (over = true),
      () => (over = true),
    );
    let queued = 0;
    try {
      for await (const chunk of options.body) {
        if (over || request.destroyed) break;
        const at = (queued += chunk.byteLength);
        // The socket calls back in order, so `at` only grows.
        const ready = request.write(chunk, () => onWritten(at));
        if (!ready && !over) await Promise.race([once(request, 'drain'), answered.then(noop, noop)]);
      }
    } catch (error) {
      request.destroy(error as Error);
      throw error;
    }
    if (!over && !request.destroyed) request.end();
  }

  /** Closes the agents' connections (given agents too: they were made for this client). */
  close(): void {
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }
}

function noop(): void {}

function timedOut(message: string): Error {
  return Object.assign(new Error(message), { code: 'ETIMEDOUT' });
}

/** The slowest upload an attempt allows for: below it, the deadline overtakes the bytes sent. */
export const MIN_UPLOAD_RATE = 64 * 1024;

/**
 * An attempt's overall deadline: `timeout` plus the time the bytes sent so far take at 64 KiB/s.
 * Inactivity alone lets a server that trickles a byte a second (or an answer that never ends) hold
 * an attempt forever; this bounds it, and still leaves a slow link all the time its upload needs.
 */
class AttemptDeadline {
  readonly #started = Date.now();
  #timer: NodeJS.Timeout | undefined;
  reason: string | undefined;

  constructor(
    readonly timeout: number,
    readonly written: () => number,
    readonly expire: (message: string) => void,
  ) {
    this.#arm();
  }

  #limit(): number {
    return this.timeout + Math.ceil((this.written() * 1000) / MIN_UPLOAD_RATE);
  }

  #arm(): void {
    const wait = this.#started + this.#limit() - Date.now();
    this.#timer = setTimeout(
      () => {
        // More bytes went out meanwhile: the deadline moved on.
        if (Date.now() - this.#started < this.#limit()) return this.#arm();
        this.reason = `the attempt ran past its deadline of ${this.#limit()} ms (timeout ${this.timeout} ms + ${this.written()} bytes sent at 64 KiB/s)`;
        this.expire(this.reason);
      },
      Math.max(1, wait),
    );
    this.#timer.unref?.();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
