import dc from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { safeUrl } from '@octojs/core';
import type { Console } from './console.js';

function urlOf(request: ClientRequest): string {
  const path = request.path;
  // Through an http proxy the path is already the absolute URL.
  const host = request.getHeader('host') ?? request.host;
  const raw = /^https?:\/\//i.test(path) ? path : `${request.protocol}//${String(host)}${path}`;
  try {
    return safeUrl(raw);
  } catch {
    return raw;
  }
}

/**
 * With --verbose, a line for each HTTP request core makes and its outcome, from Node's own
 * diagnostics channels (so core needs no hook): method, URL without user info or secret query
 * parameters, and the status or the network error. Headers (where the key travels) are never shown.
 */
export function logRequests(output: Console): () => void {
  if (output.verbosity !== 'verbose') return () => {};
  const finished = ({ request, response }: { request: ClientRequest; response: IncomingMessage }): void =>
    output.detail(`${request.method} ${urlOf(request)} -> ${response.statusCode}`);
  const failed = ({ request, error }: { request: ClientRequest; error: NodeJS.ErrnoException }): void =>
    output.detail(`${request.method} ${urlOf(request)} -> ${error.code ?? error.message}`);
  dc.subscribe('http.client.response.finish', finished as (message: unknown) => void);
  dc.subscribe('http.client.request.error', failed as (message: unknown) => void);
  return () => {
    dc.unsubscribe('http.client.response.finish', finished as (message: unknown) => void);
    dc.unsubscribe('http.client.request.error', failed as (message: unknown) => void);
  };
}
