import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Exchange, type FeedContext, canView, requirePermission, requireView } from './context.js';
import { HttpProblem, badRequest, notFound, sendJson, storageProblem } from './http-problem.js';
import { checkPackageFileName } from './limits.js';
import type { PackageName } from './package-name.js';
import type { OverwriteMode, StoredPackage } from './package-store.js';
import { collection } from './paging.js';
import type { Grant } from './permissions.js';
import { type Space, packageResource } from './resources.js';
import type { Spooled } from './spool.js';
import { receiveUpload } from './upload-receiver.js';
import { compareVersions } from './version.js';

const PACKAGES_TEMPLATE = '{/id}{?nuGetPackageId,filter,latest,skip,take,includeNotes}';

function byIdThenNewest(a: StoredPackage, b: StoredPackage): number {
  const left = a.packageId.toLowerCase();
  const right = b.packageId.toLowerCase();
  return left < right ? -1 : left > right ? 1 : -compareVersions(a.version, b.version);
}

/**
 * `GET /api/{space}/packages`: `nuGetPackageId` is an exact id, `filter` part of one (case-insensitive), `latest=true`
 * keeps each id's highest version; paged with `skip` and `take`.
 */
export function listPackages(context: FeedContext, { response, url }: Exchange, space: Space, grant: Grant): void {
  requireView(grant);
  const exact = url.searchParams.get('nuGetPackageId')?.toLowerCase();
  const partial = url.searchParams.get('filter')?.toLowerCase();
  const latestText = url.searchParams.get('latest')?.toLowerCase();
  if (latestText !== undefined && latestText !== 'true' && latestText !== 'false' && latestText !== '') {
    throw badRequest(`'${latestText.slice(0, 20)}' is not a valid value for latest: give true or false.`);
  }
  let items = context.store
    .list(space.id)
    .filter((record) => !exact || record.packageId.toLowerCase() === exact)
    .filter((record) => !partial || record.packageId.toLowerCase().includes(partial))
    .sort(byIdThenNewest);
  if (latestText === 'true')
    items = items.filter((record, index) => index === 0 || items[index - 1]!.packageId.toLowerCase() !== record.packageId.toLowerCase());
  const self = `${context.prefix}/api/${space.id}/packages`;
  const page = collection('Package', items, url, self, `${self}${PACKAGES_TEMPLATE}`);
  sendJson(response, 200, {
    ...page,
    Items: (page.Items as StoredPackage[]).map((record) =>
      context.buildInformation.decorate(space.id, packageResource(context.prefix, record)),
    ),
  });
}

export function getPackage(context: FeedContext, { response }: Exchange, space: Space, grant: Grant, idAndVersion: string): void {
  requireView(grant);
  const record = context.store.findByResourceId(space.id, idAndVersion);
  if (!record) throw notFound(idAndVersion);
  sendJson(response, 200, context.buildInformation.decorate(space.id, packageResource(context.prefix, record)));
}

/** `overwriteMode` wins over the legacy `replace`; a legacy server knows only `replace` (case-insensitive booleans, as .NET sends `True`). */
export function overwriteMode(url: URL, legacy: boolean): OverwriteMode {
  const query = new Map([...url.searchParams.entries()].map(([key, value]) => [key.toLowerCase(), value]));
  const mode = query.get('overwritemode');
  if (!legacy && mode) {
    const known = (['FailIfExists', 'OverwriteExisting', 'IgnoreIfExists'] as const).find(
      (value) => value.toLowerCase() === mode.toLowerCase(),
    );
    if (!known) throw badRequest(`'${mode.slice(0, 40)}' is not a valid overwriteMode.`);
    return known;
  }
  return query.get('replace')?.toLowerCase() === 'true' ? 'OverwriteExisting' : 'FailIfExists';
}

const PUSH_HELP =
  'This action requires permission to push new packages to the built-in package repository. None of your teams have this permission.';
const REPLACE_HELP =
  'This action requires permission to replace packages in the built-in package repository. None of your teams have this permission.';
