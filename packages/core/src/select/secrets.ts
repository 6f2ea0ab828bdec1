import { readFileSync } from 'node:fs';
import path from 'node:path';

/** `.env`, `.env.production`, … but not the templates teams commit on purpose. */
const ENV_FILE = /^\.env(?:\..+)?$/i;
const ENV_TEMPLATE = /\.(?:example|sample|template|defaults?)$/i;
const KEY_FILE = /\.(?:pem|key|p12|pfx)$/i;
const SSH_KEY = /^id_(?:rsa|dsa|ecdsa|ed25519)(?!.*\.pub$)/;
/** npm's credentials: `_authToken`, `_auth`, `_password`, scoped to a registry or not. */
const NPMRC_AUTH = /^\s*(?:\/\/[^\s=]*:)?_(?:authToken|auth|password)\s*=/im;

/** Why a file usually holds secrets, or undefined. `.npmrc` counts only with credentials in it. */
export function secretKind(baseName: string, file: string | undefined): string | undefined {
  if (ENV_FILE.test(baseName) && !ENV_TEMPLATE.test(baseName)) return 'environment files usually hold secrets';
  if (KEY_FILE.test(baseName)) return 'key and certificate files usually hold private keys';
  if (SSH_KEY.test(baseName)) return 'it looks like a private SSH key';
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
  const keep = adapter
    ? `add a line \`!${base}\` to .octopusignore to silence this warning`
    : `name it in \`include\` (with \`**\` for the rest) or add a line \`!${base}\` to .octopusignore to silence this warning`;
  const leave = adapter
    ? `a \`!\` glob in the task's sources or a line \`${base}\` in .octopusignore`
    : `\`exclude\` or a line \`${base}\` in .octopusignore`;
  return `${name} is about to be packed, and ${why}. Leave it out with ${leave}; if it is meant to be in the package, ${keep}.`;
}
