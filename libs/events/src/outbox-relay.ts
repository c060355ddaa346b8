import { Logger } from '@nestjs/common';
import { JobProducer } from '@accountlink/jobs';
import { Redis } from 'ioredis';
import { Pool, PoolClient } from 'pg';
import { EventMessage } from './event-message';
import { eventChannel, jobsForEvent } from './event-routing';

/** Only one relay runs at a time across all workers, which keeps per-resource order. */
const RELAY_LOCK = 7_340_001;
const BATCH = 500;
const PUBLISH_TIMEOUT_MS = 10_000;

interface OutboxRow {
  id: string;
  tenantId: string;
  type: EventMessage['type'];
  aggregateType: string;
  aggregateId: string;
  accountIds: string[] | null;
  userIds: string[] | null;
  payload: Record<string, unknown>;
  occurredAt: Date;
}

export interface RelayStats {
  relayed: number;
  failures: number;
}

/**
 * Moves committed outbox rows to BullMQ and Redis pub/sub, then marks them published, all inside
 * one database transaction: if Redis is down the transaction rolls back and the rows wait for the
 * next attempt, so nothing is lost (delivery is at least once; consumers dedupe by event id).
 * It wakes on NOTIFY from the outbox insert trigger, and polls as a fallback.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private wake: (() => void) | null = null;
  private listener: PoolClient | null = null;
  private loop: Promise<void> | null = null;
  readonly stats: RelayStats = { relayed: 0, failures: 0 };

  constructor(
    private readonly pool: Pool,
    private readonly producer: JobProducer,
    private readonly publisher: Redis,
    private readonly redisPrefix: string,
    private readonly pollMs: number,
  ) {}

  async start(): Promise<void> {
    this.running = true;
    await this.listen();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    if (this.listener) {
      // Destroy rather than return it: a pooled connection must not keep listening.
      this.listener.release(true);
      this.listener = null;
    }
  }

  /** Relays one batch; returns how many events went out (0 when another relay holds the lock). */
  async relayOnce(): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const lock = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1) AS ok',
        [RELAY_LOCK],
      );
      if (!lock.rows[0]?.ok) {
        await client.query('ROLLBACK');
        return 0;
      }
      const { rows } = await client.query<OutboxRow>(
        `SELECT "id"::text AS "id", "tenantId", "type", "aggregateType", "aggregateId", "accountIds", "userIds", "payload", "occurredAt"
           FROM "outbox_events" WHERE "publishedAt" IS NULL ORDER BY "id" LIMIT $1`,
        [BATCH],
      );
      if (rows.length > 0) {
        await withTimeout(this.publish(rows.map(toMessage)), PUBLISH_TIMEOUT_MS);
        await client.query(
          `UPDATE "outbox_events" SET "publishedAt" = now() WHERE "id" = ANY($1::bigint[])`,
          [rows.map((r) => r.id)],
        );
      }
      await client.query('COMMIT');
      this.stats.relayed += rows.length;
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async publish(messages: EventMessage[]): Promise<void> {
    // BullMQ would wait for a connection indefinitely; while Redis is away, give up at once and
    // leave the rows for the next attempt.
    if (this.publisher.status !== 'ready') {
      throw new Error(`Redis is not connected (${this.publisher.status})`);
    }
    await this.producer.addAll(messages.flatMap(jobsForEvent));
    const pipeline = this.publisher.pipeline();
    for (const message of messages) {
      pipeline.publish(eventChannel(this.redisPrefix), JSON.stringify(message));
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed?.[0]) {
      throw failed[0];
    }
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (this.running) {
      try {
        const relayed = await this.relayOnce();
        backoff = 0;
        if (relayed === BATCH) {
          continue;
        }
        await this.sleep(this.pollMs);
      } catch (error) {
        this.stats.failures += 1;
        backoff = Math.min(backoff === 0 ? 250 : backoff * 2, 5_000);
        this.logger.warn(
          `outbox relay failed, retrying in ${backoff} ms: ${(error as Error).message}`,
        );
        await this.sleep(backoff);
      }
    }
  }

  private async listen(): Promise<void> {
    try {
      this.listener = await this.pool.connect();
      this.listener.on('notification', () => this.wake?.());
      this.listener.on('error', (error) =>
        this.logger.warn(`LISTEN connection lost, polling only: ${error.message}`),
      );
      await this.listener.query('LISTEN outbox_events');
    } catch (error) {
      // Polling alone still relays everything, only later.
      this.logger.warn(`LISTEN failed, polling only: ${(error as Error).message}`);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`publishing took over ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function toMessage(row: OutboxRow): EventMessage {
  return {
    id: row.id,
    tenantId: row.tenantId,
    type: row.type,
    aggregateType: row.aggregateType,
    aggregateId: row.aggregateId,
    accountIds: row.accountIds ?? [],
    userIds: row.userIds ?? [],
    payload: row.payload,
    occurredAt: row.occurredAt.toISOString(),
  };
}

/** Deletes relayed rows older than the retention window (the outbox is not an archive). */
export async function purgeOutbox(pool: Pool, retentionHours: number): Promise<number> {
  const result = await pool.query(
    `DELETE FROM "outbox_events" WHERE "publishedAt" < now() - make_interval(hours => $1)`,
    [retentionHours],
  );
  return result.rowCount ?? 0;
}
