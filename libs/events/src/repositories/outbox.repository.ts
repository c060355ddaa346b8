import { Injectable } from '@nestjs/common';
import type { DB, Tx } from '@accountlink/db';
import { atCommit, jsonb } from '@accountlink/db';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DomainEvent, EventMessage } from '../event-message';

/**
 * Only one relay runs at a time across all workers, which keeps per-resource order.
 *
 * Lock order of the events library: the relay's transaction takes this advisory lock and no row
 * lock (the rows it marks are its own claim); recording an event takes no lock, it is an insert in
 * the caller's transaction, whose own locks come first.
 */
const RELAY_LOCK = 7_340_001;

/**
 * The transactional outbox (table `outbox_events`). Services record events in the transaction of
 * the change they describe; the worker's relay reads and marks them through the owner connection
 * (it works across tenants by design).
 */
@Injectable()
export class OutboxRepository {
  /**
   * Records events in the caller's transaction: they exist exactly when the change commits. The
   * insert travels with COMMIT (atCommit), so an event costs no round trip of its own; its id,
   * the relay's order, is then drawn right before the commit.
   */
  async record(tx: Tx, ...events: DomainEvent[]): Promise<void> {
    if (events.length === 0) {
      return;
    }
    await atCommit(
      tx,
      tx.insertInto('outbox_events').values(
        events.map((event) => ({
          tenantId: event.tenantId,
          type: event.type,
          aggregateType: event.aggregateType,
          aggregateId: event.aggregateId,
          accountIds: event.accountIds,
          userIds: event.userIds ?? [],
          payload: jsonb(event.payload),
        })),
      ),
    );
  }

  /**
   * The oldest unpublished events, in id order (index: publishedAt, id), for the transaction
   * `system` runs in, with the relay's lock held until it ends; none when another relay holds it
   * (the lock is taken once, by the statement's init plan).
   */
  async claimUnpublished(system: Kysely<DB>, limit: number): Promise<EventMessage[]> {
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
      .where(sql<boolean>`(SELECT pg_try_advisory_xact_lock(${RELAY_LOCK}))`)
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

  /** Marks the events relayed, with the transaction's COMMIT. */
  async markPublished(system: Kysely<DB>, ids: readonly string[]): Promise<void> {
    await atCommit(
      system,
      system
        .updateTable('outbox_events')
        .set({ publishedAt: sql`now()` })
        .where('id', '=', sql<string>`ANY(${[...ids]}::bigint[])`),
    );
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
