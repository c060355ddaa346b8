/**
 * CodeCatalyst's repositories. Lock order: the space row first (SpaceRepository.lock, FOR UPDATE),
 * taken by every transaction that decides on a space's members, billing or connections (member
 * changes, requests, verifications, billing changes, connection deletion); then, under it, the
 * account connection rows of that space (one per transaction: UPDATE or DELETE); then connection
 * IAM role rows (FOR UPDATE, several in (connectionId, roleArn) order; a deleted connection takes
 * them by cascade), then tag rows. Member rows are never locked (the space lock orders member
 * changes). Tag writes lock one connection row (FOR UPDATE) and no space; role revalidation locks
 * role rows only; the expiry sweep locks pending connection rows only, in one statement. None of
 * them takes a lock that comes earlier in this order after a later one.
 */
export * from './account-connection.repository';
export * from './connection-role.repository';
export * from './space.repository';

import { AccountConnectionRepository } from './account-connection.repository';
import { ConnectionRoleRepository } from './connection-role.repository';
import { SpaceRepository } from './space.repository';

export const CODECATALYST_REPOSITORIES = [
  SpaceRepository,
  AccountConnectionRepository,
  ConnectionRoleRepository,
];
