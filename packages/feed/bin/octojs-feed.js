#!/usr/bin/env node
import { runFeedCli } from '../dist/index.js';

try {
  await runFeedCli(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`octojs-feed: ${error.message}\n`);
  process.exitCode = 2;
}
