import { Principal } from '@accountlink/common';

export type DomainEventType = 'iam.role.created' | 'iam.role.updated' | 'iam.role.deleted';

/** What a service records, in the transaction of the change. */
export interface DomainEvent {
  tenantId: string;
  type: DomainEventType;
  aggregateType: string;
  aggregateId: string;
  /** The account whose principals may see the event; tenant administrators always may. */
  accountId: string | null;
  payload: Record<string, unknown>;
}

/** What the relay publishes: the recorded event with its outbox id and time. */
export interface EventMessage extends DomainEvent {
  /** Outbox id (a bigint, as a decimal string): increasing in commit order per resource. */
  id: string;
  occurredAt: string;
}

/**
 * Who may see an event: administrators of its tenant, and principals of the account it concerns.
 * The tenant check comes first and always applies, so nothing crosses tenants.
 */
export function canSeeEvent(principal: Principal, event: EventMessage): boolean {
  switch (principal.kind) {
    case 'OPERATOR':
      return false;
    case 'TENANT_ADMIN':
      return principal.tenantId === event.tenantId;
    case 'ACCOUNT':
      return (
        principal.tenantId === event.tenantId &&
        event.accountId !== null &&
        principal.accountId === event.accountId
      );
  }
}
