import type { ServerResponse } from 'node:http';

const REQUEST_PROBLEM = 'There was a problem with your request.';

/** An answer in Octopus's error shape (`ErrorMessage`, `Errors`, `HelpText`; octopus-api.md §1.7). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly errorMessage: string,
    readonly errors: string[] = [],
    readonly helpText?: string,
  ) {
    super(errorMessage);
    this.name = 'HttpProblem';
  }
}

/** A 400 with Octopus's generic message and one specific error. */
export function badRequest(error: string): HttpProblem {
  return new HttpProblem(400, REQUEST_PROBLEM, [error]);
}

export function notFound(what?: string): HttpProblem {
  return new HttpProblem(404, what ? `The resource '${what}' was not found.` : 'The resource you requested was not found.');
}

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM']);

/** A storage failure as an immediate answer: 507 when the disk is full, 500 when it cannot be written at all. */
export function storageProblem(error: unknown): HttpProblem | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && DISK_FULL.has(code)) {
    return new HttpProblem(507, 'The package could not be stored: the feed has no space left on its disk.', [
      `${code}: free some space in the feed's data folder and push again.`,
    ]);
  }
  if (code && (READ_ONLY.has(code) || code === 'EIO')) {
    return new HttpProblem(500, 'The package could not be stored: the feed cannot write to its data folder.', [
      `${code}: the data folder is read-only or failing.`,
    ]);
  }
  return undefined;
}

/** An unexpected failure; the stack trace is for a feed run with `debug` only. */
export function internalError(error: unknown, debug: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { ErrorMessage: 'An unexpected error occurred in the feed.', Errors: [] };
  if (debug) body.FullException = String((error as Error | undefined)?.stack ?? error);
  return body;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

/** Answers with the problem; an error answered before the whole body was read closes the connection after it. */
export function sendProblem(response: ServerResponse, problem: HttpProblem): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body: Record<string, unknown> = { ErrorMessage: problem.errorMessage, Errors: problem.errors };
  if (problem.helpText) body.HelpText = problem.helpText;
  sendJson(response, problem.status, body, { connection: 'close' });
}
