import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppError, ErrorCode } from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { createRedis } from '@accountlink/jobs';
import { Metrics } from '@accountlink/observability';
import { Redis } from 'ioredis';
import { localShare, LocalWindows } from './local-windows';
import { TenantSettingsService } from './tenant-settings.service';

/** INCR, and the expiry on the window's first hit: one command (EVALSHA) per request. */
const HIT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** A count that Redis has not answered in this long is decided locally (a hung Redis). */
const REDIS_COMMAND_TIMEOUT_MS = 250;

type CountingRedis = Redis & { hitWindow(key: string, ttlSeconds: number): Promise<number> };

/**
 * Per-account request rate limit, shared by every API instance: a counter per account and second
 * in Redis (one round trip). Over the tenant's rate: THROTTLED / ThrottlingException.
 *
 * Writes only need Postgres, so a Redis outage must not refuse them: while Redis is unreachable
 * each process counts the same windows itself and allows its share of each limit (the limit
 * divided by THROTTLE_FALLBACK_PROCESSES), says so once in the log and in
 * `accountlink_throttle_local_decisions_total`, and goes back to the shared count as soon as
 * Redis answers again.
 */
@Injectable()
export class ThrottleService implements OnApplicationShutdown {
  private readonly logger = new Logger(ThrottleService.name);
  private readonly redis: CountingRedis;
  private readonly local = new LocalWindows();
  private degraded = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly settings: TenantSettingsService,
    private readonly metrics: Metrics,
  ) {
    // Concurrent requests' counts share writes to Redis (one per event-loop tick).
    this.redis = createRedis(config.redisUrl, {
      failFast: true,
      autoPipelining: true,
      commandTimeoutMs: REDIS_COMMAND_TIMEOUT_MS,
    }) as CountingRedis;
    this.redis.defineCommand('hitWindow', { numberOfKeys: 1, lua: HIT });
  }

  async check(tenantId: string, accountId: string): Promise<void> {
    const { requestsPerSecondPerAccount: limit } = await this.settings.get(tenantId);
    await this.hit(
      `rate:${tenantId}:${accountId}`,
      limit,
      1,
      `Rate exceeded: account ${accountId} may make ${limit} requests per second`,
    );
  }

  /**
   * Counts one attempt against `limit` per `windowSeconds` under `key` (shared by all instances);
   * THROTTLED once over it. Every attempt counts, successful or not: brute force gains nothing.
   */
  async hit(key: string, limit: number, windowSeconds: number, message: string): Promise<void> {
    const window = Math.floor(Date.now() / 1000 / windowSeconds);
    const redisKey = `${this.config.redisPrefix}:limit:${key}:${window}`;
    const shared = await this.sharedCount(redisKey, windowSeconds * 2);
    const over =
      shared !== null
        ? shared > limit
        : this.local.hit(redisKey, windowSeconds * 2000) >
          localShare(limit, this.config.throttleFallbackProcesses);
    if (over) {
      throw new AppError(ErrorCode.THROTTLED, message);
    }
  }

  /** Whether the last count could not reach Redis (for health and tests). */
  get isDegraded(): boolean {
    return this.degraded;
  }

  /** The shared count of the window, or null when Redis cannot give it now. */
  private async sharedCount(redisKey: string, ttlSeconds: number): Promise<number | null> {
    // Not connected: decide at once rather than wait for a command that cannot be sent.
    if (this.redis.status === 'ready') {
      try {
        const n = await this.redis.hitWindow(redisKey, ttlSeconds);
        if (this.degraded) {
          this.degraded = false;
          this.logger.log('Redis answers again: rate limits are shared by every process again');
        }
        return n;
      } catch (error) {
        this.enterDegraded((error as Error).message);
        return null;
      }
    }
    this.enterDegraded(`connection ${this.redis.status}`);
    return null;
  }

  private enterDegraded(reason: string): void {
    this.metrics.throttleLocalDecisions.inc();
    if (!this.degraded) {
      this.degraded = true;
      this.metrics.redisOutages.inc({ component: 'throttle' });
      this.logger.warn(
        `Redis is unreachable (${reason}): each API process now enforces 1/${this.config.throttleFallbackProcesses} of every rate limit on its own, until Redis answers`,
      );
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
