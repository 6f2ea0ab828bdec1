import { OctoError } from '../errors.js';
import { Redactor } from './redact.js';

/** The variables proxy-from-env reads for a URL of scheme `proto`, in its order (lower case first). */
function proxyVariables(proto: string): string[] {
  return [`npm_config_${proto}_proxy`, `${proto}_proxy`, 'npm_config_proxy', 'all_proxy'].flatMap((name) => [
    name.toLowerCase(),
    name.toUpperCase(),
  ]);
}

/** Which environment variable gave `proxy` for `server`, for the message (`HTTPS_PROXY`). */
export function proxyVariable(server: URL, proxy: string, env: NodeJS.ProcessEnv = process.env): string {
  const proto = server.protocol.replace(/:$/, '');
  const names = proxyVariables(proto);
  const name = names.find((candidate) => env[candidate] && (env[candidate] === proxy || `${proto}://${env[candidate]}` === proxy));
  return name ?? `${proto.toUpperCase()}_PROXY`;
}

/**
 * Checks a proxy URL before any agent is made of it: a malformed one would otherwise surface as a
 * TypeError (an internal error) whose `input` holds the proxy password. The message shows the URL
 * without its user info; no raw error is attached.
 */
export function checkProxyUrl(proxy: string, source?: string): void {
  let problem: string | undefined;
  try {
    const parsed = new URL(proxy);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') problem = `its scheme is ${parsed.protocol} (use http: or https:)`;
    else if (!parsed.hostname) problem = 'it has no host';
  } catch {
    problem = 'it is not a valid URL';
  }
  if (!problem) return;
  const shown = new Redactor().url(proxy);
  const what = source ? `The ${source} environment variable (used as the \`proxy\`)` : 'The `proxy` option';
  throw new OctoError('ERR_OCTO_INVALID_OPTION', `${what} is not a usable proxy URL: ${problem} (${shown}).`, {
    hint: source
      ? `Fix or unset ${source}, e.g. http://user:password@proxy.example:3128, or set \`proxy\` to false for no proxy.`
      : 'Give `proxy` as http://[user:password@]host:port, or false for no proxy.',
    option: 'proxy',
  });
}
