export { main } from './cli.js';
export { CliError, UsageError } from './errors.js';
