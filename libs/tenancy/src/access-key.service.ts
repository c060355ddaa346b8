import { Injectable } from '@nestjs/common';
import { AppError } from '@accountlink/common';
import { AccessKey, PrismaService } from '@accountlink/db';
import { requireAccount } from './account.service';
import { newAccessKeyId, newSecretAccessKey } from './domain/identity-rules';

@Injectable()
export class AccessKeyService {
  constructor(private readonly prisma: PrismaService) {}

  async createAccessKey(tenantId: string, accountId: string): Promise<AccessKey> {
    return this.prisma.withTenant(tenantId, async (tx) => {
      await requireAccount(tx, tenantId, accountId);
      return tx.accessKey.create({
        data: {
          accessKeyId: newAccessKeyId(),
          secretAccessKey: newSecretAccessKey(),
          tenantId,
          accountId,
        },
      });
    });
  }

  async deleteAccessKey(tenantId: string, accessKeyId: string): Promise<AccessKey> {
    return this.prisma.withTenant(tenantId, async (tx) => {
      const existing = await tx.accessKey.findFirst({ where: { accessKeyId, tenantId } });
      if (!existing) {
        throw AppError.notFound(`Access key ${accessKeyId.slice(0, 32)} does not exist`);
      }
      await tx.accessKey.delete({ where: { accessKeyId } });
      return existing;
    });
  }

  async listAccessKeys(tenantId: string, accountId: string): Promise<AccessKey[]> {
    return this.prisma.withTenant(tenantId, (tx) =>
      tx.accessKey.findMany({
        where: { tenantId, accountId },
        orderBy: { createdAt: 'asc' },
        take: 1000,
      }),
    );
  }
}
