import { createRequire } from 'node:module';

/**
 * This package's version, read from its package.json (beside `src/` and `dist/` alike), so that
 * the User-Agent never goes stale against what is published.
 */
export const CORE_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
