import { OctoError } from '../errors.js';
import type { ConnectionOptions } from '../octopus/connection.js';
import { oidcHttp, serverWords } from './oidc-http.js';

/** The variable a GitLab job's `id_tokens:` entry (or any CI) puts the ID token in for octojs. */
export const ID_TOKEN_VARIABLE = 'OCTOPUS_ID_TOKEN';

export interface IdToken {
  /** The JWT; never printed. */
  token: string;
  /** Where it came from, for messages: `GitHub Actions` or `OCTOPUS_ID_TOKEN`. */
  source: string;
}

function env(options: ConnectionOptions, name: string): string | undefined {
  const value = (options.env ?? process.env)[name]?.trim();
  return value ? value : undefined;
}

/**
 * The CI's OIDC ID token for `audience` (the service account id): OCTOPUS_ID_TOKEN when set (GitLab's
 * `id_tokens:`), else GitHub Actions' token service (the job needs `permissions: id-token: write`).
 */
export async function fetchIdToken(audience: string, options: ConnectionOptions): Promise<IdToken> {
  const given = env(options, ID_TOKEN_VARIABLE);
  if (given) return { token: given, source: ID_TOKEN_VARIABLE };
  const requestUrl = env(options, 'ACTIONS_ID_TOKEN_REQUEST_URL');
  const requestToken = env(options, 'ACTIONS_ID_TOKEN_REQUEST_TOKEN');
  if (!requestUrl || !requestToken) {
    const inGitHub = env(options, 'GITHUB_ACTIONS') === 'true';
    throw new OctoError(
      'ERR_OCTO_OIDC',
      inGitHub
        ? 'A service account id was given for OIDC sign-in, but this GitHub Actions job may not request an ID token.'
        : `A service account id was given for OIDC sign-in, but no ID token is available: neither ${ID_TOKEN_VARIABLE} nor GitHub Actions' token service is there.`,
      {
        hint: inGitHub
          ? 'Give the job `permissions: id-token: write` (and `contents: read`) in the workflow.'
          : `In GitLab CI add \`id_tokens: ${ID_TOKEN_VARIABLE}: aud: <service account id>\` to the job; elsewhere put the CI's ID token in ${ID_TOKEN_VARIABLE}, or use an API key.`,
        option: 'serviceAccountId',
      },
    );
  }
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    throw new OctoError('ERR_OCTO_OIDC', 'ACTIONS_ID_TOKEN_REQUEST_URL is not a URL.', {
      hint: 'This variable is set by GitHub Actions; do not override it.',
    });
  }
  url.searchParams.set('audience', audience);
  const http = await oidcHttp(options, url.toString());
  try {
    const answer = await http.request('GET', url.toString(), {
      headers: { authorization: `Bearer ${requestToken}` },
      secrets: [requestToken],
    });
    let value: unknown;
    try {
      value = (JSON.parse(answer.body) as { value?: unknown }).value;
    } catch {
      value = undefined;
    }
    if (answer.status !== 200 || typeof value !== 'string' || value === '') {
      throw new OctoError(
        'ERR_OCTO_OIDC',
        `GitHub Actions did not give an ID token (${answer.status}${answer.status === 200 ? ', no token in the answer' : `: ${serverWords(answer, [requestToken])}`}).`,
        {
          hint: 'Check that the job has `permissions: id-token: write`; a job from a fork may not request ID tokens.',
          status: answer.status,
          url: url.origin,
        },
      );
    }
    return { token: value, source: 'GitHub Actions' };
  } finally {
    http.close();
  }
}
