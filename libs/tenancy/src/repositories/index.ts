/**
 * Tenancy's repositories. Lock order: tenancy takes no row locks of its own; its writes are single
 * inserts or updates guarded by unique keys (tenant name, account id, user email).
 */
export * from './access-key.repository';
export * from './account.repository';
export * from './api-key.repository';
export * from './credential.repository';
export * from './tenant.repository';
export * from './user.repository';

import { AccessKeyRepository } from './access-key.repository';
import { AccountRepository } from './account.repository';
import { ApiKeyRepository } from './api-key.repository';
import { CredentialRepository } from './credential.repository';
import { TenantRepository } from './tenant.repository';
import { UserRepository } from './user.repository';

export const TENANCY_REPOSITORIES = [
  AccessKeyRepository,
  AccountRepository,
  ApiKeyRepository,
  CredentialRepository,
  TenantRepository,
  UserRepository,
];
