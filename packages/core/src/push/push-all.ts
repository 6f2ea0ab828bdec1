import { type OctoError, isOctoError } from '../errors.js';
import { OctoError as OctoErrorClass } from '../errors.js';
import { OctopusSession } from './octopus-session.js';
import { type PushInput, type PushResult, pushWithSession } from './push.js';
import { resolveConnectionWithOidc } from '../oidc/resolve-connection.js';
import type { PushOptions } from './push-options.js';

export interface PushAllOptions extends PushOptions {
  /** How many packages are uploaded at once. Default: 2. */
  concurrency?: number;
  /** Push the rest after a failure and report each; default false (reject at the first failure). */
  continueOnError?: boolean;
  /** Called as each package finishes, in completion order. */
  onResult?: (entry: PushAllEntry) => void;
}

export type PushAllEntry = ({ ok: true } & PushResult) | { ok: false; file: string; error: OctoError };

function inputName(input: PushInput): string {
  return typeof input === 'string' ? input : 'path' in input ? input.path : input.name;
}

function asOctoError(error: unknown): OctoError {
  if (isOctoError(error)) return error;
  return new OctoErrorClass('ERR_OCTO_NETWORK', (error as Error)?.message ?? String(error), { hint: 'See the cause.', cause: error });
}

/** Pushes many packages over one session (the space is resolved once), a few at a time. */
export async function pushAll(inputs: readonly PushInput[], options: PushAllOptions = {}): Promise<PushAllEntry[]> {
  const session = await OctopusSession.create(await resolveConnectionWithOidc(options));
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 2));
  const results: PushAllEntry[] = new Array(inputs.length);
  let next = 0;
  let stop: unknown;
  const worker = async (): Promise<void> => {
    while (next < inputs.length && stop === undefined) {
      const index = next++;
      const input = inputs[index]!;
      try {
        const result = await pushWithSession(session, input, options);
        results[index] = { ok: true, ...result };
      } catch (error) {
        if (!options.continueOnError) {
          stop ??= error;
          return;
        }
        results[index] = { ok: false, file: inputName(input), error: asOctoError(error) };
      }
      options.onResult?.(results[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, worker)).finally(() => session.close());
  if (stop !== undefined) throw stop;
  return results;
}
