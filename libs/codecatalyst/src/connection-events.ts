import type { TenantPrincipal } from '@accountlink/common';
import type { Space } from '@accountlink/db';
import type { DomainEvent, DomainEventType } from '@accountlink/events';
import { accountKnowsOf, AccountConnectionStatus } from './domain/connection-rules';
import type { AccountConnectionRow } from './repositories/account-connection.repository';

/** The space roles that follow a space's connections (the audience of its connection events). */
export const CONNECTION_MANAGER_ROLES = ['SPACE_ADMINISTRATOR', 'POWER_USER'] as const;

/** A connection as it was when an event was recorded: what subscribers receive. */
export interface AccountConnectionSnapshot {
  id: string;
  spaceId: string;
  region: string;
  accountId: string;
  displayName: string;
  description: string | null;
  status: string;
  paidTiersAuthorized: boolean;
  createdAt: string;
  verifiedAt: string | null;
  expiresAt: string;
}

export function snapshotOf(c: AccountConnectionRow): AccountConnectionSnapshot {
  return {
    id: c.id,
    spaceId: c.spaceId,
    region: c.space.region,
    accountId: c.accountId,
    displayName: c.displayName,
    description: c.description,
    status: c.status,
    paidTiersAuthorized: c.paidTiersAuthorized,
    createdAt: c.createdAt.toISOString(),
    verifiedAt: c.verifiedAt?.toISOString() ?? null,
    expiresAt: c.expiresAt.toISOString(),
  };
}

/**
 * A change of a connection, to record in the transaction of the change. Its audience is the
 * connection's account and `managerIds`, the space's administrators and power users at this
 * moment (tenant administrators always see their tenant's events); the payload carries the
 * connection as it now is.
 */
export function connectionEvent(
  type: DomainEventType,
  connection: AccountConnectionRow,
  managerIds: readonly string[],
  actor: string,
  details: Record<string, unknown> = {},
): DomainEvent {
  return {
    tenantId: connection.tenantId,
    type,
    aggregateType: 'AccountConnection',
    aggregateId: connection.id,
    // The account hears of its connection only once it has answered the request (the token).
    accountIds: accountKnowsOf(connection.status as AccountConnectionStatus)
      ? [connection.accountId]
      : [],
    userIds: [...managerIds],
    payload: { connectionId: connection.id, actor, ...details, connection: snapshotOf(connection) },
  };
}

/** A change of a space's billing (tier, billing connection). */
export function billingEvent(space: Space, actor: string): DomainEvent {
  return {
    tenantId: space.tenantId,
    type: 'codecatalyst.space.billing-changed',
    aggregateType: 'Space',
    aggregateId: space.id,
    accountIds: [],
    payload: {
      spaceId: space.id,
      tier: space.tier,
      billingConnectionId: space.billingConnectionId,
      actor,
    },
  };
}

/** How history and events name who made a change. */
export function actorOf(principal: TenantPrincipal): string {
  switch (principal.kind) {
    case 'USER':
      return `user:${principal.userId}`;
    case 'ACCOUNT':
      return `account:${principal.accountId}`;
    case 'TENANT_ADMIN':
      return 'tenant-admin';
  }
}
