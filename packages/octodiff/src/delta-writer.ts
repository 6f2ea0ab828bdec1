import { COPY_COMMAND_LENGTH, DATA_HEADER_LENGTH, encodeCopy, encodeDataHeader } from './format.js';
import type { ByteSink } from './sinks.js';

const STAGING_SIZE = 1 << 20;

/** What a delta holds, for reports and for the caller's "is the delta worth it" decision. */
export interface DeltaStats {
  /** COPY commands written (after merging adjacent ones). */
  copyCommands: number;
  /** Bytes the COPY commands take from the basis file. */
  copiedBytes: number;
  /** DATA commands written. */
  dataCommands: number;
  /** Literal bytes the DATA commands carry. */
  literalBytes: number;
}

/**
 * Encodes delta commands into staging buffers for a sink. COPYs that continue the previous one are merged
 * (Octodiff's AggregateCopyOperationsDecorator); nothing is written for empty ranges. Calls are synchronous
 * for the hot loop; `drain()` hands full buffers to the sink.
 */
export class DeltaWriter {
  readonly stats: DeltaStats = { copyCommands: 0, copiedBytes: 0, dataCommands: 0, literalBytes: 0 };
  /** Bytes handed to the sink so far, plus those staged. */
  written = 0;
  private staging = Buffer.allocUnsafe(STAGING_SIZE);
  private used = 0;
  private readonly ready: Buffer[] = [];
  private copyStart = 0;
  private copyLength = 0;

  constructor(private readonly sink: ByteSink) {}

  copy(start: number, length: number): void {
    if (length === 0) return;
    if (this.copyLength > 0 && start === this.copyStart + this.copyLength) {
      this.copyLength += length;
      return;
    }
    this.flushCopy();
    this.copyStart = start;
    this.copyLength = length;
  }

  /** A DATA command with `bytes[start, end)`; the bytes are copied, so the caller may reuse its buffer. */
  data(bytes: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (length <= 0) return;
    this.flushCopy();
    this.reserve(DATA_HEADER_LENGTH);
    encodeDataHeader(this.staging, this.used, length);
    this.used += DATA_HEADER_LENGTH;
    let at = start;
    while (at < end) {
      if (this.used === STAGING_SIZE) this.reserve(1);
      const n = Math.min(end - at, STAGING_SIZE - this.used);
      this.staging.set(bytes.subarray(at, at + n), this.used);
      this.used += n;
      at += n;
    }
    this.written += DATA_HEADER_LENGTH + length;
    this.stats.dataCommands++;
    this.stats.literalBytes += length;
  }

  /** Hands every full staging buffer to the sink. */
  async drain(): Promise<void> {
    while (this.ready.length > 0) await this.sink.write(this.ready.shift()!);
  }

  /** Writes the pending COPY and everything staged. */
  async finish(): Promise<void> {
    this.flushCopy();
    if (this.used > 0) {
      this.ready.push(this.staging.subarray(0, this.used));
      this.staging = Buffer.allocUnsafe(0);
      this.used = 0;
    }
    await this.drain();
  }

  private flushCopy(): void {
    if (this.copyLength === 0) return;
    this.reserve(COPY_COMMAND_LENGTH);
    encodeCopy(this.staging, this.used, this.copyStart, this.copyLength);
    this.used += COPY_COMMAND_LENGTH;
    this.written += COPY_COMMAND_LENGTH;
    this.stats.copyCommands++;
    this.stats.copiedBytes += this.copyLength;
    this.copyLength = 0;
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= STAGING_SIZE) return;
    this.ready.push(this.staging.subarray(0, this.used));
    this.staging = Buffer.allocUnsafe(STAGING_SIZE);
    this.used = 0;
  }
}
