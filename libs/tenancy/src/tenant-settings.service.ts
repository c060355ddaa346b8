import { Injectable } from '@nestjs/common';
import { AppError } from '@accountlink/common';
import { PrismaService } from '@accountlink/db';

export interface TenantSettings {
  connectionQuota: number;
  requestsPerSecondPerAccount: number;
  connectionTokenTtlSeconds: number;
  verificationsPerMinutePerCaller: number;
  verificationsPerMinutePerTenant: number;
}

const SETTINGS_SELECT = {
  connectionQuota: true,
  requestsPerSecondPerAccount: true,
  connectionTokenTtlSeconds: true,
  verificationsPerMinutePerCaller: true,
  verificationsPerMinutePerTenant: true,
} as const;

const CACHE_MS = 5_000;

/** Per-tenant simulation settings. Reads on the request path are cached for a few seconds. */
@Injectable()
export class TenantSettingsService {
  private readonly cache = new Map<string, { at: number; settings: TenantSettings }>();

  constructor(private readonly prisma: PrismaService) {}

  async get(tenantId: string): Promise<TenantSettings> {
    const hit = this.cache.get(tenantId);
    if (hit && Date.now() - hit.at < CACHE_MS) {
      return hit.settings;
    }
    const settings = await this.prisma.withTenant(tenantId, (tx) =>
      tx.tenant.findUniqueOrThrow({
        where: { id: tenantId },
        select: SETTINGS_SELECT,
      }),
    );
    this.cache.set(tenantId, { at: Date.now(), settings });
    return settings;
  }

  async update(tenantId: string, patch: Partial<TenantSettings>): Promise<TenantSettings> {
    checkRange('connectionQuota', patch.connectionQuota, 1, 1_000_000);
    checkRange('requestsPerSecondPerAccount', patch.requestsPerSecondPerAccount, 1, 100_000);
    checkRange('connectionTokenTtlSeconds', patch.connectionTokenTtlSeconds, 1, 30 * 86_400);
    checkRange(
      'verificationsPerMinutePerCaller',
      patch.verificationsPerMinutePerCaller,
      1,
      100_000,
    );
    checkRange(
      'verificationsPerMinutePerTenant',
      patch.verificationsPerMinutePerTenant,
      1,
      1_000_000,
    );
    const settings = await this.prisma.withTenant(tenantId, (tx) =>
      tx.tenant.update({
        where: { id: tenantId },
        data: patch,
        select: SETTINGS_SELECT,
      }),
    );
    this.cache.set(tenantId, { at: Date.now(), settings });
    return settings;
  }
}

function checkRange(field: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    throw AppError.badInput(field, `${field} must be an integer from ${min} to ${max}`);
  }
}
