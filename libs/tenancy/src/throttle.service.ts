import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppError, ErrorCode } from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { createRedis } from '@accountlink/jobs';
import { Redis } from 'ioredis';
import { TenantSettingsService } from './tenant-settings.service';

/** INCR, and the expiry on the window's first hit: one command (EVALSHA) per request. */
const HIT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

type CountingRedis = Redis & { hitWindow(key: string, ttlSeconds: number): Promise<number> };

/**
 * Per-account request rate limit, shared by every API instance: a counter per account and second
 * in Redis (one round trip). Over the tenant's rate: THROTTLED / ThrottlingException.
 */
@Injectable()
export class ThrottleService implements OnApplicationShutdown {
  private readonly redis: CountingRedis;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly settings: TenantSettingsService,
  ) {
    // Concurrent requests' counts share writes to Redis (one per event-loop tick).
    this.redis = createRedis(config.redisUrl, {
      failFast: true,
      autoPipelining: true,
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
    if ((await this.redis.hitWindow(redisKey, windowSeconds * 2)) > limit) {
      throw new AppError(ErrorCode.THROTTLED, message);
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
