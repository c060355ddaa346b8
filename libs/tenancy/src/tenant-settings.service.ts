import { Injectable } from '@nestjs/common';
import { AppError } from '@accountlink/common';
import { Database, jsonb } from '@accountlink/db';
import { normalizeCorsOrigins } from './domain/cors-origins';
import { checkFaultRules, FaultRule } from './domain/fault-injection';
import { TenantRepository } from './repositories/tenant.repository';
import { CacheInvalidations } from './cache-invalidation';

export interface TenantSettings {
  connectionQuota: number;
  requestsPerSecondPerAccount: number;
  connectionTokenTtlSeconds: number;
  verificationsPerMinutePerCaller: number;
  verificationsPerMinutePerTenant: number;
  environmentQuota: number;
  templateQuota: number;
  provisioningDelayMs: number;
  deploymentFailureRate: number;
  graphqlMaxDepth: number;
  graphqlMaxAliases: number;
  graphqlMaxCost: number;
  roleQuota: number;
  userQuota: number;
  spaceQuota: number;
  bundleObjectQuota: number;
  accountConnectionQuota: number;
  faultInjection: FaultRule[];
  corsOrigins: string[];
  worldAccountLimit: number;
}

/** A tenant's GraphQL limits until it changes them: the tenants columns' defaults. */
export const GRAPHQL_LIMIT_DEFAULTS = { depth: 12, aliases: 30, cost: 5_000 } as const;

/** How far a tenant may raise its GraphQL limits. */
export const GRAPHQL_LIMIT_CEILINGS = { depth: 30, aliases: 1_000, cost: 1_000_000 } as const;

const CACHE_MS = 5_000;

/**
 * Per-tenant simulation settings. Reads on the request path are cached for a few seconds; a
 * change reaches the other API processes' caches at once (CacheInvalidations).
 */
@Injectable()
export class TenantSettingsService {
  private readonly cache = new Map<string, { at: number; settings: TenantSettings }>();

  constructor(
    private readonly db: Database,
    private readonly tenants: TenantRepository,
    private readonly invalidations: CacheInvalidations,
  ) {
    invalidations.on('tenant-settings', (tenantId) => this.cache.delete(tenantId));
  }

  /** `maxAgeMs` 0 reads the database (the worker does: a test's or load test's change applies at once). */
  async get(tenantId: string, maxAgeMs = CACHE_MS): Promise<TenantSettings> {
    const hit = this.cache.get(tenantId);
    if (hit && Date.now() - hit.at < maxAgeMs) {
      return hit.settings;
    }
    const settings = await this.db.withTenant(tenantId, (tx) =>
      this.tenants.settings(tx, tenantId),
    );
    if (!settings) {
      throw AppError.notFound('The tenant does not exist');
    }
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
    checkRange('environmentQuota', patch.environmentQuota, 1, 1_000_000);
    checkRange('templateQuota', patch.templateQuota, 1, 1_000_000);
    checkRange('provisioningDelayMs', patch.provisioningDelayMs, 0, 600_000);
    checkRange('graphqlMaxDepth', patch.graphqlMaxDepth, 1, GRAPHQL_LIMIT_CEILINGS.depth);
    checkRange('graphqlMaxAliases', patch.graphqlMaxAliases, 0, GRAPHQL_LIMIT_CEILINGS.aliases);
    checkRange('graphqlMaxCost', patch.graphqlMaxCost, 1, GRAPHQL_LIMIT_CEILINGS.cost);
    checkRange('roleQuota', patch.roleQuota, 1, 100_000);
    checkRange('userQuota', patch.userQuota, 1, 1_000_000);
    checkRange('spaceQuota', patch.spaceQuota, 1, 100_000);
    checkRange('bundleObjectQuota', patch.bundleObjectQuota, 1, 100_000);
    checkRange('accountConnectionQuota', patch.accountConnectionQuota, 1, 100_000);
    checkRange('worldAccountLimit', patch.worldAccountLimit, 1, 100_000);
    if (
      patch.deploymentFailureRate !== undefined &&
      !(patch.deploymentFailureRate >= 0 && patch.deploymentFailureRate <= 1)
    ) {
      throw AppError.badInput('deploymentFailureRate', 'deploymentFailureRate must be from 0 to 1');
    }
    if (patch.faultInjection !== undefined) {
      checkFaultRules(patch.faultInjection);
    }
    const { faultInjection, corsOrigins, ...columns } = patch;
    const settings = await this.db.withTenant(tenantId, (tx) =>
      this.tenants.updateSettings(tx, tenantId, {
        ...columns,
        ...(corsOrigins !== undefined ? { corsOrigins: normalizeCorsOrigins(corsOrigins) } : {}),
        ...(faultInjection !== undefined ? { faultInjection: jsonb(faultInjection) } : {}),
      }),
    );
    if (!settings) {
      throw AppError.notFound('The tenant does not exist');
    }
    await this.invalidations.invalidate({ kind: 'tenant-settings', id: tenantId });
    this.cache.set(tenantId, { at: Date.now(), settings });
    return settings;
  }
}

function checkRange(field: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    throw AppError.badInput(field, `${field} must be an integer from ${min} to ${max}`);
  }
}
