import type { Prisma, Tx } from '@accountlink/db';
import { DomainEvent } from './event-message';

/** Records an event in the caller's transaction: it exists exactly when the change commits. */
export async function recordEvent(tx: Tx, event: DomainEvent): Promise<void> {
  await tx.outboxEvent.create({
    data: {
      tenantId: event.tenantId,
      type: event.type,
      aggregateType: event.aggregateType,
      aggregateId: event.aggregateId,
      accountIds: event.accountIds,
      userIds: event.userIds ?? [],
      payload: event.payload as Prisma.InputJsonObject,
    },
  });
}
