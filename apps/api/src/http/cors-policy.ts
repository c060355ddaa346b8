import { ErrorCode, isAppError } from '@accountlink/common';
import { CacheInvalidations, TenantSettingsService } from '@accountlink/tenancy';
import { LRUCache } from 'lru-cache';

/** Tenants whose allowed origins are kept in process, and for how long (the settings' cache). */
const CACHED_TENANTS = 10_000;
const CACHE_MS = 5_000;

/**
 * Which origins may call the API on a path: CORS_ORIGINS everywhere, and on a tenant's path
 * (`/tenants/{id}/…`, see tenant-path.ts) that tenant's `corsOrigins` as well. A tenant's list is
 * read at most once per few seconds (an unknown tenant too, as no origins), and a change of the
 * settings reaches every API process at once through CacheInvalidations.
 */
export class CorsPolicy {
  private readonly byTenant = new LRUCache<string, ReadonlySet<string>>({
    max: CACHED_TENANTS,
    ttl: CACHE_MS,
  });

  constructor(
    private readonly global: ReadonlySet<string>,
    private readonly settings: TenantSettingsService,
    invalidations: CacheInvalidations,
  ) {
    invalidations.on('tenant-settings', (tenantId) => this.byTenant.delete(tenantId));
  }

  /** The origins allowed on the path of this tenant (none: the plain path). */
  async originsFor(tenantPath: string | undefined): Promise<ReadonlySet<string>> {
    if (tenantPath === undefined) {
      return this.global;
    }
    const cached = this.byTenant.get(tenantPath);
    if (cached) {
      return cached;
    }
    const origins = new Set(this.global);
    for (const origin of await this.tenantOrigins(tenantPath)) {
      origins.add(origin);
    }
    this.byTenant.set(tenantPath, origins);
    return origins;
  }

  private async tenantOrigins(tenantId: string): Promise<readonly string[]> {
    try {
      return (await this.settings.get(tenantId, 0)).corsOrigins;
    } catch (error) {
      if (isAppError(error) && error.code === ErrorCode.NOT_FOUND) {
        return [];
      }
      throw error;
    }
  }
}
