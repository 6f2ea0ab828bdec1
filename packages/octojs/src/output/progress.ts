import { formatBytes } from '@octojs/core';

interface Upload {
  sent: number;
  total: number;
  started: number;
  /** `delta` when a delta is sent instead of the package. */
  method?: 'full' | 'delta' | undefined;
}

/**
 * The progress of the uploads in flight, one line for all: each package by name with its own bytes
 * and total, so two uploads at once do not mix their numbers.
 */
export class UploadProgress {
  readonly #uploads = new Map<string, Upload>();

  update(name: string, sent: number, total: number, now = Date.now(), method?: 'full' | 'delta'): void {
    const upload = this.#uploads.get(name);
    if (upload && upload.method === method) {
      upload.sent = sent;
      upload.total = total;
    } else {
      // A delta that falls back to a full upload starts again: a new total, a new rate.
      this.#uploads.set(name, { sent, total, started: now, method });
    }
  }

  done(name: string): void {
    this.#uploads.delete(name);
  }

  get active(): number {
    return this.#uploads.size;
  }

  /** One line, at most `width` characters. */
  render(width: number, now = Date.now()): string {
    const parts = [...this.#uploads].map(([name, upload]) => {
      const elapsed = Math.max(0.001, (now - upload.started) / 1000);
      const rate = upload.sent / elapsed;
      const percent = upload.total === 0 ? 100 : Math.floor((100 * upload.sent) / upload.total);
      const eta = rate > 0 ? Math.round((upload.total - upload.sent) / rate) : 0;
      const detail = `${formatBytes(upload.sent)}/${formatBytes(upload.total)} ${percent}%`;
      const what = upload.method === 'delta' ? `delta ${name}` : name;
      return this.#uploads.size === 1
        ? `uploading ${what} ${bar(percent)} ${detail} ${formatBytes(rate)}/s ETA ${eta}s`
        : `${what} ${detail}`;
    });
    const line = this.#uploads.size === 1 ? parts[0]! : `uploading ${parts.join(' · ')}`;
    return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
  }
}

function bar(percent: number): string {
  const width = 20;
  const filled = Math.round((width * Math.min(100, percent)) / 100);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}
