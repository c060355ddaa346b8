import { Logger } from '@nestjs/common';
import type { SystemDatabase } from '@accountlink/db';
import { JobProducer, REDIS_RETRY_MAX_MS } from '@accountlink/jobs';
import { Redis } from 'ioredis';
import { EventMessage } from './event-message';
import { eventChannel, jobsForEvents } from './event-routing';
import { OutboxRepository } from './repositories/outbox.repository';

const BATCH = 500;
const PUBLISH_TIMEOUT_MS = 10_000;
/**
 * When Redis comes back after an outage, how long the relay holds the backlog: every API
 * process's subscriber connection retries at least this often (createRedis) and resubscribes on
 * connecting, so the events of the outage reach the subscriptions that stayed open.
 */
const RESUBSCRIBE_GRACE_MS = REDIS_RETRY_MAX_MS + 500;

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
  /** Set by every NOTIFY, also one that arrives while a batch is being relayed. */
  private notified = false;
  private loop: Promise<void> | null = null;
  /** Set when a batch failed because Redis was unreachable. */
  private redisWasDown = false;
  readonly stats: RelayStats = { relayed: 0, failures: 0 };

  constructor(
    private readonly system: SystemDatabase,
    private readonly outbox: OutboxRepository,
    private readonly producer: JobProducer,
    private readonly publisher: Redis,
    private readonly redisPrefix: string,
    private readonly pollMs: number,
    /** After a NOTIFY, how long the rest of a burst of commits may take to join the batch. */
    private readonly batchWaitMs = 0,
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
  }

  /** Relays one batch; returns how many events went out (0 when another relay holds the lock). */
  async relayOnce(): Promise<number> {
    const relayed = await this.system.transaction(async (db) => {
      const messages = await this.outbox.claimUnpublished(db, BATCH);
      if (messages.length > 0) {
        await withTimeout(this.publish(messages), PUBLISH_TIMEOUT_MS);
        await this.outbox.markPublished(
          db,
          messages.map((m) => m.id),
        );
      }
      return messages.length;
    });
    this.stats.relayed += relayed;
    return relayed;
  }

  private async publish(messages: EventMessage[]): Promise<void> {
    // BullMQ would wait for a connection indefinitely; while Redis is away, give up at once and
    // leave the rows for the next attempt.
    if (this.publisher.status !== 'ready') {
      throw new Error(`Redis is not connected (${this.publisher.status})`);
    }
    const pipeline = this.publisher.pipeline();
    for (const message of messages) {
      pipeline.publish(eventChannel(this.redisPrefix), JSON.stringify(message));
    }
    // Subscribers need not wait for the jobs: both go out at once (if either fails, the batch
    // goes out again, and consumers drop what they already have by event id).
    const [results] = await Promise.all([
      pipeline.exec(),
      this.producer.addAll(jobsForEvents(messages)),
    ]);
    const failed = (results ?? []).find(([error]) => error);
    if (failed?.[0]) {
      throw failed[0];
    }
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (this.running) {
      try {
        if (this.redisWasDown && this.publisher.status === 'ready') {
          this.logger.log(
            `Redis is back: relaying the backlog in ${RESUBSCRIBE_GRACE_MS} ms, once the API processes have resubscribed`,
          );
          // Not this.sleep: every commit's NOTIFY would cut it short. Only stop() ends it early.
          for (let waited = 0; waited < RESUBSCRIBE_GRACE_MS && this.running; waited += 100) {
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          this.redisWasDown = false;
        }
        this.notified = false;
        const relayed = await this.relayOnce();
        backoff = 0;
        if (relayed === BATCH) {
          continue;
        }
        const arrivedMeanwhile = this.notified;
        if (!arrivedMeanwhile) {
          await this.sleep(this.pollMs);
        }
        // Under load (events arrived while the last batch went out, or it held several), let the
        // burst gather into one batch: one transaction, one job per tenant's role validations,
        // one Redis pipeline, instead of one of each per commit. After a quiet spell an event
        // goes out at once.
        if (this.notified && this.batchWaitMs > 0 && (arrivedMeanwhile || relayed > 1)) {
          await new Promise((resolve) => setTimeout(resolve, this.batchWaitMs));
        }
      } catch (error) {
        this.stats.failures += 1;
        this.redisWasDown ||= this.publisher.status !== 'ready';
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
      await this.system.listen(
        'outbox_events',
        () => {
          this.notified = true;
          this.wake?.();
        },
        (error) => this.logger.warn(`LISTEN connection lost, polling only: ${error.message}`),
      );
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
