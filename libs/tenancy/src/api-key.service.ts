import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError, sha256Hex } from '@accountlink/common';
import { ApiKey, ApiKeyKind, PrismaService } from '@accountlink/db';
import { requireAccount } from './account.service';
import { newApiKey } from './domain/identity-rules';
import { findUser } from './user.service';

@Injectable()
export class ApiKeyService {
  constructor(private readonly prisma: PrismaService) {}

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
    return this.prisma.withTenant(tenantId, async (tx) => {
      if (accountId) {
        await requireAccount(tx, tenantId, accountId);
      }
      if (userId && !(await findUser(tx, tenantId, userId))) {
        throw AppError.notFound(`User ${userId.slice(0, 36)} does not exist`);
      }
      const apiKey = await tx.apiKey.create({
        data: {
          id: randomUUID(),
          tenantId,
          kind: accountId ? ApiKeyKind.ACCOUNT : userId ? ApiKeyKind.USER : ApiKeyKind.TENANT_ADMIN,
          accountId: accountId ?? null,
          userId: userId ?? null,
          keyHash: sha256Hex(key),
          keyPrefix: key.slice(0, 12),
        },
      });
      return { key, apiKey };
    });
  }

  /** Revoking is immediate: authentication reads the key's state on every request. */
  async revokeApiKey(tenantId: string, id: string): Promise<ApiKey> {
    return this.prisma.withTenant(tenantId, async (tx) => {
      const existing = await tx.apiKey.findFirst({ where: { id, tenantId } });
      if (!existing) {
        throw AppError.notFound(`API key ${id} does not exist`);
      }
      if (existing.revokedAt) {
        return existing;
      }
      return tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    });
  }

  async listApiKeys(tenantId: string): Promise<ApiKey[]> {
    return this.prisma.withTenant(tenantId, (tx) =>
      tx.apiKey.findMany({
        where: { tenantId },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: 1000,
      }),
    );
  }
}
