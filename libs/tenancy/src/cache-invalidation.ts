import { Injectable } from '@nestjs/common';

/** What an invalidation names: an API key (by its hash), an access key, a tenant's settings. */
export interface CacheInvalidation {
  kind: 'api-key' | 'access-key' | 'tenant-settings';
  id: string;
}

/** Spreads an invalidation to the other processes (Redis pub/sub in the API); best effort. */
export type InvalidationBroadcaster = (invalidation: CacheInvalidation) => Promise<void>;

/**
 * The in-process caches' invalidations: a change that has committed is applied here at once and
 * broadcast to every other process (CacheInvalidationSync), which applies it as it arrives.
 */
@Injectable()
export class CacheInvalidations {
  private readonly handlers = new Map<CacheInvalidation['kind'], ((id: string) => void)[]>();
  private broadcaster: InvalidationBroadcaster | null = null;

  on(kind: CacheInvalidation['kind'], handler: (id: string) => void): void {
    this.handlers.set(kind, [...(this.handlers.get(kind) ?? []), handler]);
  }

  /** Called once the change has committed. */
  async invalidate(invalidation: CacheInvalidation): Promise<void> {
    this.apply(invalidation);
    await this.broadcaster?.(invalidation);
  }

  /** An invalidation made here or in another process. */
  apply(invalidation: CacheInvalidation): void {
    for (const handler of this.handlers.get(invalidation.kind) ?? []) {
      handler(invalidation.id);
    }
  }

  broadcastWith(broadcaster: InvalidationBroadcaster): void {
    this.broadcaster = broadcaster;
  }
}
