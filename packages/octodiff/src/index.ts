export { rollingChecksum, rotateChecksum } from './adler32.js';
export { applyDelta, type ApplyOptions, type ApplyResult } from './delta-applier.js';
export { createDelta, type DeltaOptions, type DeltaResult } from './delta-builder.js';
export type { DeltaStats } from './delta-writer.js';
export { OctodiffError, type OctodiffErrorCode, isOctodiffError } from './errors.js';
export { DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, type RollingChecksumName } from './format.js';
export { parseSignature, type Signature } from './signature.js';
export { createSignature, type SignatureOptions, writeSignature } from './signature-builder.js';
export type { ByteInput } from './sources.js';
