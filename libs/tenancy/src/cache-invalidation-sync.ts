import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { createRedis } from '@accountlink/jobs';
import { Redis } from 'ioredis';
import { CacheInvalidation, CacheInvalidations } from './cache-invalidation';

const KINDS: readonly CacheInvalidation['kind'][] = ['api-key', 'access-key', 'tenant-settings'];

/**
 * Keeps every API process's caches in step: an invalidation committed in one is published on
 * `<prefix>:cache-invalidations` and applied by all the others as it arrives (well under a
 * second). If Redis is unreachable the message is lost and the caches' TTLs end the entries.
 */
@Injectable()
export class CacheInvalidationSync implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CacheInvalidationSync.name);
  private readonly subscriber: Redis;
  private readonly publisher: Redis;
  private readonly channel: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly invalidations: CacheInvalidations,
  ) {
    this.subscriber = createRedis(config.redisUrl);
    this.publisher = createRedis(config.redisUrl, { failFast: true });
    this.channel = `${config.redisPrefix}:cache-invalidations`;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber.on('message', (_channel: string, raw: string) => {
      const invalidation = parseInvalidation(raw);
      if (invalidation) {
        this.invalidations.apply(invalidation);
      }
    });
    await this.subscriber.subscribe(this.channel);
    this.invalidations.broadcastWith((invalidation) => this.publish(invalidation));
  }

  onApplicationShutdown(): void {
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }

  private async publish(invalidation: CacheInvalidation): Promise<void> {
    try {
      await this.publisher.publish(this.channel, JSON.stringify(invalidation));
    } catch (error) {
      // The change has committed; the other processes drop the entry at its TTL.
      this.logger.warn(`could not broadcast an invalidation: ${(error as Error).message}`);
    }
  }
}

export function parseInvalidation(raw: string): CacheInvalidation | null {
  try {
    const value = JSON.parse(raw) as Partial<CacheInvalidation>;
    if (KINDS.includes(value.kind as CacheInvalidation['kind']) && typeof value.id === 'string') {
      return { kind: value.kind as CacheInvalidation['kind'], id: value.id };
    }
  } catch {
    // not an invalidation
  }
  return null;
}
