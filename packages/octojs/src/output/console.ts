import { formatBytes } from '@octojs/core';
import { transferText } from '@octojs/core/internal';
import type { Verbosity } from '../args/values.js';
import type { OutputFormat } from '../config/settings.js';
import type { Failure } from '../errors.js';
import { UploadProgress } from './progress.js';
import type { PackageReport } from './report.js';

/** A push's delta, bytes sent and share saved, or why a delta was not used ('' for a plain full upload). */
function transfer(entry: PackageReport): string {
  if (entry.method === undefined || entry.size === null) return '';
  const text = transferText({ ...entry, method: entry.method, bytesSent: entry.bytesSent ?? entry.size, size: entry.size });
  return text ? `  ${text}` : '';
}

export interface Streams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
}

/**
 * Where the CLI speaks: human lines on stderr (stdout stays clean for --json and basic), colours
 * unless NO_COLOR, and one progress line only on an interactive terminal outside CI.
 */
export class Console {
  readonly format: OutputFormat;
  readonly verbosity: Verbosity;
  /** A progress line may be drawn. */
  readonly progress: boolean;
  readonly #io: Streams;
  readonly #color: boolean;
  readonly #uploads = new UploadProgress();
  #lineShown = false;
  #lastDraw = 0;

  constructor(
    format: OutputFormat,
    verbosity: Verbosity,
    io: Streams = { stdout: process.stdout, stderr: process.stderr, env: process.env },
  ) {
    this.format = format;
    this.verbosity = verbosity;
    this.#io = io;
    this.#color = !io.env.NO_COLOR && io.stderr.isTTY === true;
    this.progress = io.stderr.isTTY === true && !io.env.CI && format === 'table' && (verbosity === 'normal' || verbosity === 'verbose');
  }

  paint(code: number, text: string): string {
    return this.#color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }

  /** A line on stderr, after clearing any progress line. */
  line(text: string): void {
    this.#clear();
    this.#io.stderr.write(`${text}\n`);
  }

  /** What a person watching wants to see; not with --quiet, --json or basic. */
  note(text: string): void {
    if (this.format === 'table' && (this.verbosity === 'normal' || this.verbosity === 'verbose')) this.line(text);
  }

  /** --verbose only (on stderr, so also with --json). */
  detail(text: string): void {
    if (this.verbosity === 'verbose') this.line(`  ${text}`);
  }

  warn(text: string): void {
    if (this.verbosity !== 'quiet') this.line(`${this.paint(33, 'warning')} ${text}`);
  }

  /** A failure, printed once; the stack only with --verbose. */
  failure(failure: Failure, cause?: unknown, subject?: string): void {
    this.line(
      `${this.paint(31, 'error')} ${subject ? `${subject}: ` : ''}${failure.code}: ${failure.message}${failure.hint ? `\n  hint: ${failure.hint}` : ''}`,
    );
    if (this.verbosity === 'verbose' && cause instanceof Error && cause.stack) this.line(cause.stack);
  }

  stdout(text: string): void {
    this.#io.stdout.write(`${text}\n`);
  }

  /** A package's result as it is known. */
  result(entry: PackageReport, verb?: string): void {
    if (entry.outcome === 'failed') {
      this.failure(
        entry.error ?? { code: 'ERR_OCTO_INTERNAL', message: 'failed without an error' },
        undefined,
        entry.fileName || entry.file,
      );
      return;
    }
    if (this.format === 'basic') {
      if (entry.outcome !== 'skipped') this.stdout(entry.file);
      return;
    }
    const size = entry.size === null ? '' : `  ${formatBytes(entry.size)}`;
    const extra = entry.entries === undefined ? '' : `  ${entry.entries} entries`;
    const colour = entry.outcome === 'skipped' ? 90 : 32;
    this.note(
      `${this.paint(colour, verb ?? entry.outcome)} ${entry.fileName}${size}${extra}${transfer(entry)}  ${entry.seconds.toFixed(1)}s`,
    );
    if (entry.sha1) this.detail(`${entry.file}  sha1 ${entry.sha1}`);
  }

  /** The JSON document, with --json. */
  document(report: object): void {
    if (this.format === 'json') this.#io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  }

  packProgress(done: number, total: number): void {
    if (this.progress && (done === total || done % 200 === 0)) this.#draw(`packing ${done}/${total} entries`);
  }

  uploadProgress(name: string, sent: number, total: number, method?: 'full' | 'delta'): void {
    if (!this.progress) return;
    this.#uploads.update(name, sent, total, Date.now(), method);
    const now = Date.now();
    if (now - this.#lastDraw < 100 && sent < total) return;
    this.#lastDraw = now;
    this.#draw(this.#uploads.render((this.#io.stderr.columns ?? 80) - 1));
  }

  uploadDone(name: string): void {
    this.#uploads.done(name);
    if (this.progress && this.#uploads.active > 0) this.#draw(this.#uploads.render((this.#io.stderr.columns ?? 80) - 1));
    else this.#clear();
  }

  /** Ctrl-C: the progress line is ended, not left half drawn under the shell's prompt. */
  interrupted(signal: string): void {
    this.#clear();
    this.#io.stderr.write(`${this.paint(31, 'interrupted')} by ${signal}\n`);
  }

  #draw(text: string): void {
    this.#io.stderr.write(`\r\u001b[K${text}`);
    this.#lineShown = true;
  }

  #clear(): void {
    if (this.#lineShown) {
      this.#io.stderr.write('\r\u001b[K');
      this.#lineShown = false;
    }
  }
}
