import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { TenantShares } from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';

/**
 * Fairness between tenants in one API process: each tenant has at most API_TENANT_CONCURRENCY
 * requests in progress (past authentication) on either edge; its other requests wait in its own
 * line. A tenant that sends thousands of requests at once therefore cannot fill the event loop
 * (or, with the database's per-tenant share of the pool, the pool) ahead of a light tenant.
 */
@Injectable()
export class RequestShares extends TenantShares {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(config.apiTenantConcurrency);
  }
}

@Global()
@Module({ providers: [RequestShares], exports: [RequestShares] })
export class RequestSharesModule {}
