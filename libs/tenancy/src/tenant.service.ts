import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError, sha256Hex } from '@accountlink/common';
import { ApiKeyKind, Database, Tenant } from '@accountlink/db';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { TenantRepository } from './repositories/tenant.repository';
import { newApiKey, validateTenantName } from './domain/identity-rules';

export interface CreatedTenant {
  tenant: Tenant;
  adminKey: string;
}

@Injectable()
export class TenantService {
  constructor(
    private readonly db: Database,
    private readonly tenants: TenantRepository,
    private readonly keys: ApiKeyRepository,
  ) {}

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
    return this.db.withTenant(id, async (tx) => {
      // ON CONFLICT DO NOTHING keeps the transaction usable, so a duplicate writes nothing at all.
      const tenant = await this.tenants.insert(tx, id, name);
      if (!tenant) {
        throw AppError.conflict(`A tenant named "${name}" already exists`);
      }
      await this.keys.insert(tx, {
        id: randomUUID(),
        tenantId: id,
        kind: ApiKeyKind.TENANT_ADMIN,
        keyHash: sha256Hex(adminKey),
        keyPrefix: adminKey.slice(0, 12),
      });
      return { tenant, adminKey };
    });
  }

  async getTenant(tenantId: string): Promise<Tenant | null> {
    return this.db.withTenant(tenantId, (tx) => this.tenants.find(tx, tenantId));
  }
}
