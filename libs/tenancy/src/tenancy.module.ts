import { Module } from '@nestjs/common';
import { AccessKeyService } from './access-key.service';
import { AccountService } from './account.service';
import { ApiKeyService } from './api-key.service';
import { AuthService } from './auth.service';
import { AwsAuthService } from './aws-auth.service';
import { PrincipalResolver, TenancyResolver } from './graphql/tenancy.resolver';
import { TenantService } from './tenant.service';
import { TenantSettingsService } from './tenant-settings.service';
import { ThrottleService } from './throttle.service';
import { UserService } from './user.service';
import { PrincipalCache } from './principal-cache';
import { CacheInvalidationSync } from './cache-invalidation-sync';
import { CacheInvalidations } from './cache-invalidation';
import { TENANCY_REPOSITORIES } from './repositories';

const SERVICES = [
  AuthService,
  AwsAuthService,
  TenantService,
  TenantSettingsService,
  AccountService,
  ApiKeyService,
  AccessKeyService,
  UserService,
  PrincipalCache,
  CacheInvalidations,
];

@Module({
  providers: [...SERVICES, ...TENANCY_REPOSITORIES, TenancyResolver, PrincipalResolver],
  exports: [...SERVICES, ...TENANCY_REPOSITORIES],
})
export class TenancyModule {}

/** The request-path rate limiter (Redis): only the API imports it. */
@Module({ imports: [TenancyModule], providers: [ThrottleService], exports: [ThrottleService] })
export class ThrottleModule {}

/** Invalidations reach every API process's caches (Redis pub/sub): only the API imports it. */
@Module({ imports: [TenancyModule], providers: [CacheInvalidationSync] })
export class CacheInvalidationSyncModule {}

export const TENANCY_RESOLVERS = [TenancyResolver, PrincipalResolver];
