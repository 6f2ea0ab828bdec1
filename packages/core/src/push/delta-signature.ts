import { type Signature, isOctodiffError, parseSignature } from '@octojs/octodiff';
import { isOctoError } from '../errors.js';
import type { OctopusSession } from '../octopus/session.js';
import { NotASignature, type SignatureDocument, signatureDecoder } from './signature-decoder.js';

/** The server's signature of a version it has, to build a delta against (octopus-api.md §3.1). */
export interface BaseSignature {
  baseVersion: string;
  signature: Signature;
  /** Bytes of the decoded signature. */
  size: number;
}

/** What asking for a signature came to: one, a 404 (no version to build against), or a failure worth a warning. */
export type SignatureAnswer = { found: BaseSignature } | { missing: true } | { failed: string; auth: boolean };

/** A signature is ~1.3% of its base (26 bytes per 2048 bytes): this allows a base of ~10 GiB. */
const MAX_SIGNATURE = 128 * 1024 * 1024;

/** GET the signature for `version` (the version being pushed: the server picks the base) and check it. */
export async function fetchSignature(session: OctopusSession, url: string): Promise<SignatureAnswer> {
  let answer: { status: number; body: SignatureDocument | undefined };
  try {
    answer = await session.getDecoded(url, signatureDecoder(MAX_SIGNATURE));
  } catch (error) {
    if (error instanceof NotASignature) return { failed: error.message, auth: false };
    const message = (error as Error)?.message ?? String(error);
    const auth = isOctoError(error) && (error.code === 'ERR_OCTO_AUTH' || error.code === 'ERR_OCTO_PERMISSION');
    return { failed: message, auth };
  }
  if (answer.status === 404 || !answer.body) return { missing: true };
  const { baseVersion, signature } = answer.body;
  if (baseVersion === undefined || baseVersion.trim() === '') return { failed: 'the answer has no BaseVersion', auth: false };
  if (signature === undefined) return { failed: 'the answer has no Signature', auth: false };
  try {
    return { found: { baseVersion, signature: parseSignature(signature), size: signature.byteLength } };
  } catch (error) {
    if (!isOctodiffError(error)) throw error;
    return { failed: `the signature is not usable: ${error.message}`, auth: false };
  }
}
