import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError, sha256Hex } from '@accountlink/common';
import { ApiKeyKind, PrismaService, Tenant } from '@accountlink/db';
import { newApiKey, validateTenantName } from './domain/identity-rules';

export interface CreatedTenant {
  tenant: Tenant;
  adminKey: string;
}

@Injectable()
export class TenantService {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Creates a tenant and its first administrator key in one transaction. The new tenant's id is
   * set for the transaction before the insert, which is what its row-level policy checks.
   */
  async createTenant(name: string): Promise<CreatedTenant> {
    const problem = validateTenantName(name);
    if (problem) {
      throw AppError.badInput('name', problem);
    }
    const id = randomUUID();
    const adminKey = newApiKey();
    return this.prisma.withTenant(id, async (tx) => {
      // ON CONFLICT DO NOTHING keeps the transaction usable, so a duplicate writes nothing at all.
      const { count } = await tx.tenant.createMany({ data: [{ id, name }], skipDuplicates: true });
      if (count === 0) {
        throw AppError.conflict(`A tenant named "${name}" already exists`);
      }
      await tx.apiKey.create({
        data: {
          id: randomUUID(),
          tenantId: id,
          kind: ApiKeyKind.TENANT_ADMIN,
          keyHash: sha256Hex(adminKey),
          keyPrefix: adminKey.slice(0, 12),
        },
      });
      const tenant = await tx.tenant.findUniqueOrThrow({ where: { id } });
      return { tenant, adminKey };
    });
  }

  async getTenant(tenantId: string): Promise<Tenant | null> {
    return this.prisma.withTenant(tenantId, (tx) =>
      tx.tenant.findUnique({ where: { id: tenantId } }),
    );
  }
}
