import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BuildInformationFeature } from './build-information.js';
import type { DeltaSettings } from './delta-routes.js';
import type { FaultInjector } from './faults.js';
import { HttpProblem } from './http-problem.js';
import type { FeedTimeouts } from './limits.js';
import type { PackageStore } from './package-store.js';
import type { CredentialTable, Grant, Permission } from './permissions.js';
import type { Space } from './resources.js';
import type { TokenExchange } from './token-exchange.js';

/** What every route needs: the feed's settings and state, fixed at start-up. */
export interface FeedContext {
  prefix: string;
  spaces: readonly Space[];
  defaultSpace: Space;
  store: PackageStore;
  faults: FaultInjector;
  apiKeys: CredentialTable;
  accessTokens: CredentialTable;
  timeouts: Required<FeedTimeouts>;
  legacy: boolean;
  emptyBodyOnIgnore: boolean;
  /** Build information per package id and version (octopus-api.md §5.1). */
  buildInformation: BuildInformationFeature;
  /** OIDC sign-in for tests: the discovery document, `/token/v1`, and the access tokens it issued. */
  tokenExchange: TokenExchange;
  /** Whether the feed serves https (for the origin the discovery document names). */
  secure: boolean;
  /** Whether the delta endpoints (and their links) are served, and how signatures are written. */
  deltaEnabled: boolean;
  delta: DeltaSettings;
}

/** One request on its way through the routes. */
export interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  method: string;
}

export function requirePermission(grant: Grant, permission: Permission, helpText: string): void {
  if (!grant.permissions.includes(permission)) {
    throw new HttpProblem(
      403,
      `You do not have permission to perform this action. Please contact your Octopus administrator. Missing permission: ${permission}`,
      [],
      helpText,
    );
  }
}

export function canView(grant: Grant): boolean {
  return grant.permissions.includes('FeedView') || grant.permissions.includes('BuiltInFeedAdminister');
}

export function requireView(grant: Grant): void {
  if (!canView(grant))
    requirePermission(grant, 'FeedView', 'This action requires permission to view the packages in the built-in repository.');
}
