import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { CacheInvalidations } from './cache-invalidation';

type CredentialKind = 'api-key' | 'access-key';

/**
 * Resolved credentials, in process, so that a request costs no database round trip for its
 * identity. An entry lives `authCacheTtlMs` at most (the backstop if an invalidation message is
 * lost). A revocation (CacheInvalidations) evicts at once here and in every other process, and
 * leaves a tombstone for one TTL, so a lookup that raced the revocation cannot put the old answer
 * back.
 */
@Injectable()
export class PrincipalCache {
  private readonly entries: LRUCache<string, object>;
  private readonly tombstones: LRUCache<string, true>;

  constructor(@Inject(APP_CONFIG) config: AppConfig, invalidations: CacheInvalidations) {
    const options = { max: config.authCacheMax, ttl: config.authCacheTtlMs };
    this.entries = new LRUCache(options);
    this.tombstones = new LRUCache(options);
    invalidations.on('api-key', (id) => this.evict('api-key', id));
    invalidations.on('access-key', (id) => this.evict('access-key', id));
  }

  get<T extends object>(kind: CredentialKind, id: string): T | undefined {
    return this.entries.get(`${kind}:${id}`) as T | undefined;
  }

  set(kind: CredentialKind, id: string, value: object): void {
    const key = `${kind}:${id}`;
    if (!this.tombstones.has(key)) {
      this.entries.set(key, value);
    }
  }

  private evict(kind: CredentialKind, id: string): void {
    const key = `${kind}:${id}`;
    this.tombstones.set(key, true);
    this.entries.delete(key);
  }
}
