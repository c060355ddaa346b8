import type { AppConfig } from '@accountlink/config';
import { CredentialRevocation, PrincipalCache } from './principal-cache';
import { parseRevocation } from './principal-cache-sync';

const config = (ttl = 10_000) => ({ authCacheMax: 100, authCacheTtlMs: ttl }) as AppConfig;

describe('PrincipalCache', () => {
  it('answers what was put, per kind', () => {
    const cache = new PrincipalCache(config());
    cache.set('api-key', 'h1', { kind: 'TENANT_ADMIN' });
    expect(cache.get('api-key', 'h1')).toEqual({ kind: 'TENANT_ADMIN' });
    expect(cache.get('access-key', 'h1')).toBeUndefined();
  });

  it('evicts on revocation, broadcasts it, and refuses a late put of the old answer', async () => {
    const cache = new PrincipalCache(config());
    const sent: CredentialRevocation[] = [];
    cache.broadcastWith(async (r) => {
      sent.push(r);
    });
    cache.set('access-key', 'AKIA1', { accountId: '1' });
    await cache.revoke({ kind: 'access-key', id: 'AKIA1' });
    expect(cache.get('access-key', 'AKIA1')).toBeUndefined();
    expect(sent).toEqual([{ kind: 'access-key', id: 'AKIA1' }]);
    // A lookup that read the database before the revocation committed puts its answer late.
    cache.set('access-key', 'AKIA1', { accountId: '1' });
    expect(cache.get('access-key', 'AKIA1')).toBeUndefined();
  });

  it('forgets entries after the TTL (the backstop when a revocation message is lost)', async () => {
    const cache = new PrincipalCache(config(30));
    cache.set('api-key', 'h2', { kind: 'ACCOUNT' });
    await new Promise((r) => setTimeout(r, 60));
    expect(cache.get('api-key', 'h2')).toBeUndefined();
  });
});

describe('parseRevocation', () => {
  it('accepts the two kinds and nothing else', () => {
    expect(parseRevocation('{"kind":"api-key","id":"abc"}')).toEqual({
      kind: 'api-key',
      id: 'abc',
    });
    expect(parseRevocation('{"kind":"role","id":"abc"}')).toBeNull();
    expect(parseRevocation('{"kind":"api-key","id":1}')).toBeNull();
    expect(parseRevocation('not json')).toBeNull();
  });
});
