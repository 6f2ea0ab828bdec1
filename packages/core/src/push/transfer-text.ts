import { formatBytes } from '../format-bytes.js';
import type { PushResult } from './outcome.js';

/**
 * How a pushed package went, for a log line (CLI, gulp, grunt alike): a delta's base, bytes sent and share saved,
 * or why a delta was not used; '' for a plain full upload.
 */
export function transferText(result: Pick<PushResult, 'method' | 'bytesSent' | 'size' | 'baseVersion' | 'fullUploadReason'>): string {
  if (result.method === 'delta') {
    const saved = result.size === 0 ? 0 : Math.floor((1 - result.bytesSent / result.size) * 1000) / 10;
    return `delta from ${result.baseVersion}: ${formatBytes(result.bytesSent)} sent, ${saved}% saved`;
  }
  return result.fullUploadReason ? `full upload (delta not used: ${result.fullUploadReason})` : '';
}
