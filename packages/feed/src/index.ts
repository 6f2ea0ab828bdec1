export { type Feed, type FeedOptions, type FeedRequest, startFeed } from './feed.js';
export { FaultInjector, type FaultMatch } from './faults.js';
export { type Credentials, type Grant, type Permission, ALL_PERMISSIONS } from './permissions.js';
export type { Space } from './resources.js';
export type { StoredPackage } from './package-store.js';
export { parsePackageFileName, versionKey, compareVersions } from './package-name.js';
export { runFeedCli } from './cli.js';
export type { TokenExchangeOptions, OidcServiceAccount } from './token-exchange.js';
export type { StoredBuildInformation } from './build-information-store.js';
