import type { TenantPrincipal } from '@accountlink/common';
import type { Tx } from '@accountlink/db';
import { DomainEventType, recordEvent } from '@accountlink/events';
import type { AccountConnectionRow } from './account-connection.service';

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
 * Records a change of a connection, in the caller's transaction. Its audience is the connection's
 * account and the space's administrators and power users at this moment (tenant administrators
 * always see their tenant's events); the payload carries the connection as it now is.
 */
export async function recordConnectionEvent(
  tx: Tx,
  type: DomainEventType,
  connection: AccountConnectionRow,
  actor: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  const managers = await tx.spaceMember.findMany({
    where: {
      tenantId: connection.tenantId,
      spaceId: connection.spaceId,
      role: { in: [...CONNECTION_MANAGER_ROLES] },
    },
    select: { userId: true },
  });
  await recordEvent(tx, {
    tenantId: connection.tenantId,
    type,
    aggregateType: 'AccountConnection',
    aggregateId: connection.id,
    accountIds: [connection.accountId],
    userIds: managers.map((m) => m.userId),
    payload: { connectionId: connection.id, actor, ...details, connection: snapshotOf(connection) },
  });
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
