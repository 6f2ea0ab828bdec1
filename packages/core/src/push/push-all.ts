import { OctoError, asOctoError } from '../errors.js';
import { resolveConnection } from '../octopus/connection.js';
import { OctopusSession } from '../octopus/session.js';
import type { PushInput } from './local-package.js';
import type { PushResult } from './outcome.js';
import { PUSH_ALL_SCHEMA, type PushAllOptions, checkPushOptions } from './push-options.js';
import { pushWithSession } from './push.js';

export type { PushAllOptions } from './push-options.js';

export type PushAllEntry = ({ ok: true } & PushResult) | { ok: false; file: string; outcome: 'failed'; error: OctoError };

function inputName(input: PushInput): string {
  if (typeof input === 'string') return input;
  if (input !== null && typeof input === 'object') {
    if ('path' in input && typeof input.path === 'string') return input.path;
    if ('name' in input && typeof input.name === 'string') return input.name;
  }
  return String(input);
}

/** Pushes many packages over one session (the space is resolved once), a few at a time. */
export async function pushAll(inputs: readonly PushInput[], options: PushAllOptions = {}): Promise<PushAllEntry[]> {
  checkPushOptions('pushAll()', options, PUSH_ALL_SCHEMA);
  if (!Array.isArray(inputs)) {
    throw new OctoError('ERR_OCTO_INVALID_OPTION', 'pushAll() takes an array of packages to push.', {
      hint: 'Pass the packages as an array, e.g. pushAll([file]), or call push(file) for one.',
    });
  }
  const connection = resolveConnection(options);
  const { concurrency: _concurrency, continueOnError: _continue, onResult: _onResult, ...pushOptions } = options;
  const session = await OctopusSession.create(connection).catch((error: unknown) => {
    throw connection.redactor.error(asOctoError(error));
  });
  const concurrency = options.concurrency ?? 2;
  const results: PushAllEntry[] = new Array(inputs.length);
  let next = 0;
  let stop: OctoError | undefined;
  const worker = async (): Promise<void> => {
    while (next < inputs.length && stop === undefined) {
      const index = next++;
      const input = inputs[index]!;
      try {
        results[index] = { ok: true, ...(await pushWithSession(session, input, pushOptions)) };
      } catch (error) {
        // Each package keeps its own error, scrubbed as push() scrubs it.
        const own = connection.redactor.error(asOctoError(error));
        if (!options.continueOnError) {
          stop ??= own;
          return;
        }
        results[index] = { ok: false, file: inputName(input), outcome: 'failed', error: own };
      }
      options.onResult?.(results[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, worker)).finally(() => session.close());
  if (stop !== undefined) throw stop;
  return results.map((entry) => (entry.ok ? { ...entry, warnings: [...new Set([...connection.warnings, ...entry.warnings])] } : entry));
}