const CONFLICT =
  'A package with the same ID and version already exists. To proceed anyway, specify an overwriteMode of OverwriteExisting or IgnoreIfExists.';

/**
 * An ignored upload's answer. A key that may not view packages hears only what a 409 or 403 would have told it
 * (that the id and version exist), in the names it sent itself: not the stored file's hash, size, format or date.
 */
function ignoredAnswer(context: FeedContext, existing: StoredPackage, sent: { packageId: string; version: string }, grant: Grant): unknown {
  if (canView(grant)) return packageResource(context.prefix, existing);
  const id = `packages-${sent.packageId}.${sent.version}`;
  return {
    Id: id,
    PackageId: sent.packageId,
    NuGetPackageId: sent.packageId,
    Version: sent.version,
    Title: sent.packageId,
    Links: { Self: `${context.prefix}/api/${existing.spaceId}/packages/${id}` },
  };
}

/** A key that may not push is refused before its body is read. */
export function requirePush(exchange: Exchange, grant: Grant): void {
  if (!grant.permissions.includes('BuiltInFeedPush') && !grant.permissions.includes('BuiltInFeedAdminister')) {
    exchange.request.resume();
    requirePermission(grant, 'BuiltInFeedPush', PUSH_HELP);
  }
}

/**
 * Stores a complete new package file through the store's one write path and answers as Octopus does: 201 created
 * or overwritten, 200 ignored, 409 exists. Full uploads and delta uploads (with the file rebuilt) both end here.
 */
export async function storeAndAnswer(
  context: FeedContext,
  { response, url }: Exchange,
  space: Space,
  grant: Grant,
  received: { name: PackageName & { fileName: string }; file: Spooled; mode: OverwriteMode },
): Promise<void> {
  const { name, file, mode } = received;
  const result = await context.store
    .commit({
      identity: { spaceId: space.id, ...name },
      mode,
      file,
      authorizeOverwrite: () => requirePermission(grant, 'BuiltInFeedAdminister', REPLACE_HELP),
    })
    .catch((error: unknown) => {
      throw storageProblem(error) ?? error;
    });
  if (result.outcome === 'exists') throw new HttpProblem(409, CONFLICT);
  if (result.outcome === 'ignored') {
    if (context.emptyBodyOnIgnore) {
      response.writeHead(200, { 'content-length': '0' }).end();
      return;
    }
    return sendJson(response, 200, ignoredAnswer(context, result.record, name, grant));
  }
  const slow = context.faults.takeSlowAnswer('POST', url.pathname);
  if (slow) await sleep(slow.ms);
  sendJson(response, 201, packageResource(context.prefix, result.record));
}

/**
 * Spools a request's one file part with the feed's time bounds and any injected reset: the one way
 * full and delta uploads take their bodies in. `checkName` runs on the name as sent, before busboy.
 */
export function receivePackageFile<T>(context: FeedContext, exchange: Exchange, checkName: (fileName: string) => T) {
  const reset = context.faults.takeReset('POST', exchange.url.pathname);
  return receiveUpload(exchange.request, {
    spoolFolder: context.store.uploadsFolder,
    faults: context.faults,
    timeouts: context.timeouts,
    checkName,
    ...(reset && { resetAfterBytes: reset.afterBytes }),
  });
}

/** `POST /api/{space}/packages/raw` (octopus-api.md §1): one file part, any field name, identity from its name. */
export async function uploadPackage(context: FeedContext, exchange: Exchange, space: Space, grant: Grant): Promise<void> {
  const { url } = exchange;
  requirePush(exchange, grant);
  const mode = overwriteMode(url, context.legacy);
  const received = await receivePackageFile(context, exchange, (fileName) => ({ fileName, ...checkPackageFileName(fileName) }));
  if (!received) throw badRequest('A package file must be provided');
  const { name, file } = received;
  if (file.size === 0) {
    await rm(file.path, { force: true });
    throw badRequest('The uploaded package file had length equal to 0. Please upload a non-empty file.');
  }
  await storeAndAnswer(context, exchange, space, grant, { name, file, mode });
}
