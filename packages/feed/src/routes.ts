import { type Exchange, type FeedContext } from './context.js';
import { HttpProblem, notFound, sendJson } from './http-problem.js';
import { deltaRoute } from './delta-routes.js';
import { decodeSegment } from './limits.js';
import { getPackage, listPackages, uploadPackage } from './package-routes.js';
import { collection } from './paging.js';
import { type Grant, authenticate } from './permissions.js';
import { type Space, rootDocument, spaceResource, spaceRootDocument, userResource } from './resources.js';

const SPACES_TEMPLATE = '{/id}{?name,skip,ids,take,partialName}';

function unauthenticated(): HttpProblem {
  return new HttpProblem(401, 'You must be logged in to perform this action. Please provide a valid API key or log in again.');
}

/**
 * `GET /api/spaces`: `name` is an exact name (case-insensitive, trimmed, as C# resolves it), `partialName` part of one,
 * `ids` a comma-separated id list; paged.
 */
function listSpaces(context: FeedContext, { response, url }: Exchange, visible: readonly Space[]): void {
  const name = url.searchParams.get('name')?.trim().toLowerCase();
  const partial = url.searchParams.get('partialName')?.toLowerCase();
  const ids = url.searchParams
    .get('ids')
    ?.split(',')
    .map((id) => id.trim().toLowerCase())
    .filter(Boolean);
  const items = visible
    .filter((space) => !name || space.name.trim().toLowerCase() === name)
    .filter((space) => !partial || space.name.toLowerCase().includes(partial))
    .filter((space) => !ids?.length || ids.includes(space.id.toLowerCase()))
    .map((space) => spaceResource(context.prefix, space));
  const self = `${context.prefix}/api/spaces`;
  sendJson(response, 200, collection('Space', items, url, self, `${self}${SPACES_TEMPLATE}`));
}

function spaceRoutes(context: FeedContext, exchange: Exchange, segments: string[], visible: readonly Space[]): void {
  const { response } = exchange;
  if (segments[1] === 'all' && segments.length === 2) {
    return sendJson(
      response,
      200,
      visible.map((space) => spaceResource(context.prefix, space)),
    );
  }
  if (segments.length === 1) return listSpaces(context, exchange, visible);
  const space = segments.length === 2 && visible.find((candidate) => candidate.id.toLowerCase() === segments[1]!.toLowerCase());
  if (!space) throw notFound(segments[1]);
  sendJson(response, 200, spaceResource(context.prefix, space));
}

/** `GET /api/users/me` and `GET /api/users/{id}/spaces` (the spaces the user sees, for C#'s default-space lookup). */
function userRoutes(context: FeedContext, { response }: Exchange, segments: string[], grant: Grant, visible: readonly Space[]): void {
  const user = userResource(context.prefix, grant.user);
  const isMe = (segment: string | undefined): boolean => segment === 'me' || segment?.toLowerCase() === String(user.Id).toLowerCase();
  if (segments.length === 2 && isMe(segments[1])) return sendJson(response, 200, user);
  if (segments.length === 3 && isMe(segments[1]) && segments[2] === 'spaces') {
    return sendJson(
      response,
      200,
      visible.map((space) => spaceResource(context.prefix, space)),
    );
  }
  throw notFound(segments.slice(1).join('/'));
}

/** Routes one request; throws an `HttpProblem` to answer with an Octopus error. */
export async function route(context: FeedContext, exchange: Exchange): Promise<void> {
  const { request, response, url, method } = exchange;
  const { prefix } = context;
  // OIDC sign-in lives beside /api: the discovery document and the token endpoint.
  const exchanged = await context.tokenExchange.handle(
    method,
    url,
    request,
    `${context.secure ? 'https' : 'http'}://${request.headers.host}`,
  );
  if (exchanged) return sendJson(response, exchanged.status, exchanged.body);
  if (url.pathname !== `${prefix}/api` && !url.pathname.startsWith(`${prefix}/api/`)) throw notFound();
  const segments = url.pathname
    .slice(prefix.length + '/api'.length)
    .split('/')
    .filter((segment) => segment !== '')
    .map(decodeSegment);
  if (method === 'GET' && segments.length === 0) {
    return sendJson(response, 200, rootDocument(prefix, context.defaultSpace.id, !context.legacy, context.deltaEnabled));
  }
  const grant = authenticate(request, url, context.apiKeys, context.accessTokens) ?? context.tokenExchange.grantFor(request);
  if (!grant) throw unauthenticated();
  const visible = context.spaces.filter((space) => grant.spaces === undefined || grant.spaces.includes(space.id));
  if (method === 'GET' && segments[0] === 'spaces') return spaceRoutes(context, exchange, segments, visible);
  if (method === 'GET' && segments[0] === 'users') return userRoutes(context, exchange, segments, grant, visible);
  // Space-scoped routes: /api/{spaceId}/..., or unscoped /api/packages/... for the default space.
  let space: Space | undefined = visible.includes(context.defaultSpace) ? context.defaultSpace : undefined;
  let rest = segments;
  if (/^spaces-\d+$/i.test(segments[0] ?? '')) {
    space = visible.find((candidate) => candidate.id.toLowerCase() === segments[0]!.toLowerCase());
    rest = segments.slice(1);
    if (!space) throw new HttpProblem(404, `The space '${segments[0]}' was not found, or you do not have permission to see it.`);
    if (method === 'GET' && rest.length === 0)
      return sendJson(response, 200, spaceRootDocument(prefix, space.id, !context.legacy, context.deltaEnabled));
  }
  if (!space) throw new HttpProblem(404, 'The default space was not found, or you do not have permission to see it.');
  const info = await context.buildInformation.handle(method, rest, url, request, space.id, grant);
  if (info) return sendJson(response, info.status, info.body);
  if (rest[0] === 'packages') {
    if (method === 'POST' && rest[1] === 'raw' && rest.length === 2) return uploadPackage(context, exchange, space, grant);
    if (method === 'GET' && rest.length === 1) return listPackages(context, exchange, space, grant);
    if (method === 'GET' && rest.length === 2) return getPackage(context, exchange, space, grant, rest[1]!);
    const delta = deltaRoute(context, exchange, space, grant, rest);
    if (delta) return delta;
  }
  throw notFound();
}
