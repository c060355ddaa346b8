import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError, sha256Hex } from '@accountlink/common';
import { ApiKey, ApiKeyKind, Database } from '@accountlink/db';
import { requireAccount } from './account.service';
import { newApiKey } from './domain/identity-rules';
import { AccountRepository } from './repositories/account.repository';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { UserRepository } from './repositories/user.repository';
import { CacheInvalidations } from './cache-invalidation';

@Injectable()
export class ApiKeyService {
  constructor(
    private readonly db: Database,
    private readonly keys: ApiKeyRepository,
    private readonly accounts: AccountRepository,
    private readonly users: UserRepository,
    private readonly invalidations: CacheInvalidations,
  ) {}

  /**
   * Mints a key (returned once, stored hashed): for the account or the user when given, else a
   * tenant administrator key.
   */
  async createApiKey(
    tenantId: string,
    accountId?: string | null,
    userId?: string | null,
  ): Promise<{ key: string; apiKey: ApiKey }> {
    if (accountId && userId) {
      throw AppError.badInput('userId', 'A key acts for an account or for a user, not both');
    }
    const key = newApiKey();
    return this.db.withTenant(tenantId, async (tx) => {
      if (accountId) {
        await requireAccount(this.accounts, tx, tenantId, accountId);
      }
      if (userId && !(await this.users.find(tx, tenantId, userId))) {
        throw AppError.notFound(`User ${userId.slice(0, 36)} does not exist`);
      }
      const apiKey = await this.keys.insert(tx, {
        id: randomUUID(),
        tenantId,
        kind: accountId ? ApiKeyKind.ACCOUNT : userId ? ApiKeyKind.USER : ApiKeyKind.TENANT_ADMIN,
        accountId: accountId ?? null,
        userId: userId ?? null,
        keyHash: sha256Hex(key),
        keyPrefix: key.slice(0, 12),
      });
      return { key, apiKey };
    });
  }

  /**
   * Revoking is effective on every API instance within a second: once it commits, the cached
   * principal is evicted here and on every other instance (CacheInvalidations).
   */
  async revokeApiKey(tenantId: string, id: string): Promise<ApiKey> {
    const revoked = await this.db.withTenant(tenantId, async (tx) => {
      const existing = await this.keys.find(tx, tenantId, id);
      if (!existing) {
        throw AppError.notFound(`API key ${id} does not exist`);
      }
      if (existing.revokedAt) {
        return existing;
      }
      return (await this.keys.revoke(tx, id, new Date())) ?? existing;
    });
    await this.invalidations.invalidate({ kind: 'api-key', id: revoked.keyHash });
    return revoked;
  }

  async listApiKeys(tenantId: string): Promise<ApiKey[]> {
    return this.db.withTenant(tenantId, (tx) => this.keys.list(tx, tenantId, 1000));
  }
}
