import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Exchange, FeedContext } from './context.js';
import { isSimulatedCrash } from './faults.js';
import { HttpProblem, badRequest, internalError, sendJson, sendProblem } from './http-problem.js';
import type { Redactor } from './redaction.js';
import { route } from './routes.js';
import { ClientGone } from './upload-receiver.js';

export interface FeedRequest {
  method: string;
  /** The path as sent, with any configured key or token in it replaced by `REDACTED`. */
  path: string;
  /** The query string as sent, with key and token values (and any configured key or token) replaced by `REDACTED`. */
  query: string;
  /** The status answered; 0 when no answer went out (the client went away, or the connection was dropped). */
  status: number;
  /** The answer did not reach the client whole: the connection closed before it was sent. */
  aborted: boolean;
}

export interface HandlerOptions {
  requests: FeedRequest[];
  debug: boolean;
  log?: (line: string) => void;
  /** Takes the feed's keys and tokens out of what is recorded and logged. */
  redactor: Redactor;
}

/** The request URL, or a 400 for a target that is not a path (`new URL` would read `//x` as a host). */
function requestUrl(request: IncomingMessage): URL {
  const target = request.url ?? '/';
  if (!target.startsWith('/')) throw badRequest('The request target must be a path.');
  try {
    return new URL(`http://feed.invalid${target}`);
  } catch {
    throw badRequest('The request target is not a valid URL.');
  }
}

/** Answers a failed exchange: an Octopus error, nothing for a client that is gone, a 500 without stack by default. */
function answerFailure({ request, response }: Exchange, error: unknown, options: HandlerOptions): void {
  if (error instanceof HttpProblem) {
    // Whatever the route did not read of the body is dropped, not left to stall the socket.
    if (!request.complete && !request.readableFlowing) request.resume();
    return sendProblem(response, error);
  }
  if (error instanceof ClientGone || isSimulatedCrash(error)) {
    request.socket?.destroy();
    return;
  }
  const text = options.debug ? String((error as Error)?.stack ?? error) : String((error as Error)?.message ?? error);
  options.log?.(options.redactor.text(`error: ${text}`));
  if (response.headersSent) return void response.destroy();
  sendJson(response, 500, internalError(error, options.debug), { connection: 'close' });
}

async function handle(context: FeedContext, exchange: Exchange): Promise<void> {
  const { request, response, url, method } = exchange;
  const { faults } = context;
  const delay = faults.takeDelay(method, url.pathname);
  if (delay) await sleep(delay.ms);
  const failure = faults.takeStatus(method, url.pathname);
  if (failure) {
    request.resume();
    response.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
    response.end(failure.body ?? JSON.stringify({ ErrorMessage: `Injected failure (${failure.status}).`, Errors: [] }));
    return;
  }
  await route(context, exchange);
}

/** The server's request listener: records and logs every answered request (keys redacted), routes, answers failures. */
export function requestHandler(
  context: FeedContext,
  options: HandlerOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const method = (request.method ?? 'GET').toUpperCase();
    const started = Date.now();
    let url: URL;
    try {
      url = requestUrl(request);
    } catch (error) {
      request.resume();
      return sendProblem(response, error as HttpProblem);
    }
    const exchange: Exchange = { request, response, url, method };
    response.on('close', () => {
      // Node's statusCode is 200 until an answer is written: a dropped connection must not read as a success.
      const status = response.headersSent ? response.statusCode : 0;
      const aborted = !response.writableFinished;
      const { redactor } = options;
      const entry: FeedRequest = { method, path: redactor.path(url.pathname), query: redactor.query(url.search), status, aborted };
      options.requests.push(entry);
      const outcome = `${status === 0 ? '-' : status}${aborted ? ' aborted (the connection closed before the answer was sent)' : ''}`;
      options.log?.(redactor.text(`${entry.method} ${entry.path}${entry.query} ${outcome} ${Date.now() - started} ms`));
    });
    handle(context, exchange).catch((error: unknown) => answerFailure(exchange, error, options));
  };
}
