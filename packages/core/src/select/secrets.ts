import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** `.env`, `.env.production`, … but not the templates teams commit on purpose. */
const ENV_FILE = /^\.env(?:\..+)?$/i;
const ENV_TEMPLATE = /\.(?:example|sample|template|defaults?)$/i;
const KEY_FILE = /\.(?:pem|key|p12|pfx)$/i;
const SSH_KEY = /^id_(?:rsa|dsa|ecdsa|ed25519)(?!.*\.pub$)/;
/** npm's credentials: `_authToken`, `_auth`, `_password`, scoped to a registry or not. */
const NPMRC_AUTH = /^\s*(?:\/\/[^\s=]*:)?_(?:authToken|auth|password)\s*=/im;

/** octojs's own config files (the CLI's `.octojsrc.json` and the like) and package.json, whose `"octojs"` section may hold settings. */
const CONFIG_FILE = /^(?:\.octojsrc(?:\..+)?|package\.json)$/i;
/** Setting names whose value is a credential, however they are spelled (`apiKey`, `api_key`, `accessToken`). */
const CREDENTIAL_NAME = /^(?:octopus[-_]?)?(?:api[-_]?key|access[-_]?token)$/i;
/** An Octopus API key, wherever it is in the text. */
const API_KEY_VALUE = /\bAPI-[A-Z0-9]{16,}\b/i;
/** Config files are small; a bigger one is not read for this check. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** The reason given for a config file or package.json that holds a credential: no include or `!` line silences it. */
export const HOLDS_CREDENTIALS = 'it holds an Octopus API key or access token';

function hasCredential(value: unknown, depth: number): boolean {
  if (depth > 8 || value === null || typeof value !== 'object') return false;
  for (const [key, item] of Object.entries(value)) {
    if (CREDENTIAL_NAME.test(key) && typeof item === 'string' && item.trim() !== '') return true;
    if (hasCredential(item, depth + 1)) return true;
  }
  return false;
}

/** Whether an octojs config file or a package.json holds an `apiKey`/`accessToken` value or an Octopus API key. */
export function holdsCredentials(baseName: string, file: string | undefined): boolean {
  if (file === undefined || !CONFIG_FILE.test(baseName)) return false;
  try {
    if (statSync(file).size > MAX_CONFIG_BYTES) return false;
    const text = readFileSync(file, 'utf8');
    if (API_KEY_VALUE.test(text)) return true;
    return hasCredential(JSON.parse(text.replace(/^\uFEFF/, '')), 0);
  } catch {
    return false; // unreadable or not JSON: nothing we can say; the pack reports an unreadable file itself
  }
}

/** Why a file usually holds secrets, or undefined. `.npmrc` counts only with credentials in it; a config file or package.json only with a key in it. */
export function secretKind(baseName: string, file: string | undefined): string | undefined {
  if (ENV_FILE.test(baseName) && !ENV_TEMPLATE.test(baseName)) return 'environment files usually hold secrets';
  if (KEY_FILE.test(baseName)) return 'key and certificate files usually hold private keys';
  if (SSH_KEY.test(baseName)) return 'it looks like a private SSH key';
  if (holdsCredentials(baseName, file)) return HOLDS_CREDENTIALS;
  if (baseName === '.npmrc' && file !== undefined) {
    try {
      if (NPMRC_AUTH.test(readFileSync(file, 'utf8'))) return 'it holds an npm auth token';
    } catch {
      return undefined; // unreadable: the pack itself reports it
    }
  }
  return undefined;
}

/**
 * The warning for one such file: what it is, and both ways out (never its content). `adapter`: for
 * gulp and grunt, whose own globs choose the files, so a `!` line in .octopusignore keeps it quiet.
 */
export function secretWarning(name: string, why: string, adapter = false): string {
  const base = path.posix.basename(name);
  if (why === HOLDS_CREDENTIALS) {
    const leave = adapter
      ? `a \`!\` glob in the task's sources or a line \`${base}\` in .octopusignore`
      : `\`exclude\` or a line \`${base}\` in .octopusignore`;
    return (
      `${name} is about to be packed, and ${why}: whoever can read the package can use it. Take the key out of the file and give it in ` +
      `the OCTOPUS_API_KEY (or OCTOPUS_ACCESS_TOKEN) environment variable instead, or leave the file out with ${leave}.`
    );
  }
  const keep = adapter
    ? `add a line \`!${base}\` to .octopusignore to silence this warning`
    : `name it in \`include\` (with \`**\` for the rest) or add a line \`!${base}\` to .octopusignore to silence this warning`;
  const leave = adapter
    ? `a \`!\` glob in the task's sources or a line \`${base}\` in .octopusignore`
    : `\`exclude\` or a line \`${base}\` in .octopusignore`;
  return `${name} is about to be packed, and ${why}. Leave it out with ${leave}; if it is meant to be in the package, ${keep}.`;
}
