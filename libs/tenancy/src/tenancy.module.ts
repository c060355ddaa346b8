import { Module } from '@nestjs/common';
import { AccessKeyService } from './access-key.service';
import { AccountService } from './account.service';
import { ApiKeyService } from './api-key.service';
import { AuthService } from './auth.service';
import { AwsAuthService } from './aws-auth.service';
import { TenancyResolver } from './graphql/tenancy.resolver';
import { TenantService } from './tenant.service';
import { TenantSettingsService } from './tenant-settings.service';
import { ThrottleService } from './throttle.service';
import { UserService } from './user.service';

const SERVICES = [
  AuthService,
  AwsAuthService,
  TenantService,
  TenantSettingsService,
  AccountService,
  ApiKeyService,
  AccessKeyService,
  UserService,
];

@Module({ providers: [...SERVICES, TenancyResolver], exports: SERVICES })
export class TenancyModule {}

/** The request-path rate limiter (Redis): only the API imports it. */
@Module({ imports: [TenancyModule], providers: [ThrottleService], exports: [ThrottleService] })
export class ThrottleModule {}

export const TENANCY_RESOLVERS = [TenancyResolver];
