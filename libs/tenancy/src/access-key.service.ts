import { Injectable } from '@nestjs/common';
import { AppError } from '@accountlink/common';
import { AccessKey, Database } from '@accountlink/db';
import { AccessKeyRepository, AccessKeySummary } from './repositories/access-key.repository';
import { AccountRepository } from './repositories/account.repository';
import { CacheInvalidations } from './cache-invalidation';
import { requireAccount } from './account.service';
import { newAccessKeyId, newSecretAccessKey } from './domain/identity-rules';

@Injectable()
export class AccessKeyService {
  constructor(
    private readonly db: Database,
    private readonly keys: AccessKeyRepository,
    private readonly accounts: AccountRepository,
    private readonly invalidations: CacheInvalidations,
  ) {}

  /** A new key with its secret, shown this once (the application role cannot read it back). */
  async createAccessKey(tenantId: string, accountId: string): Promise<AccessKey> {
    const secretAccessKey = newSecretAccessKey();
    const row = await this.db.withTenant(tenantId, async (tx) => {
      await requireAccount(this.accounts, tx, tenantId, accountId);
      return this.keys.insert(tx, {
        accessKeyId: newAccessKeyId(),
        secretAccessKey,
        tenantId,
        accountId,
      });
    });
    return { ...row, secretAccessKey };
  }

  /** Effective on every API instance within a second, like revoking an API key. */
  async deleteAccessKey(tenantId: string, accessKeyId: string): Promise<AccessKeySummary> {
    const deleted = await this.db.withTenant(tenantId, async (tx) => {
      const row = await this.keys.delete(tx, tenantId, accessKeyId);
      if (!row) {
        throw AppError.notFound(`Access key ${accessKeyId.slice(0, 32)} does not exist`);
      }
      return row;
    });
    await this.invalidations.invalidate({ kind: 'access-key', id: deleted.accessKeyId });
    return deleted;
  }

  async listAccessKeys(tenantId: string, accountId: string): Promise<AccessKeySummary[]> {
    return this.db.withTenant(tenantId, (tx) => this.keys.list(tx, tenantId, accountId, 1000));
  }
}
