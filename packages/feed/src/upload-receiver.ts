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
  return new Promise((resolve, reject) => {
    let settled = false;
    let fileStream: Readable | undefined;
    let spooling: Promise<Received<T>> | undefined;
    let idleTimer: NodeJS.Timeout | undefined;
    let parser: busboy.Busboy;

    const stopTimers = (): void => {
      clearTimeout(idleTimer);
      clearTimeout(wholeTimer);
    };
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      stopTimers();
      request.unpipe(parser);
      fileStream?.destroy(); // the spool, if it started, removes its partial file
      parser.destroy();
      // Nobody to answer: free the socket now. Otherwise the answer goes out with `connection: close`.
      if (error instanceof ClientGone) request.socket?.destroy();
      reject(error);
    };
    const succeed = (value: Received<T> | undefined): void => {
      if (settled) return;
      settled = true;
      stopTimers();
      resolve(value);
    };
    const onTimeout = (what: string): void => fail(timedOut(what));
    const touch = (): void => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => onTimeout(`no part of the body arrived for ${options.timeouts.idleBody} ms`), options.timeouts.idleBody);
    };
    const wholeTimer = setTimeout(
      () => onTimeout(`the body did not arrive within ${options.timeouts.request} ms`),
      options.timeouts.request,
    );
    touch();

    try {
      parser = busboy({
        headers: request.headers,
        preservePath: true, // the name is checked as sent: `sub/Demo.1.0.9.zip` is refused, not stripped
        limits: { files: 1, fields: 100, parts: 200, fieldSize: 64 * 1024, headerPairs: 100 },
        highWaterMark: RECEIVE_BUFFER,
        fileHwm: RECEIVE_BUFFER,
      });
    } catch (error) {
      stopTimers();
      request.resume();
      reject(badRequest(`The request is not multipart/form-data: ${(error as Error).message}`));
      return;
    }

    parser.on('file', (_field, stream, info) => {
      if (settled) return void stream.resume();
      fileStream = stream;
      let name: T;
      try {
        name = options.checkName(info.filename ?? '');
      } catch (error) {
        return fail(error as Error);
      }
      spooling = spool(stream, options.spoolFolder, options.faults).then((file) => ({ name, file }));
      spooling.catch((error: unknown) => {
        const problem = storageProblem(error);
        if (problem) fail(problem);
      });
    });
    parser.on('error', (error: Error) => fail(badRequest(`The multipart body could not be read: ${error.message}`)));
    parser.on('close', () => {
      if (!spooling) return succeed(undefined);
      spooling.then(succeed, (error: unknown) => fail(storageProblem(error) ?? (error as Error)));
    });
    request.on('data', (chunk: Buffer) => {
      touch();
      if (options.resetAfterBytes === undefined || settled) return;
      options.resetAfterBytes -= chunk.byteLength;
      if (options.resetAfterBytes <= 0) fail(new ClientGone('connection reset by fault injection'));
    });
    request.on('close', () => {
      if (!request.complete) fail(new ClientGone('the client went away'));
    });
    request.on('error', (error) => fail(new ClientGone(error.message)));
    request.pipe(parser);
  });
}
