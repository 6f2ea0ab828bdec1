import { OctoError } from '../errors.js';
import type { Redactor } from './redact.js';

/**
 * The shapes of the Octopus documents a push reads, checked as they arrive: a broken or hostile
 * server gets ERR_OCTO_NOT_OCTOPUS saying what was wrong, never a TypeError deep in the push.
 */
export interface RootDocument {
  Version?: string;
  ApiVersion: string;
  Links: Record<string, unknown>;
}

export interface SpaceSummary {
  Id: string;
  Name: string | undefined;
}

export interface PackageResource {
  PackageId?: string;
  Version?: string;
  Hash?: string;
}

export type Links = Record<string, unknown>;

export function notOctopus(url: string, problem: string, redactor: Redactor, status?: number): OctoError {
  const where = redactor.url(url);
  return new OctoError('ERR_OCTO_NOT_OCTOPUS', `${where} answered, but not as an Octopus Server: ${redactor.text(problem)}.`, {
    hint: 'Check the `server` option: it should be the Octopus address (with its virtual directory, if any), not a login page, a proxy or another service.',
    url: where,
    method: 'GET',
    ...(status !== undefined && { status }),
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function rootDocument(body: unknown, url: string, redactor: Redactor): RootDocument {
  if (!isObject(body)) throw notOctopus(url, `the root document is ${kind(body)}, not an object`, redactor);
  if (typeof body.ApiVersion !== 'string') {
    throw notOctopus(url, `its ApiVersion is ${body.ApiVersion === undefined ? 'missing' : kind(body.ApiVersion)}`, redactor);
  }
  if (!isObject(body.Links)) {
    throw notOctopus(url, `its Links are ${body.Links === undefined ? 'missing' : kind(body.Links)}, not an object`, redactor);
  }
  return body as unknown as RootDocument;
}

export function spaceDocument(body: unknown, url: string, redactor: Redactor): { Links: Links } {
  if (!isObject(body)) throw notOctopus(url, `the space document is ${kind(body)}, not an object`, redactor);
  if (!isObject(body.Links)) {
    throw notOctopus(url, `the space document's Links are ${body.Links === undefined ? 'missing' : kind(body.Links)}`, redactor);
  }
  return body as { Links: Links };
}

export function spaceList(body: unknown, url: string, redactor: Redactor): SpaceSummary[] {
  if (!Array.isArray(body)) throw notOctopus(url, `the list of spaces is ${kind(body)}, not an array`, redactor);
  return body.map((item: unknown, index) => {
    if (!isObject(item) || typeof item.Id !== 'string') {
      throw notOctopus(url, `space ${index} of the list has ${isObject(item) ? `an Id that is ${kind(item.Id)}` : 'no Id'}`, redactor);
    }
    if (item.Name !== undefined && typeof item.Name !== 'string') {
      throw notOctopus(url, `the Name of space ${item.Id} is ${kind(item.Name)}, not a string`, redactor);
    }
    return { Id: item.Id, Name: item.Name };
  });
}

export function packageResource(body: unknown, url: string, redactor: Redactor): PackageResource {
  if (!isObject(body)) throw notOctopus(url, `the package resource is ${kind(body)}, not an object`, redactor);
  for (const key of ['Hash', 'PackageId', 'Version'] as const) {
    if (body[key] !== undefined && body[key] !== null && typeof body[key] !== 'string') {
      throw notOctopus(url, `the package's ${key} is ${kind(body[key])}, not a string`, redactor);
    }
  }
  return { ...(typeof body.Hash === 'string' && { Hash: body.Hash }) };
}

/** A link of a document: undefined when absent; a link that is not a string is the server's fault. */
export function linkOf(links: Links, name: string, url: string, redactor: Redactor): string | undefined {
  const link = links[name];
  if (link === undefined || link === null) return undefined;
  if (typeof link !== 'string') throw notOctopus(url, `its ${name} link is ${kind(link)}, not a string`, redactor);
  return link;
}

/** Expands the simple and query forms of RFC 6570 templates that Octopus links use. */
export function expandTemplate(template: string, values: Record<string, string | undefined>): string {
  return template.replace(/\{([?/]?)([^}]+)\}/g, (_, operator: string, names: string) => {
    const present = names.split(',').filter((name) => values[name] !== undefined);
    if (operator === '?')
      return present.length === 0 ? '' : `?${present.map((name) => `${name}=${encodeURIComponent(values[name]!)}`).join('&')}`;
    if (operator === '/') return present.map((name) => `/${encodeURIComponent(values[name]!)}`).join('');
    return present.map((name) => encodeURIComponent(values[name]!)).join(',');
  });
}

/**
 * Resolves a link as Octopus's own clients do (DefaultLinkResolver): `/…` against the server's
 * origin (links carry the virtual directory), `~/…` against the configured root. A link that lands
 * on another scheme, host or port is refused: the credentials go to the configured origin only,
 * and https is never given up for http.
 */
export function resolveLink(link: string, base: URL, name: string, redactor: Redactor): string {
  let resolved: URL;
  try {
    resolved = link.startsWith('~/') ? new URL(`${base.toString().replace(/\/+$/, '')}/${link.slice(2)}`) : new URL(link, base.origin);
  } catch (error) {
    throw new OctoError('ERR_OCTO_NOT_OCTOPUS', `The server's ${name} link ${redactor.text(link)} is not a URL.`, {
      hint: 'The server is not behaving as an Octopus Server; check the `server` option.',
      cause: error,
    });
  }
  if (resolved.origin !== base.origin) {
    const shown = redactor.url(resolved);
    throw new OctoError(
      'ERR_OCTO_FOREIGN_LINK',
      `The server's ${name} link points to ${shown}, not to ${base.origin}; the request was not sent, so the credentials stayed here.`,
      {
        hint: `Octopus links are paths on the server itself. If the server is reached under another address, give that address as the \`server\` option; otherwise check what answers at ${redactor.url(base)}.`,
        url: shown,
      },
    );
  }
  return resolved.toString();
}
