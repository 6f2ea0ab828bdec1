import { type OctoError, isOctoError } from '../errors.js';
import type { HttpAnswer } from '../octopus/http-client.js';
import { httpError, transportError } from '../octopus/http-errors.js';
import { isRetryableStatus, retryAfterMs, withRetries } from '../octopus/retry.js';
import type { OctopusSession, UploadBody } from '../octopus/session.js';

/** One attempt's body and what to do once it is over (sent, failed or abandoned). */
export interface AttemptBody extends UploadBody {
  close?: () => void;
}

export interface UploadRequest {
  url: string;
  /** A fresh body for each attempt: a full package, or (later) a delta. */
  body: (attempt: number) => AttemptBody;
  /** The hint a 409 gets (a legacy server cannot ignore existing packages). */
  conflictHint?: string;
  /**
   * After a timeout or a dropped connection, before sending again: whether the server stored what
   * was sent after all (same SHA-1). A result ends the retries.
   */
  stored?: () => Promise<boolean>;
}

/** The answer to the attempt that got one (2xx), and how many attempts it took. */
export interface UploadAnswer {
  answer: HttpAnswer;
  attempts: number;
  /** True when no answer came but the server turned out to hold the package. */
  foundStored: boolean;
}

/** Our own error, when an HTTP client error wraps one (the package stream failed while it was being sent). */
function octoErrorIn(error: unknown): OctoError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (isOctoError(current)) return current;
  }
  return undefined;
}

/**
 * POSTs a body with retries: on network errors, timeouts, 408, 429 and 5xx (never 400, 401, 403,
 * 404, 409, 413). After an answer was lost (timeout, dropped connection, 408, 504) it asks whether
 * the server stored the package before sending it again.
 */
export async function uploadWithRetry(session: OctopusSession, request: UploadRequest): Promise<UploadAnswer> {
  const { retries, retryDelay } = session.connection;
  const info = {
    method: 'POST',
    url: request.url,
    redactor: session.redactor,
    ...(request.conflictHint && { conflictHint: request.conflictHint }),
  };
  let lost = false;
  return withRetries<UploadAnswer>(
    {
      retries,
      retryDelay,
      what: `POST ${session.redactor.url(request.url)}`,
      warn: session.connection.warn,
      beforeRetry: async (_failure, attempts) => {
        if (!lost || !request.stored) return undefined;
        const stored = await request.stored().catch(() => false);
        return stored ? { done: { answer: { status: 201, headers: {}, body: '' }, attempts, foundStored: true } } : undefined;
      },
    },
    async (attempts) => {
      const body = request.body(attempts);
      let answer: HttpAnswer;
      try {
        answer = await session.upload(request.url, body).finally(() => body.close?.());
      } catch (error) {
        const own = octoErrorIn(error);
        if (own) throw own;
        const failure = transportError(error, { ...info, attempts });
        if (failure.code === 'ERR_OCTO_TLS') throw failure;
        lost = true;
        return { retry: failure };
      }
      if (answer.status === 200 || answer.status === 201) return { done: { answer, attempts, foundStored: false } };
      const failure = httpError(answer.status, answer.body, { ...info, attempts }, answer.headers);
      if (!isRetryableStatus(answer.status)) throw failure;
      lost = answer.status === 408 || answer.status === 504;
      return { retry: failure, wait: retryAfterMs(answer.headers['retry-after']) };
    },
  );
}
