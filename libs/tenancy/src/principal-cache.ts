import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, AppConfig } from '@accountlink/config';

/** What a revocation names: an API key (by the hash it is looked up by) or an access key id. */
export interface CredentialRevocation {
  kind: 'api-key' | 'access-key';
  id: string;
}

/** Spreads a revocation to the other processes (Redis pub/sub in the API); best effort. */
export type RevocationBroadcaster = (revocation: CredentialRevocation) => Promise<void>;

/**
 * Resolved credentials, in process, so that a request costs no database round trip for its
 * identity. An entry lives `authCacheTtlMs` at most (the backstop if a revocation message is
 * lost). A revocation evicts at once here, is broadcast to every other instance, and leaves a
 * tombstone for one TTL, so a lookup that raced the revocation cannot put the old answer back.
 */
@Injectable()
export class PrincipalCache {
  private readonly entries: LRUCache<string, object>;
  private readonly tombstones: LRUCache<string, true>;
  private broadcaster: RevocationBroadcaster | null = null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const options = { max: config.authCacheMax, ttl: config.authCacheTtlMs };
    this.entries = new LRUCache(options);
    this.tombstones = new LRUCache(options);
  }

  get<T extends object>(kind: CredentialRevocation['kind'], id: string): T | undefined {
    return this.entries.get(`${kind}:${id}`) as T | undefined;
  }

  set(kind: CredentialRevocation['kind'], id: string, value: object): void {
    const key = `${kind}:${id}`;
    if (!this.tombstones.has(key)) {
      this.entries.set(key, value);
    }
  }

  /** Called once the revocation has committed. */
  async revoke(revocation: CredentialRevocation): Promise<void> {
    this.evict(revocation);
    await this.broadcaster?.(revocation);
  }

  /** A revocation made here or on another instance. */
  evict(revocation: CredentialRevocation): void {
    const key = `${revocation.kind}:${revocation.id}`;
    this.tombstones.set(key, true);
    this.entries.delete(key);
  }

  broadcastWith(broadcaster: RevocationBroadcaster): void {
    this.broadcaster = broadcaster;
  }
}
