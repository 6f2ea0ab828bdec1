/**
 * A repository URL fit for build information: no user name, password or token (CI checkouts often
 * carry one, e.g. `https://x-access-token:…@github.com/o/r`), an scp-like SSH remote
 * (`git@github.com:o/r.git`) turned into the https address Octopus links commits under, and no
 * trailing `.git`. Undefined for something that is not a URL at all (a local path).
 */
export function vcsRootFromRemote(remote: string | undefined): string | undefined {
  const text = remote?.trim();
  if (!text) return undefined;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(text);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return withoutGitSuffix(`https://${scp[1]}/${scp[2]!.replace(/^\/+/, '')}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol === 'file:') return undefined;
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  if (url.protocol === 'ssh:' || url.protocol === 'git:' || url.protocol === 'git+ssh:' || url.protocol === 'ssh+git:') {
    return withoutGitSuffix(`https://${url.hostname}${url.pathname}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return withoutGitSuffix(url.toString());
}

function withoutGitSuffix(url: string): string {
  return url.replace(/\/+$/, '').replace(/\.git$/i, '');
}

/** Removes any `user:password@` from URLs inside free text (a git error message, a remote list). */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1');
}
