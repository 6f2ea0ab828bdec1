import { type PackPlan, type PackResult, type PushAllEntry, type PushResult, formatBytes } from '@octojs/core';
import { transferText } from '@octojs/core/internal';

const transfer = (result: PushResult): string => (transferText(result) ? `  ${transferText(result)}` : '');

export interface Output {
  /** True when a progress bar may be drawn: stderr is a TTY, not CI, not JSON or quiet. */
  readonly progress: boolean;
  text(message: string): void;
  warn(message: string): void;
  packed(result: PackResult, seconds: number): void;
  pushed(entry: PushAllEntry, seconds: number): void;
  dryRun(plan: PackPlan, files: number, bytes: number): void;
  packProgress(done: number, total: number): void;
  uploadProgress(sent: number, total: number, method?: 'full' | 'delta'): void;
  json(document: unknown): void;
  failure(error: { code: string; message: string; hint?: string | undefined }, cause: unknown): void;
}

/**
 * Human lines on stderr (stdout stays clean for --json), colours unless NO_COLOR, and a
 * one-line progress bar only on an interactive terminal outside CI.
 */
export function createOutput(options: { json: boolean; quiet: boolean; verbose: boolean }): Output {
  const err = process.stderr;
  const color = !process.env.NO_COLOR && err.isTTY === true;
  const paint = (code: number, text: string): string => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const progress = err.isTTY === true && !process.env.CI && !options.json && !options.quiet;
  let barShown = false;
  const line = (text: string): void => {
    if (barShown) {
      err.write('\r\u001b[K');
      barShown = false;
    }
    err.write(`${text}\n`);
  };
  const bar = (text: string): void => {
    err.write(`\r\u001b[K${text}`);
    barShown = true;
  };
  let uploadStarted = 0;
  return {
    progress,
    text: (message) => process.stdout.write(`${message}\n`),
    warn: (message) => {
      if (!options.quiet || options.verbose) line(`${paint(33, 'warning')} ${message}`);
    },
    packed: (result, seconds) => {
      if (!options.quiet && !options.json)
        line(`${paint(32, 'packed')} ${result.name}  ${formatBytes(result.size)}  ${result.entries} entries  ${seconds.toFixed(1)}s`);
      if (options.verbose && !options.json) line(`  ${result.path}  sha1 ${result.sha1}`);
    },
    pushed: (entry, seconds) => {
      if (options.json) return;
      if (entry.ok) {
        if (!options.quiet)
          line(`${paint(32, entry.outcome)} ${entry.name}  ${formatBytes(entry.size)}${transfer(entry)}  ${seconds.toFixed(1)}s`);
      } else {
        line(`${paint(31, 'failed')} ${entry.file}: ${entry.error.code} ${entry.error.message}\n  hint: ${entry.error.hint}`);
      }
    },
    dryRun: (plan, files, bytes) => {
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ dryRun: true, file: plan.path, packageId: plan.id, version: plan.version, files, bytes, entries: plan.entries.map((entry) => entry.name) }, null, 2)}\n`,
        );
        return;
      }
      for (const entry of plan.entries) process.stdout.write(`${entry.type === 'directory' ? `${entry.name}/` : entry.name}\n`);
      line(
        `would pack ${plan.name}: ${files} files, ${plan.entries.length} entries, ${formatBytes(bytes)} before compression (nothing written)`,
      );
    },
    packProgress: (done, total) => {
      if (done === total || done % 200 === 0) bar(`packing ${done}/${total} entries`);
    },
    uploadProgress: (sent, total, method) => {
      const now = Date.now();
      if (sent === 0 || uploadStarted === 0) uploadStarted = now;
      const elapsed = Math.max(0.001, (now - uploadStarted) / 1000);
      const rate = sent / elapsed;
      const eta = rate > 0 ? Math.round((total - sent) / rate) : 0;
      const width = 24;
      const filled = total === 0 ? width : Math.round((width * sent) / total);
      bar(
        `uploading${method === 'delta' ? ' delta' : ''} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${formatBytes(sent)}/${formatBytes(total)} ${formatBytes(rate)}/s ETA ${eta}s`,
      );
    },
    json: (document) => {
      if (options.json) process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    },
    failure: (error, cause) => {
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message, hint: error.hint } }, null, 2)}\n`);
      }
      line(`${paint(31, 'error')} ${error.code}: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}`);
      if (options.verbose && cause instanceof Error && cause.stack) line(cause.stack);
    },
  };
}
