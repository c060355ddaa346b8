import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError, sha256Hex } from '@accountlink/common';
import { ApiKey, ApiKeyKind, PrismaService } from '@accountlink/db';
import { requireAccount } from './account.service';
import { newApiKey } from './domain/identity-rules';

@Injectable()
export class ApiKeyService {
  constructor(private readonly prisma: PrismaService) {}

  /** Mints a key (returned once, stored hashed): for the account when given, else a tenant admin key. */
  async createApiKey(
    tenantId: string,
    accountId?: string | null,
  ): Promise<{ key: string; apiKey: ApiKey }> {
    const key = newApiKey();
    return this.prisma.withTenant(tenantId, async (tx) => {
      if (accountId) {
        await requireAccount(tx, tenantId, accountId);
      }
      const apiKey = await tx.apiKey.create({
        data: {
          id: randomUUID(),
          tenantId,
          kind: accountId ? ApiKeyKind.ACCOUNT : ApiKeyKind.TENANT_ADMIN,
          accountId: accountId ?? null,
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
