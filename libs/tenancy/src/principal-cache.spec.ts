import type { AppConfig } from '@accountlink/config';
import { CacheInvalidation, CacheInvalidations } from './cache-invalidation';
import { parseInvalidation } from './cache-invalidation-sync';
import { PrincipalCache } from './principal-cache';

const config = (ttl = 10_000) => ({ authCacheMax: 100, authCacheTtlMs: ttl }) as AppConfig;

describe('PrincipalCache', () => {
  it('answers what was put, per kind', () => {
    const cache = new PrincipalCache(config(), new CacheInvalidations());
    cache.set('api-key', 'h1', { kind: 'TENANT_ADMIN' });
    expect(cache.get('api-key', 'h1')).toEqual({ kind: 'TENANT_ADMIN' });
    expect(cache.get('access-key', 'h1')).toBeUndefined();
  });

  it('evicts on revocation, broadcasts it, and refuses a late put of the old answer', async () => {
    const invalidations = new CacheInvalidations();
    const cache = new PrincipalCache(config(), invalidations);
    const sent: CacheInvalidation[] = [];
    invalidations.broadcastWith(async (r) => {
      sent.push(r);
    });
    cache.set('access-key', 'AKIA1', { accountId: '1' });
    await invalidations.invalidate({ kind: 'access-key', id: 'AKIA1' });
    expect(cache.get('access-key', 'AKIA1')).toBeUndefined();
    expect(sent).toEqual([{ kind: 'access-key', id: 'AKIA1' }]);
    // A lookup that read the database before the revocation committed puts its answer late.
    cache.set('access-key', 'AKIA1', { accountId: '1' });
    expect(cache.get('access-key', 'AKIA1')).toBeUndefined();
  });

  it('applies an invalidation from another process without broadcasting it again', () => {
    const invalidations = new CacheInvalidations();
    const cache = new PrincipalCache(config(), invalidations);
    const sent: CacheInvalidation[] = [];
    invalidations.broadcastWith(async (r) => {
      sent.push(r);
    });
    cache.set('api-key', 'h3', { kind: 'ACCOUNT' });
    invalidations.apply({ kind: 'api-key', id: 'h3' });
    expect(cache.get('api-key', 'h3')).toBeUndefined();
    expect(sent).toEqual([]);
  });

  it('forgets entries after the TTL (the backstop when an invalidation message is lost)', async () => {
    const cache = new PrincipalCache(config(30), new CacheInvalidations());
    cache.set('api-key', 'h2', { kind: 'ACCOUNT' });
    await new Promise((r) => setTimeout(r, 60));
    expect(cache.get('api-key', 'h2')).toBeUndefined();
  });
});

describe('parseInvalidation', () => {
  it('accepts the three kinds and nothing else', () => {
    expect(parseInvalidation('{"kind":"api-key","id":"abc"}')).toEqual({
      kind: 'api-key',
      id: 'abc',
    });
    expect(parseInvalidation('{"kind":"tenant-settings","id":"t"}')).toEqual({
      kind: 'tenant-settings',
      id: 't',
    });
    expect(parseInvalidation('{"kind":"role","id":"abc"}')).toBeNull();
    expect(parseInvalidation('{"kind":"api-key","id":1}')).toBeNull();
    expect(parseInvalidation('not json')).toBeNull();
  });
});
