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
import { CredentialRevocation, PrincipalCache } from './principal-cache';

/**
 * Keeps every API instance's PrincipalCache in step: a revocation committed on one instance is
 * published on `<prefix>:auth-revocations` and evicted by all the others as it arrives (well under
 * a second). If Redis is unreachable the message is lost and the cache TTL ends the entry.
 */
@Injectable()
export class PrincipalCacheSync implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PrincipalCacheSync.name);
  private readonly subscriber: Redis;
  private readonly publisher: Redis;
  private readonly channel: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly cache: PrincipalCache,
  ) {
    this.subscriber = createRedis(config.redisUrl);
    this.publisher = createRedis(config.redisUrl, { failFast: true });
    this.channel = `${config.redisPrefix}:auth-revocations`;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber.on('message', (_channel: string, raw: string) => {
      const revocation = parseRevocation(raw);
      if (revocation) {
        this.cache.evict(revocation);
      }
    });
    await this.subscriber.subscribe(this.channel);
    this.cache.broadcastWith((revocation) => this.publish(revocation));
  }

  onApplicationShutdown(): void {
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }

  private async publish(revocation: CredentialRevocation): Promise<void> {
    try {
      await this.publisher.publish(this.channel, JSON.stringify(revocation));
    } catch (error) {
      // The revocation has committed; the other instances drop the entry at its TTL.
      this.logger.warn(`could not broadcast a revocation: ${(error as Error).message}`);
    }
  }
}

export function parseRevocation(raw: string): CredentialRevocation | null {
  try {
    const value = JSON.parse(raw) as Partial<CredentialRevocation>;
    if ((value.kind === 'api-key' || value.kind === 'access-key') && typeof value.id === 'string') {
      return { kind: value.kind, id: value.id };
    }
  } catch {
    // not a revocation
  }
  return null;
}
