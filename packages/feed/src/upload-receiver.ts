import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { FaultInjector } from './faults.js';
import { HttpProblem, badRequest, storageProblem } from './http-problem.js';
import type { FeedTimeouts } from './limits.js';
import { RECEIVE_BUFFER, type Spooled, spool } from './spool.js';

/** The client went away (or the connection was dropped on purpose): there is nobody to answer. */
export class ClientGone extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ClientGone';
  }
}

export interface ReceiveOptions<T> {
  spoolFolder: string;
  faults: FaultInjector;
  timeouts: Required<FeedTimeouts>;
  /** Checks the part's file name exactly as sent (before any path is stripped); throws a 400 to refuse it. */
  checkName: (fileName: string) => T;
  /** Drop the connection after this many body bytes (fault injection). */
  resetAfterBytes?: number;
}

export interface Received<T> {
  name: T;
  file: Spooled;
}

const timedOut = (what: string): HttpProblem =>
  new HttpProblem(408, `The request timed out: ${what}.`, ['Send the request again; the feed stored nothing of it.']);

/**
 * Receives the one file part of a multipart upload into the spool folder. It settles exactly once: with the
 * complete file, with `undefined` when there was no file part, or with an error, and on every error it has
 * already stopped its timers, the parser, the file and its temporary copy. A problem found early (a bad name, a
 * full disk, a timeout) is reported at once, without waiting for the rest of the body: the answer goes out with
 * `connection: close`, after which Node closes the socket.
 */
export function receiveUpload<T>(request: IncomingMessage, options: ReceiveOptions<T>): Promise<Received<T> | undefined> {
  return new Promise((resolve, reject) => new Reception(request, options, resolve, reject).start());
}

/** One upload being received: its parser, timers, file and the promise it settles once. */
class Reception<T> {
  #settled = false;
  #parser: busboy.Busboy | undefined;
  #fileStream: Readable | undefined;
  #spooling: Promise<Received<T>> | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #wholeTimer: NodeJS.Timeout | undefined;
  #resetAfter: number | undefined;

  constructor(
    readonly request: IncomingMessage,
    readonly options: ReceiveOptions<T>,
    readonly resolve: (value: Received<T> | undefined) => void,
    readonly reject: (error: Error) => void,
  ) {
    this.#resetAfter = options.resetAfterBytes;
  }

  start(): void {
    const { request, options } = this;
    try {
      this.#parser = busboy({
        headers: request.headers,
        preservePath: true, // the name is checked as sent: `sub/Demo.1.0.9.zip` is refused, not stripped
        limits: { files: 1, fields: 100, parts: 200, fieldSize: 64 * 1024, headerPairs: 100 },
        highWaterMark: RECEIVE_BUFFER,
        fileHwm: RECEIVE_BUFFER,
      });
    } catch (error) {
      request.resume();
      return this.reject(badRequest(`The request is not multipart/form-data: ${(error as Error).message}`));
    }
    const { request: timeouts } = options.timeouts;
    this.#wholeTimer = setTimeout(() => this.#fail(timedOut(`the body did not arrive within ${timeouts} ms`)), timeouts);
    this.#touch();
    const parser = this.#parser;
    parser.on('file', (_field, stream, info) => this.#onFile(stream, info.filename ?? ''));
    parser.on('error', (error: Error) => this.#fail(badRequest(`The multipart body could not be read: ${error.message}`)));
    parser.on('close', () => {
      if (!this.#spooling) return this.#succeed(undefined);
      this.#spooling.then(
        (value) => this.#succeed(value),
        (error: unknown) => this.#fail(storageProblem(error) ?? (error as Error)),
      );
    });
    request.on('data', (chunk: Buffer) => this.#onData(chunk));
    request.on('close', () => {
      if (!request.complete) this.#fail(new ClientGone('the client went away'));
    });
    request.on('error', (error) => this.#fail(new ClientGone(error.message)));
    request.pipe(parser);
  }

  #onFile(stream: Readable, fileName: string): void {
    if (this.#settled || this.#fileStream) return void stream.resume();
    this.#fileStream = stream;
    let name: T;
    try {
      name = this.options.checkName(fileName);
    } catch (error) {
      return this.#fail(error as Error);
    }
    this.#spooling = spool(stream, this.options.spoolFolder, this.options.faults).then((file) => ({ name, file }));
    this.#spooling.catch((error: unknown) => {
      // A full disk is answered now, not after the rest of the body.
      const problem = storageProblem(error);
      if (problem) this.#fail(problem);
    });
  }

  #onData(chunk: Buffer): void {
    this.#touch();
    if (this.#resetAfter === undefined || this.#settled) return;
    this.#resetAfter -= chunk.byteLength;
    if (this.#resetAfter <= 0) this.#fail(new ClientGone('connection reset by fault injection'));
  }

  #touch(): void {
    const { idleBody } = this.options.timeouts;
    clearTimeout(this.#idleTimer);
    if (this.#settled) return;
    this.#idleTimer = setTimeout(() => this.#fail(timedOut(`no part of the body arrived for ${idleBody} ms`)), idleBody);
  }

  #stopTimers(): void {
    clearTimeout(this.#idleTimer);
    clearTimeout(this.#wholeTimer);
  }

  #succeed(value: Received<T> | undefined): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#stopTimers();
    this.resolve(value);
  }

  #fail(error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#stopTimers();
    if (this.#parser) this.request.unpipe(this.#parser);
    this.#fileStream?.destroy(); // the spool, if it started, removes its partial file
    this.#parser?.destroy();
    // Nobody to answer: free the socket now. Otherwise the answer goes out with `connection: close`.
    if (error instanceof ClientGone) this.request.socket?.destroy();
    this.reject(error);
  }
}
