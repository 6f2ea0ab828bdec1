/** A variable's value, or undefined when it is unset or blank. */
export function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const text = env[name]?.trim();
  return text ? text : undefined;
}

/** `refs/heads/main` → `main`; other refs (tags, pull requests) stay as they are. */
export function branchName(ref: string | undefined): string | undefined {
  return ref?.replace(/^refs\/heads\//, '');
}

export function joinUrl(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ''), ...parts.map((part) => part.replace(/^\/+|\/+$/g, ''))].join('/');
}
