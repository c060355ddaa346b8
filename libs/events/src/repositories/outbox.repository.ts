import { Injectable } from '@nestjs/common';
import type { DB, Tx } from '@accountlink/db';
import { jsonb } from '@accountlink/db';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DomainEvent, EventMessage } from '../event-message';

/** Only one relay runs at a time across all workers, which keeps per-resource order. */
const RELAY_LOCK = 7_340_001;

/**
 * The transactional outbox (table `outbox_events`). Services record events in the transaction of
 * the change they describe; the worker's relay reads and marks them through the owner connection
 * (it works across tenants by design).
 */
@Injectable()
export class OutboxRepository {
  /** Records events in the caller's transaction: they exist exactly when the change commits. */
  async record(tx: Tx, ...events: DomainEvent[]): Promise<void> {
    if (events.length === 0) {
      return;
    }
    await tx
      .insertInto('outbox_events')
      .values(
        events.map((event) => ({
          tenantId: event.tenantId,
          type: event.type,
          aggregateType: event.aggregateType,
          aggregateId: event.aggregateId,
          accountIds: event.accountIds,
          userIds: event.userIds ?? [],
          payload: jsonb(event.payload),
        })),
      )
      .execute();
  }

  /** The relay's lock, for the transaction `system` runs in; false when another relay holds it. */
  async tryRelayLock(system: Kysely<DB>): Promise<boolean> {
    const { rows } = await sql<{
      ok: boolean;
    }>`SELECT pg_try_advisory_xact_lock(${RELAY_LOCK}) AS ok`.execute(system);
    return rows[0]?.ok === true;
  }

  /** The oldest unpublished events, in id order (index: publishedAt, id). */
  async unpublished(system: Kysely<DB>, limit: number): Promise<EventMessage[]> {
    const rows = await system
      .selectFrom('outbox_events')
      .select([
        'id',
        'tenantId',
        'type',
        'aggregateType',
        'aggregateId',
        'accountIds',
        'userIds',
        'payload',
        'occurredAt',
      ])
      .where('publishedAt', 'is', null)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      tenantId: row.tenantId,
      type: row.type as EventMessage['type'],
      aggregateType: row.aggregateType,
      aggregateId: row.aggregateId,
      accountIds: row.accountIds ?? [],
      userIds: row.userIds ?? [],
      payload: row.payload as Record<string, unknown>,
      occurredAt: row.occurredAt.toISOString(),
    }));
  }

  async markPublished(system: Kysely<DB>, ids: readonly string[]): Promise<void> {
    await system
      .updateTable('outbox_events')
      .set({ publishedAt: sql`now()` })
      .where('id', '=', sql<string>`ANY(${[...ids]}::bigint[])`)
      .execute();
  }

  /** Deletes relayed rows older than the retention window (the outbox is not an archive). */
  async purge(system: Kysely<DB>, retentionHours: number): Promise<number> {
    const result = await system
      .deleteFrom('outbox_events')
      .where('publishedAt', '<', sql<Date>`now() - make_interval(hours => ${retentionHours})`)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
