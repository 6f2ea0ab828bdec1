import { type Signature, isOctodiffError, parseSignature } from '@octojs/octodiff';
import { isOctoError } from '../errors.js';
import type { OctopusSession } from '../octopus/session.js';

/** The server's signature of a version it has, to build a delta against (octopus-api.md §3.1). */
export interface BaseSignature {
  baseVersion: string;
  signature: Signature;
  /** Bytes of the decoded signature. */
  size: number;
}

/** What asking for a signature came to: one, a 404 (no version to build against), or a failure worth a warning. */
export type SignatureAnswer = { found: BaseSignature } | { missing: true } | { failed: string; auth: boolean };

/** A signature is ~1.3% of its base (26 bytes per 2048); base64 adds a third. This allows a base of ~12 GiB. */
const MAX_SIGNATURE_ANSWER = 256 * 1024 * 1024;

function field(body: Record<string, unknown>, name: string): unknown {
  // PascalCase from Octopus; camelCase as the Go CLI's tests send it.
  return body[name] ?? body[name.charAt(0).toLowerCase() + name.slice(1)];
}

/** GET the signature for `version` (the version being pushed: the server picks the base) and check it. */
export async function fetchSignature(session: OctopusSession, url: string): Promise<SignatureAnswer> {
  let answer: { status: number; body: unknown };
  try {
    answer = await session.getJson(url, { maxBody: MAX_SIGNATURE_ANSWER });
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    const auth = isOctoError(error) && (error.code === 'ERR_OCTO_AUTH' || error.code === 'ERR_OCTO_PERMISSION');
    return { failed: message, auth };
  }
  if (answer.status === 404) return { missing: true };
  const body = answer.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { failed: 'the answer is not an object', auth: false };
  const baseVersion = field(body as Record<string, unknown>, 'BaseVersion');
  const encoded = field(body as Record<string, unknown>, 'Signature');
  if (typeof baseVersion !== 'string' || baseVersion.trim() === '') return { failed: 'the answer has no BaseVersion', auth: false };
  if (typeof encoded !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) {
    return { failed: 'the answer has no base64 Signature', auth: false };
  }
  const bytes = Buffer.from(encoded, 'base64');
  try {
    return { found: { baseVersion, signature: parseSignature(bytes), size: bytes.byteLength } };
  } catch (error) {
    if (!isOctodiffError(error)) throw error;
    return { failed: `the signature is not usable: ${error.message}`, auth: false };
  }
}
