import { Module } from '@nestjs/common';
import { AccessKeyService } from './access-key.service';
import { AccountService } from './account.service';
import { ApiKeyService } from './api-key.service';
import { AuthService } from './auth.service';
import { TenancyResolver } from './graphql/tenancy.resolver';
import { TenantService } from './tenant.service';

@Module({
  providers: [
    AuthService,
    TenantService,
    AccountService,
    ApiKeyService,
    AccessKeyService,
    TenancyResolver,
  ],
  exports: [AuthService, TenantService, AccountService, ApiKeyService, AccessKeyService],
})
export class TenancyModule {}

export const TENANCY_RESOLVERS = [TenancyResolver];
