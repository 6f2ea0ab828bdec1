import { nearMiss } from '@octojs/core/internal';
import type { Command } from './args/flags.js';
import { parseArgs } from './args/parse-args.js';
import { type BuildInformationReport, infoFailure, runBuildInformation } from './commands/build-information.js';
import { runPack } from './commands/pack.js';
import { runPublish } from './commands/publish.js';
import { runPush } from './commands/push.js';
import { configWarnings, loadConfig } from './config/load-config.js';
import { type Settings, VERSION, outputSettings, resolveSettings } from './config/settings.js';
import { UsageError, exitCodeOf, toFailure } from './errors.js';
import { HELP, commandHelp } from './help.js';
import { Console, type Streams } from './output/console.js';
import { logRequests } from './output/request-log.js';
import { type Report, summarize } from './output/report.js';

/** Each command's runner; a new command is a flag-table entry and a line here. */
const RUNNERS: Record<Command, (settings: Settings, output: Console, cwd: string) => Promise<Report | BuildInformationReport>> = {
  pack: (settings, output) => runPack(settings, output),
  push: (settings, output, cwd) => runPush(settings, output, cwd),
  publish: (settings, output, cwd) => runPublish(settings, output, cwd),
  'build-information': (settings, output, cwd) => runBuildInformation(settings, output, cwd),
};
const COMMANDS = Object.keys(RUNNERS) as Command[];

/** `pack`, `push`, `publish`, and the Octopus CLI's `package upload` / `package push` / `package zip create`. */
function commandOf(argv: readonly string[]): { command: Command | 'help' | 'version'; rest: string[]; help?: Command } {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') return { command: 'help', rest };
  if (first === 'help') return { command: 'help', rest: [], ...(COMMANDS.includes(rest[0] as Command) && { help: rest[0] as Command }) };
  if (first === '--version' || first === '-v') return { command: 'version', rest };
  if ((COMMANDS as readonly string[]).includes(first)) return { command: first as Command, rest };
  if (first === 'package') {
    const [second, third, ...more] = rest;
    if (second === 'upload' || second === 'push') return { command: 'push', rest: [third, ...more].filter((arg) => arg !== undefined) };
    if (second === 'zip' && third === 'create') return { command: 'pack', rest: more };
    throw new UsageError(`octojs package ${[second, third].filter(Boolean).join(' ')} is not a command.`, {
      hint: 'octojs knows `package upload` (push) and `package zip create` (pack).',
    });
  }
  const guess = nearMiss(first, [...COMMANDS, 'help', 'package']);
  throw new UsageError(`Unknown command "${first}".`, {
    hint: guess
      ? `Did you mean \`octojs ${guess}\`? Commands: pack, push, publish, build-information.`
      : 'Commands: pack, push, publish, build-information; `octojs --help` says more.',
  });
}

/** How to speak before the flags are parsed (so that a usage error can still be JSON). */
function earlyOutput(argv: readonly string[], streams?: Streams): Console {
  const json = argv.some((arg, index) => {
    const lower = arg.toLowerCase();
    if (lower === '--json') return true;
    if (/^--output-?format=json$/.test(lower) || lower === '-f=json') return true;
    return (lower === '-f' || /^--output-?format$/.test(lower)) && argv[index + 1]?.toLowerCase() === 'json';
  });
  const verbose = argv.includes('--verbose');
  const quiet = argv.includes('--quiet') || argv.includes('-q');
  return new Console(json ? 'json' : 'table', verbose ? 'verbose' : quiet ? 'quiet' : 'normal', streams);
}

/** Ctrl-C or SIGTERM: end the progress line, then let the signal end the process as it would have. */
function onInterrupt(output: Console): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    output.interrupted(signal);
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    // Other listeners (core's removal of temporary files) re-raise the signal themselves once done.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[], cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env, streams?: Streams): Promise<number> {
  let output = earlyOutput(argv, streams);
  let command: Command | undefined;
  let dryRun = false;
  let stopListening = (): void => {};
  try {
    const found = commandOf(argv);
    if (found.command === 'help') {
      output.stdout(found.help ? commandHelp(found.help) : HELP);
      return argv.length === 0 ? 2 : 0;
    }
    if (found.command === 'version') {
      output.stdout(VERSION);
      return 0;
    }
    command = found.command;
    const args = parseArgs(command, found.rest);
    if (args.values.help) {
      output.stdout(commandHelp(command));
      return 0;
    }
    dryRun = args.values.dryRun === true;
    const config = await loadConfig(cwd);
    const early = outputSettings(args, config);
    output = new Console(early.outputFormat, early.verbosity, streams);
    for (const warning of configWarnings(config)) output.warn(warning);
    const settings = resolveSettings(command, args, config, cwd, env);
    const stopInterrupt = onInterrupt(output);
    const stopLog = logRequests(output);
    stopListening = () => {
      stopInterrupt();
      stopLog();
    };
    const report = await RUNNERS[command](settings, output, cwd);
    output.document(report);
    return report.summary.exitCode;
  } catch (error) {
    const failure = command === 'build-information' ? infoFailure(error) : toFailure(error);
    output.failure(failure, error);
    output.document({ command: command ?? null, dryRun, packages: [], summary: summarize([], failure), error: failure });
    return exitCodeOf(failure);
  } finally {
    stopListening();
  }
}
