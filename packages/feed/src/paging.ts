import { badRequest } from './http-problem.js';

/** Octopus's default page size. */
export const DEFAULT_TAKE = 30;
/** What clients send to mean "everything" (api-client.ts `TakeAll`). */
const TAKE_ALL = 2147483647;

export interface Page {
  skip: number;
  take: number;
}

function whole(url: URL, name: string, fallback: number): number {
  const text = url.searchParams.get(name);
  if (text === null || text === '') return fallback;
  if (!/^\d{1,10}$/.test(text) || Number(text) > TAKE_ALL) {
    throw badRequest(`'${text.slice(0, 20)}' is not a valid value for ${name}: give a whole number from 0 to ${TAKE_ALL}.`);
  }
  return Number(text);
}

export function readPage(url: URL): Page {
  return { skip: whole(url, 'skip', 0), take: whole(url, 'take', DEFAULT_TAKE) };
}

/** The same query with other paging values: filters are kept so that a link pages through the same list. */
function pageLink(self: string, url: URL, skip: number, take: number): string {
  const query = new URLSearchParams(url.searchParams);
  for (const key of [...query.keys()]) if (key.toLowerCase() === 'apikey') query.delete(key);
  query.set('skip', String(skip));
  query.set('take', String(take));
  return `${self}?${query.toString()}`;
}

/**
 * A `ResourceCollection` page (octopus-api.md §2.3): `Links` carry `Page.Next` only when there is more, as
 * clients follow it until it is gone. `NumberOfPages` is at least 1, `LastPageNumber` counts from 0.
 */
export function collection<T>(itemType: string, items: readonly T[], url: URL, self: string, template: string): Record<string, unknown> {
  const { skip, take } = readPage(url);
  const pageItems = take === 0 ? [] : items.slice(skip, skip + take);
  const pages = take === 0 ? 1 : Math.max(1, Math.ceil(items.length / take));
  const links: Record<string, string> = {
    Self: pageLink(self, url, skip, take),
    Template: template,
    'Page.All': pageLink(self, url, 0, TAKE_ALL),
    'Page.Current': pageLink(self, url, skip, take),
    'Page.Last': pageLink(self, url, (pages - 1) * take, take),
  };
  if (take > 0 && skip + take < items.length) links['Page.Next'] = pageLink(self, url, skip + take, take);
  if (take > 0 && skip > 0) links['Page.Previous'] = pageLink(self, url, Math.max(0, skip - take), take);
  return {
    ItemType: itemType,
    TotalResults: items.length,
    ItemsPerPage: take,
    NumberOfPages: pages,
    LastPageNumber: pages - 1,
    Items: pageItems,
    Links: links,
  };
}
