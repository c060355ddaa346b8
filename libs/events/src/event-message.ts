import { Principal } from '@accountlink/common';

export type DomainEventType =
  | 'iam.role.created'
  | 'iam.role.updated'
  | 'iam.role.deleted'
  | 'iam.world.batch-created'
  | 'proton.connection.created'
  | 'proton.connection.updated'
  | 'proton.connection.accepted'
  | 'proton.connection.rejected'
  | 'proton.connection.deleted'
  | 'proton.connection.tagged'
  | 'proton.connection.role-validation-changed'
  | 'proton.template.changed'
  | 'proton.template-version.created'
  | 'proton.template-version.changed'
  | 'proton.environment.deployment-started'
  | 'proton.environment.changed'
  | 'codecatalyst.space.created'
  | 'codecatalyst.space.members-changed'
  | 'codecatalyst.connection.requested'
  | 'codecatalyst.connection.verified'
  | 'codecatalyst.connection.rejected'
  | 'codecatalyst.connection.expired'
  | 'codecatalyst.connection.role-associated'
  | 'codecatalyst.connection.role-disassociated'
  | 'codecatalyst.connection.role-validation-changed'
  | 'codecatalyst.connection.deleted'
  | 'codecatalyst.connection.billing-authorization-changed'
  | 'codecatalyst.connection.tagged'
  | 'codecatalyst.space.billing-changed';

/** What a service records, in the transaction of the change. */
export interface DomainEvent {
  tenantId: string;
  type: DomainEventType;
  aggregateType: string;
  aggregateId: string;
  /** Accounts whose principals may see the event; tenant administrators always may. */
  accountIds: string[];
  /** Users who may see it too (CodeCatalyst: the space's administrators and power users then). */
  userIds?: string[];
  payload: Record<string, unknown>;
}

/** What the relay publishes: the recorded event with its outbox id and time. */
export interface EventMessage extends DomainEvent {
  /** Outbox id (a bigint, as a decimal string): increasing in commit order per resource. */
  id: string;
  occurredAt: string;
}

/**
 * Who may see an event: administrators of its tenant, principals of the accounts it concerns, and
 * the users it names.
 * The tenant check comes first and always applies, so nothing crosses tenants.
 */
export function canSeeEvent(principal: Principal, event: EventMessage): boolean {
  switch (principal.kind) {
    case 'OPERATOR':
      return false;
    case 'TENANT_ADMIN':
      return principal.tenantId === event.tenantId;
    case 'USER':
      // Users see the events that name them as the audience (CodeCatalyst space managers).
      return (
        principal.tenantId === event.tenantId && (event.userIds ?? []).includes(principal.userId)
      );
    case 'ACCOUNT':
      return (
        principal.tenantId === event.tenantId && event.accountIds.includes(principal.accountId)
      );
  }
}
