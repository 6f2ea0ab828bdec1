export { main, UsageError } from './cli.js';
